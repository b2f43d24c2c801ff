// Agents whose subproblem separates by hour and has a closed form: the grid, sellers without a
// battery and buyers. Each hour is a one-dimensional convex problem on an interval, so the
// unconstrained minimizer clamped to the interval is optimal.
import type { BuyerParams, GridParams, SellerParams } from '../../case/market';
import { agentSurplus, marginalCost } from '../../model/welfare';
import { ConsensusAgent, clamp, type LocalSolution } from './agent';

/** Upstream grid: min C_imp·g + ρ/2 (g − v)², 0 ≤ g ≤ g_max  →  g = clamp(v − C_imp/ρ). */
export class GridAgent extends ConsensusAgent {
  constructor(
    index: number,
    hours: number,
    private readonly params: GridParams,
  ) {
    super(index, hours);
  }

  protected solveLocal(v: Float64Array, rho: number): LocalSolution {
    const g = Float64Array.from(v, (vt) => clamp(vt - this.params.importCostUsdPerKwh / rho, 0, this.params.maxImportKw));
    const dispatch = { netKw: Array.from(g), importKw: Array.from(g) };
    return { p: g, dispatch, surplusUsd: agentSurplus(this.params, dispatch) };
  }
}

/** Seller without storage (4-3): min αx² + βx + ρ/2 (x − v)²  →  x = clamp((ρv − β)/(2α + ρ)). */
export class SellerAgent extends ConsensusAgent {
  constructor(
    index: number,
    hours: number,
    private readonly params: SellerParams,
  ) {
    super(index, hours);
  }

  protected solveLocal(v: Float64Array, rho: number): LocalSolution {
    const { alpha, beta, xLowerKw, xUpperKw } = this.params;
    const x = Float64Array.from(v, (vt, t) => clamp((rho * vt - beta) / (2 * alpha + rho), xLowerKw[t]!, xUpperKw[t]!));
    const dispatch = { netKw: Array.from(x), generationKw: Array.from(x) };
    return {
      p: x,
      dispatch,
      surplusUsd: agentSurplus(this.params, dispatch),
      marginalCostUsdPerKwh: Array.from(x, (xt) => marginalCost(this.params, xt)),
    };
  }
}

/**
 * Buyer (4-4), p = −y: min −ω ln(1 + y) + δy + ρ/2 (y + v)². Stationarity −ω/(1+y) + δ + ρ(y + v) = 0
 * is the quadratic ρy² + (ρ(1 + v) + δ)y + (ρv + δ − ω) = 0; its larger root is the minimizer on
 * y > −1 (the objective is strictly convex there), clamped to [y_min, y_max].
 */
export class BuyerAgent extends ConsensusAgent {
  constructor(
    index: number,
    hours: number,
    private readonly params: BuyerParams,
  ) {
    super(index, hours);
  }

  protected solveLocal(v: Float64Array, rho: number): LocalSolution {
    const { omega, delta, yLowerKw, yUpperKw } = this.params;
    const y = Float64Array.from(v, (vt, t) => {
      const b = rho * (1 + vt) + delta;
      const c = rho * vt + delta - omega;
      const disc = Math.sqrt(Math.max(b * b - 4 * rho * c, 0));
      // Larger root without cancellation: (−b + √disc)/(2ρ) = −2c/(b + √disc) when b > 0.
      const root = b > 0 ? (-2 * c) / (b + disc) : (-b + disc) / (2 * rho);
      return clamp(root, yLowerKw[t]!, yUpperKw[t]!);
    });
    const dispatch = { netKw: Array.from(y, (yt) => -yt), consumptionKw: Array.from(y) };
    return { p: Float64Array.from(y, (yt) => -yt), dispatch, surplusUsd: agentSurplus(this.params, dispatch) };
  }
}
