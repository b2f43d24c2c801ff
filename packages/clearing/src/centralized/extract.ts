// Reads agents' dispatch out of a centralized solution vector.
import type { Market } from '../case/market';
import type { AgentDispatch } from '../model/welfare';
import { type Formulation, injectionTerms } from './formulation';

export function dispatchFromVector(market: Market, f: Formulation, x: ArrayLike<number>): AgentDispatch[] {
  const T = market.hours;
  return market.agents.map((agent, a) => {
    const series = (role: Parameters<Formulation['index']>[2]) => Array.from({ length: T }, (_, t) => x[f.index(a, t, role)]!);
    const netKw = Array.from({ length: T }, (_, t) => injectionTerms(f, market, a, t).reduce((s, [v, c]) => s + c * x[v]!, 0));
    if (agent.kind === 'grid') return { netKw, importKw: series('import') };
    if (agent.kind === 'buyer') return { netKw, consumptionKw: series('consumption') };
    const d: AgentDispatch = { netKw, generationKw: series('generation') };
    if (agent.hasStorage) {
      d.chargeKw = series('charge');
      d.dischargeKw = series('discharge');
      d.socKwh = series('soc');
    }
    return d;
  });
}
