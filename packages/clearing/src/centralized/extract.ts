// Reads agents' dispatch and the prices out of a centralized primal-dual solution, whichever solver
// produced it.
import type { Market } from '../case/market';
import type { AgentDispatch } from '../model/welfare';
import { type ClearingSolution, flowsOf } from '../solution';
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

/**
 * Dispatch, prices and flows of a primal-dual solution (x, y) with row duals in the convention
 * ∇f + Aᵀy = z (z the bound multipliers; OSQP's and the IPM's).
 * - 'ptdf' / 'none': the system price λ_t is −y of the balance row, a line's congestion price μ_ℓt is
 *   −y of its flow row (zero when the row is absent, i.e. unconstrained), and agent i's nodal price is
 *   λ_t + Σ_ℓ H_ℓi μ_ℓt.
 * - 'kirchhoff': bus k's nodal price is −y of its balance row (the slack bus's is λ_t), and μ_ℓt is the
 *   flow variable's bound multiplier z_lo − z_hi (what −y of the PTDF flow row equals at the optimum).
 */
export function pricedDispatch(
  market: Market,
  f: Formulation,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  bounds?: { zLower: ArrayLike<number>; zUpper: ArrayLike<number> },
): Pick<ClearingSolution, 'dispatch' | 'systemPriceUsdPerKwh' | 'nodalPriceUsdPerKwh' | 'lineDualUsdPerKwh' | 'flowsKw'> {
  const T = market.hours;
  const na = market.agents.length;
  const dispatch = dispatchFromVector(market, f, x);
  const system = Array.from({ length: T }, (_, t) => -y[f.balanceRow(t)]!);
  let lineDual: number[][];
  let nodal: number[][];
  if (f.network === 'kirchhoff') {
    if (!bounds) throw new Error('the Kirchhoff formulation reads congestion prices from bound multipliers');
    lineDual = market.network.lines.map((_, l) =>
      Array.from({ length: T }, (_, t) => {
        const v = f.flowVar(l, t);
        return v < 0 ? 0 : bounds.zLower[v]! - bounds.zUpper[v]!;
      }),
    );
    const busOf = new Map(market.network.buses.map((b, k) => [b, k]));
    nodal = market.agents.map((agent) => Array.from({ length: T }, (_, t) => -y[f.busRow(busOf.get(agent.bus)!, t)]!));
  } else {
    lineDual = market.network.lines.map((_, l) =>
      Array.from({ length: T }, (_, t) => {
        const row = f.lineRow(l, t);
        return row < 0 ? 0 : -y[row]!;
      }),
    );
    nodal = market.agents.map((_, a) =>
      Array.from({ length: T }, (_, t) => system[t]! + market.network.lines.reduce((s, __, l) => s + market.H[l * na + a]! * lineDual[l]![t]!, 0)),
    );
  }
  return {
    dispatch,
    systemPriceUsdPerKwh: system,
    nodalPriceUsdPerKwh: nodal,
    lineDualUsdPerKwh: lineDual,
    flowsKw: flowsOf(
      market,
      dispatch.map((d) => d.netKw),
    ),
  };
}
