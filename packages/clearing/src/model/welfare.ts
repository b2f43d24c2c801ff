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

/** Social welfare (3-20) with the storage penalty (3-15): Σ utility − Σ cost − import cost. */
export function socialWelfare(params: readonly PrivateParams[], dispatch: readonly AgentDispatch[]): number {
  let w = 0;
  params.forEach((p, a) => {
    w += agentSurplus(p, dispatch[a]!);
  });
  return w;
}
