// The part every ADMM agent shares: it holds its consensus value z_i and scaled dual u_i, answers
// the protocol of messages.ts, and delegates only the local subproblem
//   p_i = argmin f_i(p) + ρ/2 ‖p − v‖²,   v = z_i − u_i        (4-3), (4-4)
// to its kind. Its private parameters live in the subclass and are never exposed.
import type { AgentDispatch } from '../../model/welfare';
import type { AgentEndpoint, Consensus, FinalReport, Offer, ProposeRequest, Rescale, ResidualReport } from '../messages';

export interface LocalSolution {
  p: Float64Array;
  dispatch: AgentDispatch;
  surplusUsd: number;
  marginalCostUsdPerKwh?: number[];
}

export abstract class ConsensusAgent implements AgentEndpoint {
  protected readonly z: Float64Array;
  protected readonly u: Float64Array;
  private last: LocalSolution | undefined;
  private pHat: Float64Array;
  private rho = 1;

  constructor(
    readonly index: number,
    protected readonly hours: number,
  ) {
    this.z = new Float64Array(hours);
    this.u = new Float64Array(hours);
    this.pHat = new Float64Array(hours);
  }

  /** The agent's own subproblem against the target v = z − u. */
  protected abstract solveLocal(v: Float64Array, rho: number): LocalSolution;

  propose({ rho, alpha }: ProposeRequest): Offer {
    this.rho = rho;
    const v = new Float64Array(this.hours);
    for (let t = 0; t < this.hours; t++) v[t] = this.z[t]! - this.u[t]!;
    this.last = this.solveLocal(v, rho);
    const offer: number[] = [];
    for (let t = 0; t < this.hours; t++) {
      this.pHat[t] = alpha * this.last.p[t]! + (1 - alpha) * this.z[t]!;
      offer.push(this.pHat[t]! + this.u[t]!);
    }
    return { type: 'offer', agent: this.index, offer };
  }

  accept({ z }: Consensus): ResidualReport {
    if (!this.last) throw new Error(`agent ${this.index}: consensus before any proposal`);
    let mismatchSq = 0;
    let proposalSq = 0;
    let consensusSq = 0;
    let scaledDualSq = 0;
    for (let t = 0; t < this.hours; t++) {
      const zt = z[t]!;
      this.z[t] = zt;
      this.u[t] = this.u[t]! + this.pHat[t]! - zt; // (4-8), with the relaxed proposal
      const p = this.last.p[t]!;
      mismatchSq += (p - zt) ** 2;
      proposalSq += p * p;
      consensusSq += zt * zt;
      scaledDualSq += (this.rho * this.u[t]!) ** 2;
    }
    return { type: 'residuals', agent: this.index, mismatchSq, proposalSq, consensusSq, scaledDualSq, surplusUsd: this.last.surplusUsd };
  }

  rescale({ factor }: Rescale): void {
    for (let t = 0; t < this.hours; t++) this.u[t] = this.u[t]! * factor;
  }

  report(rho: number): FinalReport {
    if (!this.last) throw new Error(`agent ${this.index}: report before any proposal`);
    return {
      type: 'report',
      agent: this.index,
      dispatch: this.last.dispatch,
      dualPriceUsdPerKwh: Array.from(this.u, (u) => -rho * u),
      ...(this.last.marginalCostUsdPerKwh ? { marginalCostUsdPerKwh: this.last.marginalCostUsdPerKwh } : {}),
    };
  }
}

export const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
