// The network operator (NO): it knows the network (agent-level PTDF, limits) and receives each
// agent's offer p̂_i + u_i, nothing else. Its consensus step is averaging (4-5) without network
// constraints, or the per-hour projection onto balance and line limits (4-6) with them.
import type { Offer } from './messages';
import { HourProjection, type ProjectionNetwork } from './projection';

export interface OperatorStep {
  /** z per agent, per hour. */
  z: number[][];
  /** Σ ‖z^{k+1} − z^k‖² over agents and hours (for the dual residual 4-11). */
  changeSq: number;
  /** Largest (|flow| − limit)⁺ of z over lines and hours, kW. */
  violationKw: number;
  /** Line multipliers of the projection, lines × hours (zero when averaging). */
  lineMultipliers: number[][];
}

export class NetworkOperator {
  private readonly projections: HourProjection[];
  private previous: number[][] | undefined;

  constructor(
    private readonly network: ProjectionNetwork,
    private readonly hours: number,
    readonly enforceLines: boolean,
  ) {
    this.projections = Array.from({ length: hours }, () => new HourProjection(network));
  }

  consensus(offers: readonly Offer[]): OperatorStep {
    const n = this.network.agents;
    if (offers.length !== n) throw new Error(`operator expected ${n} offers, got ${offers.length}`);
    const z = offers.map(() => new Array<number>(this.hours).fill(0));
    const lineMultipliers = Array.from({ length: this.network.lines }, () => new Array<number>(this.hours).fill(0));
    let violationKw = 0;
    const v = new Float64Array(n);
    for (let t = 0; t < this.hours; t++) {
      offers.forEach((o) => {
        v[o.agent] = o.offer[t]!;
      });
      const proj = this.projections[t]!;
      if (this.enforceLines) {
        const r = proj.project(v);
        for (let a = 0; a < n; a++) z[a]![t] = r.z[a]!;
        r.mu.forEach((mu, l) => {
          lineMultipliers[l]![t] = mu;
        });
        violationKw = Math.max(violationKw, r.violationKw);
      } else {
        let mean = 0;
        for (let a = 0; a < n; a++) mean += v[a]!;
        mean /= n;
        const zt = new Float64Array(n);
        for (let a = 0; a < n; a++) {
          zt[a] = v[a]! - mean;
          z[a]![t] = zt[a]!;
        }
        violationKw = Math.max(violationKw, proj.violation(zt));
      }
    }
    let changeSq = 0;
    for (let a = 0; a < n; a++) for (let t = 0; t < this.hours; t++) changeSq += (z[a]![t]! - (this.previous?.[a]![t] ?? 0)) ** 2;
    this.previous = z;
    return { z, changeSq, violationKw, lineMultipliers };
  }
}
