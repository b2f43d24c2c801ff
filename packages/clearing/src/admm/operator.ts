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
  /** Offers and consensus hour-major (v_i(t) at t·N + i): each hour's agents are contiguous. */
  private readonly offers: Float64Array;
  private readonly hourZ: Float64Array;
  /** Centred flows Ĥv and signed multipliers per projected row (row r, hour t at r·T + t). */
  private readonly flows: Float64Array;
  private readonly rowMu: Float64Array;
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
    const m = this.structure.rows.length;
    this.offers = new Float64Array(n * hours);
    this.hourZ = new Float64Array(n * hours);
    this.flows = new Float64Array(m * hours);
    this.rowMu = new Float64Array(m * hours);
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
    const V = this.offers;
    for (const o of offers) for (let t = 0; t < T; t++) V[t * n + o.agent] = o.offer[t]!;
    const { z, lineMultipliers, balanceMultipliers: means } = this.step;
    const Z = this.hourZ;
    this.previous.set(z);
    const sh = this.structure;
    sh.hourMeans(V, T, means);
    if (this.enforceLines) {
      sh.centredFlows(V, T, this.flows);
      for (let t = 0; t < T; t++) this.projections[t]!.solve(this.flows, t, T, this.rowMu);
      sh.applyMultipliers(V, T, means, this.rowMu, Z);
      sh.rows.forEach((l, r) => lineMultipliers.set(this.rowMu.subarray(r * T, (r + 1) * T), l * T));
    } else {
      for (let t = 0; t < T; t++) for (let a = 0; a < n; a++) Z[t * n + a] = V[t * n + a]! - means[t]!;
    }
    for (let a = 0; a < n; a++) for (let t = 0; t < T; t++) z[a * T + t] = Z[t * n + a]!;
    let changeSq = 0;
    for (let k = 0; k < n * T; k++) changeSq += (z[k]! - this.previous[k]!) ** 2;
    this.step.changeSq = changeSq;
    this.step.violationKw = sh.violation(Z, T);
    return this.step;
  }
}
