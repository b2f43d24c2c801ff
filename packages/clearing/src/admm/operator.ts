// The network operator (NO): it knows the network (agent-level PTDF, limits) and receives each
// agent's offer p̂_i + u_i, nothing else. Its consensus step is averaging (4-5) without network
// constraints, or the per-hour projection onto balance and line limits (4-6) with them. The hours
// share one projection structure (the network does not change within the day) and every buffer is
// allocated once, when the operator is built.
import type { Offer } from './messages';
import { HourProjection, NetworkProjection, type ProjectionNetwork } from './projection';

export interface OperatorStep {
  /** z per agent and hour, agent-major (z_i(t) at i·T + t); the operator's buffer, valid until its next step. */
  z: Float64Array;
  /** Σ ‖z^{k+1} − z^k‖² over agents and hours (for the dual residual 4-11). */
  changeSq: number;
  /** Largest (|flow| − limit)⁺ of z over lines and hours, kW. */
  violationKw: number;
  /** Line multipliers of the projection, line-major (μ_ℓ(t) at ℓ·T + t; zero when averaging). */
  lineMultipliers: Float64Array;
  /**
   * The balance multiplier of each hour, ν_t = mean_i(p̂_i + u_i)(t): with the line multipliers it
   * gives the scaled duals, u_i(t) = ν_t + Σ_ℓ Ĥ_ℓi μ_ℓ(t) (the residual v − z of the projection).
   */
  balanceMultipliers: Float64Array;
}

export class NetworkOperator {
  private readonly structure: NetworkProjection;
  private readonly projections: HourProjection[];
  private readonly n: number;
  /** Offers hour-major (v_i(t) at t·N + i), so that each hour's projection reads contiguous memory. */
  private readonly offers: Float64Array;
  private readonly hourZ: Float64Array;
  private readonly hourMu: Float64Array;
  private readonly step: OperatorStep;
  private readonly previous: Float64Array;

  constructor(
    private readonly network: ProjectionNetwork,
    private readonly hours: number,
    readonly enforceLines: boolean,
  ) {
    const n = network.agents;
    this.n = n;
    this.structure = new NetworkProjection(network, { projects: enforceLines });
    this.projections = Array.from({ length: hours }, () => new HourProjection(this.structure));
    this.offers = new Float64Array(hours * n);
    this.hourZ = new Float64Array(n);
    this.hourMu = new Float64Array(network.lines);
    this.previous = new Float64Array(n * hours);
    this.step = {
      z: new Float64Array(n * hours),
      changeSq: 0,
      violationKw: 0,
      lineMultipliers: new Float64Array(network.lines * hours),
      balanceMultipliers: new Float64Array(hours),
    };
  }

  consensus(offers: readonly Offer[]): OperatorStep {
    const n = this.n;
    const T = this.hours;
    if (offers.length !== n) throw new Error(`operator expected ${n} offers, got ${offers.length}`);
    for (const o of offers) {
      for (let t = 0; t < T; t++) this.offers[t * n + o.agent] = o.offer[t]!;
    }
    const { z, lineMultipliers, balanceMultipliers } = this.step;
    this.previous.set(z);
    const L = this.network.lines;
    const zt = this.hourZ;
    let violationKw = 0;
    for (let t = 0; t < T; t++) {
      const v = this.offers.subarray(t * n, (t + 1) * n);
      let mean = 0;
      for (let a = 0; a < n; a++) mean += v[a]!;
      balanceMultipliers[t] = mean / n;
      if (this.enforceLines) {
        const r = this.projections[t]!.project(v, { z: zt, mu: this.hourMu });
        for (let l = 0; l < L; l++) lineMultipliers[l * T + t] = this.hourMu[l]!;
        violationKw = Math.max(violationKw, r.violationKw);
      } else {
        const m = mean / n;
        for (let a = 0; a < n; a++) zt[a] = v[a]! - m;
        violationKw = Math.max(violationKw, this.structure.violation(zt));
      }
      for (let a = 0; a < n; a++) z[a * T + t] = zt[a]!;
    }
    let changeSq = 0;
    for (let k = 0; k < n * T; k++) changeSq += (z[k]! - this.previous[k]!) ** 2;
    this.step.changeSq = changeSq;
    this.step.violationKw = violationKw;
    return this.step;
  }
}
