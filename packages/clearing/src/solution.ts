// What a clearing method returns: the schedule and the quantities the market outputs and the
// comparison tables need. Every method (interior point, HiGHS reference, ADMM) fills the same shape.
import type { Market } from './case/market';
import type { AgentDispatch, WelfareTerms } from './model/welfare';
import type { AdmmDiagnostic, AdmmStatus } from './admm/infeasibility';

export type Method = 'centralized' | 'highs' | 'admm';

export interface AdmmTrace {
  /** converged, max_iter_reached, or stopped early: infeasible (δu settled on a certificate) or diverging. */
  status: AdmmStatus;
  /** Why an infeasible or diverging run stopped: the hours and limits, in a sentence and as data. */
  diagnostic?: AdmmDiagnostic;
  iterations: number;
  rho: number[];
  primalResidual: number[];
  dualResidual: number[];
  epsPrimal: number[];
  epsDual: number[];
  /** Σ of the agents' self-reported surplus at their proposals p, per iteration (progress: p is not the committed schedule). */
  welfareUsd: number[];
  /** Max over lines and hours of (|flow| − limit)⁺ of the consensus z, per iteration (kW). */
  zViolationKw: number[];
  /** The same for the agents' final proposals p (kW). */
  finalPViolationKw: number;
  /** Largest |p − z| at the end (kW). */
  finalMismatchKw: number;
}

/**
 * One constraint of an infeasible day, from the support of the Farkas certificate: a row (a balance,
 * a bus's balance, a battery's state of charge, Kirchhoff's voltage law around the cycle a line
 * closes) or a variable's bound (a buyer's minimum demand, a seller's or the grid's maximum, a line
 * limit). `weight` is its multiplier in the
 * certificate (normalized to a largest of 1): the constraints with weight > 0 cannot all hold.
 */
export interface InfeasibleConstraint {
  kind: 'balance' | 'busBalance' | 'soc' | 'flow' | 'cycle' | 'bound';
  /** Hour (0-based). */
  hour: number;
  /** The agent's id for its variables' bounds and its battery's state of charge. */
  agent?: string;
  /** The bus number of a bus balance. */
  bus?: number;
  /** The line (index into network.lines) of a flow definition, a flow limit or a cycle it closes. */
  line?: number;
  /** For bounds: the variable and which side binds, with the bound's value (kW or kWh). */
  variable?: 'import' | 'generation' | 'charge' | 'discharge' | 'soc' | 'consumption' | 'flow';
  side?: 'lower' | 'upper';
  bound?: number;
  weight: number;
}

export interface Infeasibility {
  /** Hours whose constraints appear in the certificate, ascending. */
  hours: number[];
  /** The certificate's support, largest weight first. */
  constraints: InfeasibleConstraint[];
  /** By how much the certificate's inequality is violated (positive; normalized units). */
  margin: number;
}

/** 'solved' for the benchmarks ('infeasible' for the interior point with a certificate); ADMM's status is in admm.status. */
export type CentralizedStatus = 'solved' | 'infeasible';

export interface ClearingSolution {
  method: Method;
  constrained: boolean;
  /** CentralizedStatus for the benchmarks; ADMM's status is in admm.status. */
  status: string;
  /** Set when status is 'infeasible': which hours and which limits or balances conflict. Dispatch, prices and flows are then empty. */
  infeasibility?: Infeasibility;
  /** Welfare at the committed schedule (z for ADMM), storage penalty included: welfareWithStoragePenalty(welfare). NaN when infeasible. */
  welfareUsd: number;
  /** Its terms at the committed schedule; thesisWelfare(welfare) is (3-20) as the thesis writes it, without the storage penalty. */
  welfare: WelfareTerms;
  /** Per agent (market.agents order): the committed schedule (z for ADMM) and its components. */
  dispatch: AgentDispatch[];
  /** System price per hour, USD/kWh: the balance dual (benchmarks) or −ρ·u of the grid agent (ADMM). */
  systemPriceUsdPerKwh: number[];
  /** Nodal price per agent and hour, USD/kWh. */
  nodalPriceUsdPerKwh: number[][];
  /** Congestion price of each line per hour (USD/kWh per kW of flow), zero when not binding. */
  lineDualUsdPerKwh: number[][];
  /** Line flows of the committed schedule, lines × hours, kW (from → to positive). */
  flowsKw: number[][];
  solveTimeMs: number;
  /** A solver's own accuracy measure: IPM complementarity, HiGHS outer-approximation gap, or ADMM residuals. */
  accuracy: Record<string, number>;
  /** ADMM: the marginal cost each seller reported for its final generation (5-1). */
  reportedMarginalCostUsdPerKwh?: (number[] | undefined)[];
  admm?: AdmmTrace;
}

/** Flows (lines × hours) of per-agent net injections (agents × hours). */
export function flowsOf(market: Market, netKw: readonly (readonly number[])[]): number[][] {
  const na = market.agents.length;
  const T = market.hours;
  const acc = new Float64Array(T);
  // Agents in the outer loop read each schedule once; every flow still sums its agents in order.
  return market.network.lines.map((_, l) => {
    acc.fill(0);
    for (let a = 0; a < na; a++) {
      const h = market.H[l * na + a]!;
      const row = netKw[a]!;
      for (let t = 0; t < T; t++) acc[t] = acc[t]! + h * row[t]!;
    }
    return Array.from(acc);
  });
}

/** Largest (|flow| − limit)⁺ over lines and hours, kW. */
export function maxLineViolation(market: Market, flows: readonly (readonly number[])[]): number {
  let v = 0;
  market.network.lines.forEach((line, l) => {
    if (!Number.isFinite(line.limitKw)) return;
    for (const f of flows[l]!) v = Math.max(v, Math.abs(f) - line.limitKw);
  });
  return v;
}

/** Largest |flow| / limit over lines and hours (1 = at the limit). */
export function maxLineUtilization(market: Market, flows: readonly (readonly number[])[]): { utilization: number; line: number } {
  let best = { utilization: 0, line: -1 };
  market.network.lines.forEach((line, l) => {
    if (!Number.isFinite(line.limitKw)) return;
    for (const f of flows[l]!) {
      const u = Math.abs(f) / line.limitKw;
      if (u > best.utilization) best = { utilization: u, line: l };
    }
  });
  return best;
}
