// The operator's stand-in for an excluded agent: an agent whose only feasible schedule is zero
// (p_i = 0 every hour). It answers the same messages as a real agent, so the epoch restarts as a
// clearing of the others with that agent's consensus driven to zero; the operator's status names it.
import type { AgentDispatch, AgentEndpoint, AgentKind, Consensus, FinalReport, Offer, ProposeRequest, Rescale, ResidualReport } from '@gridmarket/clearing';

export class ZeroAgent implements AgentEndpoint {
  private readonly z: Float64Array;
  private readonly u: Float64Array;
  private readonly pHat: Float64Array;
  private rho = 1;

  constructor(
    readonly index: number,
    private readonly hours: number,
    private readonly kind: AgentKind,
  ) {
    this.z = new Float64Array(hours);
    this.u = new Float64Array(hours);
    this.pHat = new Float64Array(hours);
  }

  propose({ rho, alpha }: ProposeRequest): Offer {
    this.rho = rho;
    const offer: number[] = [];
    for (let t = 0; t < this.hours; t++) {
      this.pHat[t] = (1 - alpha) * this.z[t]!;
      offer.push(this.pHat[t]! + this.u[t]!);
    }
    return { type: 'offer', agent: this.index, offer };
  }

  accept({ z }: Consensus): ResidualReport {
    let consensusSq = 0;
    let scaledDualSq = 0;
    for (let t = 0; t < this.hours; t++) {
      this.z[t] = z[t]!;
      this.u[t] = this.u[t]! + this.pHat[t]! - z[t]!;
      consensusSq += z[t]! * z[t]!;
      scaledDualSq += (this.rho * this.u[t]!) ** 2;
    }
    return { type: 'residuals', agent: this.index, mismatchSq: consensusSq, proposalSq: 0, consensusSq, scaledDualSq, surplusUsd: 0 };
  }

  rescale({ factor }: Rescale): void {
    for (let t = 0; t < this.hours; t++) this.u[t] = this.u[t]! * factor;
  }

  report(rho: number): FinalReport {
    const zeros = () => new Array<number>(this.hours).fill(0);
    const dispatch: AgentDispatch = { netKw: zeros() };
    if (this.kind === 'seller') dispatch.generationKw = zeros();
    if (this.kind === 'buyer') dispatch.consumptionKw = zeros();
    if (this.kind === 'grid') dispatch.importKw = zeros();
    return {
      type: 'report',
      agent: this.index,
      dispatch,
      welfareAtSchedule: { utilityUsd: 0, generationCostUsd: 0, importCostUsd: 0, storagePenaltyUsd: 0 },
      dualPriceUsdPerKwh: Array.from(this.u, (u) => -rho * u),
      ...(this.kind === 'seller' ? { marginalCostUsdPerKwh: zeros() } : {}),
    };
  }
}
