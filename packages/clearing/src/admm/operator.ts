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
  /**
   * ‖δu‖² with δu = u^{k+1} − u^k = p̂ − z (4-8), and ‖δu^{k+1} − δu^k‖²: for a feasible market δu
   * tends to 0; when it settles on a non-zero vector, that vector certifies infeasibility
   * (Banjac et al. 2019) — see infeasibility.ts.
   */
  dualStepSq: number;
  dualStepChangeSq: number;
}

/** What one hour of an infeasibility certificate δu says (kW). */
export interface HourCertificate {
  hour: number;
  /** ‖p_t − z_t‖ over the agents (δu_t/α). */
  normKw: number;
  /** Σ_i (p_i − z_i)(t) = Σ_i p_i(t): the agents' net injection that balance (3-16) cannot absorb (negative: demand they cannot give up). */
  imbalanceKw: number;
  /**
   * The lines in the certificate: δu_t = δν_t·1 + Ĥᵀδμ_t, and these are the lines whose multiplier
   * keeps growing (|δμ_ℓ|·‖Ĥ_ℓ‖ ≥ 1e-3·‖δu_t‖), with the flow the agents' proposals p would put on them (3-19).
   */
  lines: { line: number; flowKw: number; limitKw: number }[];
}

/** Agents per block when the day's arrays change between agent-major and hour-major. */
const TRANSPOSE_BLOCK = 64;

export class NetworkOperator {
  private readonly structure: NetworkProjection;
  private readonly projections: HourProjection[];
  private readonly n: number;
  /** Offers and consensus hour-major (v_i(t) at t·N + i): each hour's agents are contiguous. */
  private readonly offers: Float64Array;
  private readonly hourZ: Float64Array;
  /** The next z agent-major, swapped with step.z once the dual residual's change is summed. */
  private nextZ: Float64Array;
  /** Centred flows Ĥv and signed multipliers per projected row (row r, hour t at r·T + t). */
  private readonly flows: Float64Array;
  private readonly rowMu: Float64Array;
  private readonly previousRowMu: Float64Array;
  private readonly step: OperatorStep;
  /** The scaled duals u = v − z (the projection's residual) and their last increment δu, hour-major. */
  private readonly duals: Float64Array;
  private readonly dualStep: Float64Array;
  private readonly lineFlows: Float64Array;

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
    this.nextZ = new Float64Array(n * hours);
    this.flows = new Float64Array(m * hours);
    this.rowMu = new Float64Array(m * hours);
    this.previousRowMu = new Float64Array(m * hours);
    this.duals = new Float64Array(n * hours);
    this.dualStep = new Float64Array(n * hours);
    this.lineFlows = new Float64Array(this.structure.enforced.length);
    this.step = {
      z: new Float64Array(n * hours),
      changeSq: 0,
      violationKw: 0,
      lineMultipliers: new Float64Array(network.lines * hours),
      balanceMultipliers: new Float64Array(hours),
      dualStepSq: 0,
      dualStepChangeSq: 0,
    };
  }

  consensus(offers: readonly Offer[]): OperatorStep {
    const n = this.n;
    const T = this.hours;
    if (offers.length !== n) throw new Error(`operator expected ${n} offers, got ${offers.length}`);
    const V = this.offers;
    // Agent-major messages into hour-major memory, a block of agents at a time (writes stay local).
    for (let a0 = 0; a0 < n; a0 += TRANSPOSE_BLOCK) {
      const a1 = Math.min(n, a0 + TRANSPOSE_BLOCK);
      for (let i = a0; i < a1; i++) {
        const o = offers[i]!;
        for (let t = 0; t < T; t++) V[t * n + o.agent] = o.offer[t]!;
      }
    }
    const { z, lineMultipliers, balanceMultipliers: means } = this.step;
    const Z = this.hourZ;
    const sh = this.structure;
    sh.hourMeans(V, T, means);
    if (this.enforceLines) {
      this.previousRowMu.set(this.rowMu);
      sh.centredFlows(V, T, this.flows);
      for (let t = 0; t < T; t++) this.projections[t]!.solve(this.flows, t, T, this.rowMu);
      sh.applyMultipliers(V, T, means, this.rowMu, Z);
      for (let r = 0; r < sh.rows.length; r++) for (let t = 0; t < T; t++) lineMultipliers[sh.rows[r]! * T + t] = this.rowMu[r * T + t]!;
    } else {
      for (let t = 0; t < T; t++) for (let a = 0; a < n; a++) Z[t * n + a] = V[t * n + a]! - means[t]!;
    }
    // z agent-major for the messages (blocked transpose), then Σ‖z^{k+1} − z^k‖², agents then hours.
    const next = this.nextZ;
    for (let a0 = 0; a0 < n; a0 += TRANSPOSE_BLOCK) {
      const a1 = Math.min(n, a0 + TRANSPOSE_BLOCK);
      for (let t = 0; t < T; t++) for (let a = a0; a < a1; a++) next[a * T + t] = Z[t * n + a]!;
    }
    let changeSq = 0;
    for (let k = 0; k < n * T; k++) changeSq += (next[k]! - z[k]!) ** 2;
    this.nextZ = z;
    this.step.z = next;
    this.step.changeSq = changeSq;
    this.step.violationKw = sh.violation(Z, T);
    let stepSq = 0;
    let stepChangeSq = 0;
    for (let k = 0; k < n * T; k++) {
      const u = V[k]! - Z[k]!;
      const du = u - this.duals[k]!;
      stepChangeSq += (du - this.dualStep[k]!) ** 2;
      stepSq += du * du;
      this.duals[k] = u;
      this.dualStep[k] = du;
    }
    this.step.dualStepSq = stepSq;
    this.step.dualStepChangeSq = stepChangeSq;
    return this.step;
  }

  /** The agents rescaled u by `factor` (a change of ρ): the operator's copy of u follows. */
  rescaleDuals(factor: number): void {
    for (let k = 0; k < this.duals.length; k++) this.duals[k] = this.duals[k]! * factor;
    for (let k = 0; k < this.rowMu.length; k++) this.rowMu[k] = this.rowMu[k]! * factor;
  }

  /**
   * The last δu read hour by hour, in units of p − z (δu = p̂ − z = α(p − z) with over-relaxation α),
   * with the balance and the lines it points at (hours in order).
   */
  hourCertificates(alpha: number): HourCertificate[] {
    const n = this.n;
    const sh = this.structure;
    const R = this.dualStep.map((du) => du / alpha);
    const proposals = this.hourZ.map((z, k) => z + R[k]!); // p = z + (p − z)
    const out: HourCertificate[] = [];
    for (let t = 0; t < this.hours; t++) {
      let normSq = 0;
      let imbalance = 0;
      for (let a = 0; a < n; a++) {
        const r = R[t * n + a]!;
        normSq += r * r;
        imbalance += r;
      }
      const lines: HourCertificate['lines'] = [];
      const normKw = Math.sqrt(normSq);
      if (this.enforceLines) {
        sh.enforcedFlows(proposals, t, this.lineFlows);
        const flowOf = new Map(Array.from(sh.enforced, (line, e) => [line, this.lineFlows[e]!]));
        const m = sh.rows.length;
        sh.rows.forEach((line, r) => {
          const stepMu = this.rowMu[r * this.hours + t]! - this.previousRowMu[r * this.hours + t]!;
          if (Math.abs(stepMu) * Math.sqrt(sh.g[r * m + r]!) >= 1e-3 * alpha * normKw) lines.push({ line, flowKw: flowOf.get(line)!, limitKw: sh.limits[r]! });
        });
      }
      out.push({ hour: t, normKw, imbalanceKw: imbalance, lines });
    }
    return out;
  }
}
