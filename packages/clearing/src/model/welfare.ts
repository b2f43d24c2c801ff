// The agents' cost and utility functions and the social welfare of a schedule (thesis 3-7, 3-10,
// 3-15, 3-20). Every solver evaluates welfare with these, so the numbers they report compare.
import type { PrivateParams } from '../case/market';

/** What one agent does in one day, per hour (kW; SoC in kWh at the end of the hour). */
export interface AgentDispatch {
  /** Net injection p (3-2)–(3-4): positive = supplies energy. */
  netKw: number[];
  generationKw?: number[];
  chargeKw?: number[];
  dischargeKw?: number[];
  socKwh?: number[];
  consumptionKw?: number[];
  importKw?: number[];
}

/** The hourly values of a dispatch as any array (the ADMM agents evaluate their own typed buffers). */
export type DispatchValues = { [K in keyof AgentDispatch]: ArrayLike<number> };

/** C(x) = αx² + βx + γ for one hour (3-7). */
export const generationCost = (p: { alpha: number; beta: number; gamma: number }, x: number) => p.alpha * x * x + p.beta * x + p.gamma;

/** MC(x) = 2αx + β (5-1). */
export const marginalCost = (p: { alpha: number; beta: number }, x: number) => 2 * p.alpha * x + p.beta;

/** U(y) = ω ln(1 + y) − δ y for one hour (3-10). */
export const utility = (p: { omega: number; delta: number }, y: number) => p.omega * Math.log1p(y) - p.delta * y;

/** An agent's contribution to welfare over the day: utility minus costs (negative for sellers). */
export function agentSurplus(params: PrivateParams, d: DispatchValues): number {
  let w = 0;
  const T = d.netKw.length;
  for (let t = 0; t < T; t++) {
    if (params.kind === 'grid') w -= params.importCostUsdPerKwh * (d.importKw?.[t] ?? d.netKw[t]!);
    else if (params.kind === 'buyer') w += utility(params, d.consumptionKw?.[t] ?? -d.netKw[t]!);
    else {
      w -= generationCost(params, d.generationKw?.[t] ?? d.netKw[t]!);
      if (params.battery) w -= params.storagePenaltyUsdPerKwh * ((d.chargeKw?.[t] ?? 0) + (d.dischargeKw?.[t] ?? 0));
    }
  }
  return w;
}

/** Social welfare (3-20) with the storage penalty (3-15): Σ utility − Σ cost − import cost − λ_cd Σ(c + d). */
export function socialWelfare(params: readonly PrivateParams[], dispatch: readonly AgentDispatch[]): number {
  let w = 0;
  params.forEach((p, a) => {
    w += agentSurplus(p, dispatch[a]!);
  });
  return w;
}

/**
 * The terms of welfare, each summed over agents and hours (USD). The thesis's objective (3-20) is
 * utility − generation cost − import cost; the project's adds the storage penalty λ_cd Σ(c + d) of
 * (3-15) to the costs (what every solver here maximizes, so that a battery never charges and
 * discharges in the same hour for nothing).
 */
export interface WelfareTerms {
  utilityUsd: number;
  generationCostUsd: number;
  importCostUsd: number;
  storagePenaltyUsd: number;
}

/** (3-20) as the thesis writes it: Σ U_j(y) − Σ C_i(x) − C_imp·Σ g, without the storage penalty. */
export const thesisWelfare = (w: WelfareTerms): number => w.utilityUsd - w.generationCostUsd - w.importCostUsd;

/** The project's welfare: (3-20) − λ_cd Σ(c + d) (3-15). */
export const welfareWithStoragePenalty = (w: WelfareTerms): number => thesisWelfare(w) - w.storagePenaltyUsd;

export const sumWelfareTerms = (terms: readonly WelfareTerms[]): WelfareTerms =>
  terms.reduce((a, w) => ({ utilityUsd: a.utilityUsd + w.utilityUsd, generationCostUsd: a.generationCostUsd + w.generationCostUsd, importCostUsd: a.importCostUsd + w.importCostUsd, storagePenaltyUsd: a.storagePenaltyUsd + w.storagePenaltyUsd }), {
    utilityUsd: 0,
    generationCostUsd: 0,
    importCostUsd: 0,
    storagePenaltyUsd: 0,
  });

/**
 * An agent's welfare terms at a committed schedule: its net injection per hour, with the battery's
 * charge and discharge as dispatched; what the schedule leaves is the buyer's consumption y = −p,
 * the grid's import g = p, or the seller's generation x = p − d + c. For ADMM the schedule is the
 * consensus z, which the agent's own proposal p approaches but does not equal.
 */
export function welfareTermsAt(params: PrivateParams, netKw: ArrayLike<number>, storage: { chargeKw?: ArrayLike<number>; dischargeKw?: ArrayLike<number> } = {}): WelfareTerms {
  const w: WelfareTerms = { utilityUsd: 0, generationCostUsd: 0, importCostUsd: 0, storagePenaltyUsd: 0 };
  for (let t = 0; t < netKw.length; t++) {
    const p = netKw[t]!;
    if (params.kind === 'grid') w.importCostUsd += params.importCostUsdPerKwh * p;
    else if (params.kind === 'buyer') w.utilityUsd += utility(params, -p);
    else {
      const c = storage.chargeKw?.[t] ?? 0;
      const d = storage.dischargeKw?.[t] ?? 0;
      w.generationCostUsd += generationCost(params, p - d + c);
      if (params.battery) w.storagePenaltyUsd += params.storagePenaltyUsdPerKwh * (c + d);
    }
  }
  return w;
}

/** The welfare terms of a whole schedule (per agent: net injection and storage flows). */
export function scheduleWelfare(params: readonly PrivateParams[], dispatch: readonly AgentDispatch[]): WelfareTerms {
  return sumWelfareTerms(params.map((p, a) => welfareTermsAt(p, dispatch[a]!.netKw, dispatch[a]!)));
}
