// The part every ADMM agent shares: it holds its consensus value z_i and scaled dual u_i, answers
// the protocol of messages.ts, and delegates only the local subproblem
//   p_i = argmin f_i(p) + ρ/2 ‖p − v‖²,   v = z_i − u_i        (4-3), (4-4)
// to its kind. Its private parameters live in the subclass and are never exposed. The hourly
// buffers and the two answers of a round (offer, residual report) are allocated once and rewritten
// (messages.ts); the dispatch disclosed at the end is built from the last solution when it is reported.
import type { PrivateParams } from '../../case/market';
import { type AgentDispatch, welfareTermsAt } from '../../model/welfare';
import type { AgentEndpoint, Consensus, FinalReport, Offer, ProposeRequest, Rescale, ResidualReport } from '../messages';

export abstract class ConsensusAgent implements AgentEndpoint {
  protected readonly z: Float64Array;
  protected readonly u: Float64Array;
  /** The target v = z − u of the last local solve and its solution p. */
  private readonly v: Float64Array;
  private readonly p: Float64Array;
  private readonly pHat: Float64Array;
  private surplusUsd = NaN;
  private solved = false;
  private rho = 1;
  private readonly offer: Offer;
  private readonly residuals: ResidualReport;

  /** The agent's own costs, utility or battery: only its local solve and its own welfare terms read them. */
  protected abstract readonly params: PrivateParams;

  constructor(
    readonly index: number,
    protected readonly hours: number,
  ) {
    this.z = new Float64Array(hours);
    this.u = new Float64Array(hours);
    this.v = new Float64Array(hours);
    this.p = new Float64Array(hours);
    this.pHat = new Float64Array(hours);
    this.offer = { type: 'offer', agent: index, offer: new Array<number>(hours).fill(0) };
    this.residuals = { type: 'residuals', agent: index, mismatchSq: 0, proposalSq: 0, consensusSq: 0, scaledDualSq: 0, surplusUsd: 0 };
  }

  /**
   * The agent's own subproblem against the target v = z − u: writes its net injection into p and
   * keeps whatever else `dispatch` and `marginalCosts` will need; returns its surplus at p (USD).
   */
  protected abstract solveLocal(v: Float64Array, rho: number, p: Float64Array): number;

  /** The dispatch of the last local solve (fresh arrays: it leaves the agent). */
  protected abstract dispatch(): AgentDispatch;

  /** Sellers: marginal cost 2αx + β at the last solve's generation (5-1). */
  protected marginalCosts(): number[] | undefined {
    return undefined;
  }

  propose({ rho, alpha }: ProposeRequest): Offer {
    this.rho = rho;
    const { v, p, z, u, pHat } = this;
    for (let t = 0; t < this.hours; t++) v[t] = z[t]! - u[t]!;
    this.surplusUsd = this.solveLocal(v, rho, p);
    this.solved = true;
    const offer = this.offer.offer;
    for (let t = 0; t < this.hours; t++) {
      pHat[t] = alpha * p[t]! + (1 - alpha) * z[t]!;
      offer[t] = pHat[t]! + u[t]!;
    }
    return this.offer;
  }

  accept({ z }: Consensus): ResidualReport {
    if (!this.solved) throw new Error(`agent ${this.index}: consensus before any proposal`);
    let mismatchSq = 0;
    let proposalSq = 0;
    let consensusSq = 0;
    let scaledDualSq = 0;
    for (let t = 0; t < this.hours; t++) {
      const zt = z[t]!;
      this.z[t] = zt;
      this.u[t] = this.u[t]! + this.pHat[t]! - zt; // (4-8), with the relaxed proposal
      const p = this.p[t]!;
      mismatchSq += (p - zt) ** 2;
      proposalSq += p * p;
      consensusSq += zt * zt;
      scaledDualSq += (this.rho * this.u[t]!) ** 2;
    }
    const r = this.residuals;
    r.mismatchSq = mismatchSq;
    r.proposalSq = proposalSq;
    r.consensusSq = consensusSq;
    r.scaledDualSq = scaledDualSq;
    r.surplusUsd = this.surplusUsd;
    return r;
  }

  rescale({ factor }: Rescale): void {
    for (let t = 0; t < this.hours; t++) this.u[t] = this.u[t]! * factor;
  }

  report(rho: number): FinalReport {
    if (!this.solved) throw new Error(`agent ${this.index}: report before any proposal`);
    const marginalCostUsdPerKwh = this.marginalCosts();
    const dispatch = this.dispatch();
    return {
      type: 'report',
      agent: this.index,
      dispatch,
      welfareAtSchedule: welfareTermsAt(this.params, this.z, dispatch),
      dualPriceUsdPerKwh: Array.from(this.u, (u) => -rho * u),
      ...(marginalCostUsdPerKwh ? { marginalCostUsdPerKwh } : {}),
    };
  }
}

export const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
