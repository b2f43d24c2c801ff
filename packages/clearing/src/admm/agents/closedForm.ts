// Agents whose subproblem separates by hour and has a closed form: the grid, sellers without a
// battery and buyers. Each hour is a one-dimensional convex problem on an interval, so the
// unconstrained minimizer clamped to the interval is optimal.
import type { BuyerParams, GridParams, SellerParams } from '../../case/market';
import { agentSurplus, marginalCost } from '../../model/welfare';
import { ConsensusAgent, clamp } from './agent';

/** Upstream grid: min C_imp·g + ρ/2 (g − v)², 0 ≤ g ≤ g_max  →  g = clamp(v − C_imp/ρ). */
export class GridAgent extends ConsensusAgent {
  private readonly g: Float64Array;

  constructor(
    index: number,
    hours: number,
    protected readonly params: GridParams,
  ) {
    super(index, hours);
    this.g = new Float64Array(hours);
  }

  protected solveLocal(v: Float64Array, rho: number, p: Float64Array): number {
    const shift = this.params.importCostUsdPerKwh / rho;
    for (let t = 0; t < this.hours; t++) this.g[t] = clamp(v[t]! - shift, 0, this.params.maxImportKw);
    p.set(this.g);
    return agentSurplus(this.params, { netKw: this.g, importKw: this.g });
  }

  protected dispatch() {
    return { netKw: Array.from(this.g), importKw: Array.from(this.g) };
  }
}

/** Seller without storage (4-3): min αx² + βx + ρ/2 (x − v)²  →  x = clamp((ρv − β)/(2α + ρ)). */
export class SellerAgent extends ConsensusAgent {
  private readonly x: Float64Array;

  constructor(
    index: number,
    hours: number,
    protected readonly params: SellerParams,
  ) {
    super(index, hours);
    this.x = new Float64Array(hours);
  }

  protected solveLocal(v: Float64Array, rho: number, p: Float64Array): number {
    const { alpha, beta, xLowerKw, xUpperKw } = this.params;
    const curvature = 2 * alpha + rho;
    for (let t = 0; t < this.hours; t++) this.x[t] = clamp((rho * v[t]! - beta) / curvature, xLowerKw[t]!, xUpperKw[t]!);
    p.set(this.x);
    return agentSurplus(this.params, { netKw: this.x, generationKw: this.x });
  }

  protected dispatch() {
    return { netKw: Array.from(this.x), generationKw: Array.from(this.x) };
  }

  protected override marginalCosts(): number[] {
    return Array.from(this.x, (xt) => marginalCost(this.params, xt));
  }
}

/**
 * Buyer (4-4), p = −y: min −ω ln(1 + y) + δy + ρ/2 (y + v)². Stationarity −ω/(1+y) + δ + ρ(y + v) = 0
 * is the quadratic ρy² + (ρ(1 + v) + δ)y + (ρv + δ − ω) = 0; its larger root is the minimizer on
 * y > −1 (the objective is strictly convex there), clamped to [y_min, y_max].
 */
export class BuyerAgent extends ConsensusAgent {
  private readonly y: Float64Array;

  constructor(
    index: number,
    hours: number,
    protected readonly params: BuyerParams,
  ) {
    super(index, hours);
    this.y = new Float64Array(hours);
  }

  protected solveLocal(v: Float64Array, rho: number, p: Float64Array): number {
    const { omega, delta, yLowerKw, yUpperKw } = this.params;
    for (let t = 0; t < this.hours; t++) {
      const vt = v[t]!;
      const b = rho * (1 + vt) + delta;
      const c = rho * vt + delta - omega;
      const disc = Math.sqrt(Math.max(b * b - 4 * rho * c, 0));
      // Larger root without cancellation: (−b + √disc)/(2ρ) = −2c/(b + √disc) when b > 0.
      const root = b > 0 ? (-2 * c) / (b + disc) : (-b + disc) / (2 * rho);
      const y = clamp(root, yLowerKw[t]!, yUpperKw[t]!);
      this.y[t] = y;
      p[t] = -y;
    }
    return agentSurplus(this.params, { netKw: p, consumptionKw: this.y });
  }

  protected dispatch() {
    return { netKw: Array.from(this.y, (yt) => -yt), consumptionKw: Array.from(this.y) };
  }
}
