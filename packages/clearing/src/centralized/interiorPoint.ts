// The centralized benchmark solved exactly by the separable interior-point method of the qp
// package: the log utilities enter as they are (no approximation), so the optimum is accurate to
// the IPM tolerance (1e-10 on residuals and complementarity).
import { type InfeasibilityCertificate, type SeparableObjective, solveIpm } from '@gridmarket/qp';
import type { Market } from '../case/market';
import { CentralizedError } from '../errors';
import type { ClearingSolution, InfeasibleConstraint, Infeasibility } from '../solution';
import { scheduleWelfare, welfareWithStoragePenalty } from '../model/welfare';
import { type Formulation, formulate } from './formulation';
import { pricedDispatch } from './extract';

/** Objective coefficients per variable: ½p x² + q x − ω ln(1 + x). */
export function objectiveCoefficients(market: Market, f: Formulation) {
  const quad = new Float64Array(f.n);
  const lin = new Float64Array(f.n);
  const logw = new Float64Array(f.n);
  for (let v = 0; v < f.n; v++) {
    if (f.role[v] === 'flow') continue;
    const p = market.params[f.owner[v]!]!;
    switch (f.role[v]) {
      case 'import':
        if (p.kind === 'grid') lin[v] = p.importCostUsdPerKwh;
        break;
      case 'generation':
        if (p.kind === 'seller') {
          quad[v] = 2 * p.alpha;
          lin[v] = p.beta;
        }
        break;
      case 'charge':
      case 'discharge':
        if (p.kind === 'seller') lin[v] = p.storagePenaltyUsdPerKwh;
        break;
      case 'consumption':
        if (p.kind === 'buyer') {
          lin[v] = p.delta;
          logw[v] = p.omega;
        }
        break;
      default:
        break;
    }
  }
  return { quad, lin, logw };
}

export function solveCentralized(market: Market, options: { constrained: boolean; tolerance?: number }): ClearingSolution {
  const t0 = performance.now();
  const f = formulate(market, options.constrained, 'kirchhoff');
  const { quad, lin, logw } = objectiveCoefficients(market, f);
  const objective: SeparableObjective = (x, g, h) => {
    let val = f.constant;
    for (let v = 0; v < f.n; v++) {
      const xv = x[v]!;
      let gv = quad[v]! * xv + lin[v]!;
      let hv = quad[v]!;
      val += 0.5 * quad[v]! * xv * xv + lin[v]! * xv;
      const w = logw[v]!;
      if (w !== 0) {
        val -= w * Math.log1p(xv);
        gv -= w / (1 + xv);
        hv += w / ((1 + xv) * (1 + xv));
      }
      g[v] = gv;
      h[v] = hv;
    }
    return val;
  };
  const r = solveIpm({ objective, A: f.A, b: f.b, lower: f.lower, upper: f.upper }, options.tolerance ? { tolerance: options.tolerance } : {});
  if (r.status === 'infeasible') {
    return {
      method: 'centralized',
      constrained: options.constrained,
      status: 'infeasible',
      infeasibility: describeInfeasibility(market, f, r.certificate!),
      welfareUsd: NaN,
      welfare: { utilityUsd: NaN, generationCostUsd: NaN, importCostUsd: NaN, storagePenaltyUsd: NaN },
      dispatch: [],
      systemPriceUsdPerKwh: [],
      nodalPriceUsdPerKwh: [],
      lineDualUsdPerKwh: [],
      flowsKw: [],
      solveTimeMs: performance.now() - t0,
      accuracy: { iterations: r.iterations, primalResidual: r.primalResidual, certificateMargin: r.certificate!.margin },
    };
  }
  if (r.status !== 'solved') {
    throw new CentralizedError(`interior point ended with ${r.status} after ${r.iterations} iterations (residuals ${r.primalResidual.toExponential(2)}, ${r.dualResidual.toExponential(2)})`);
  }
  const solution = pricedDispatch(market, f, r.x, r.y, { zLower: r.zLower, zUpper: r.zUpper });
  const welfare = scheduleWelfare(market.params, solution.dispatch);
  return {
    method: 'centralized',
    constrained: options.constrained,
    status: 'solved',
    welfareUsd: welfareWithStoragePenalty(welfare),
    welfare,
    ...solution,
    solveTimeMs: performance.now() - t0,
    accuracy: { iterations: r.iterations, primalResidual: r.primalResidual, dualResidual: r.dualResidual, complementarity: r.complementarity },
  };
}

/** Multipliers below this share of the largest (1) are round-off of the early iterates, not part of the conflict. */
const SUPPORT_THRESHOLD = 1e-3;

/** The rows and bounds a Farkas certificate rests on, in the market's terms. */
export function describeInfeasibility(market: Market, f: Formulation, cert: InfeasibilityCertificate): Infeasibility {
  const constraints: InfeasibleConstraint[] = [];
  for (let i = 0; i < cert.y.length; i++) {
    const w = Math.abs(cert.y[i]!);
    if (w <= SUPPORT_THRESHOLD) continue;
    const kind = f.rowKind[i]!;
    const owner = f.rowOwner[i]!;
    const c: InfeasibleConstraint = { kind, hour: f.rowHour[i]!, weight: w };
    if (kind === 'busBalance') c.bus = market.network.buses[owner]!;
    else if (kind === 'soc') c.agent = market.agents[owner]!.id;
    else if (kind === 'flow' || kind === 'cycle') c.line = owner;
    constraints.push(c);
  }
  for (let v = 0; v < f.n; v++) {
    for (const side of ['lower', 'upper'] as const) {
      const w = side === 'lower' ? cert.zLower[v]! : cert.zUpper[v]!;
      if (!(w > SUPPORT_THRESHOLD)) continue;
      const role = f.role[v]!;
      const c: InfeasibleConstraint = { kind: 'bound', hour: f.hour[v]!, variable: role, side, bound: side === 'lower' ? f.lower[v]! : f.upper[v]!, weight: w };
      if (role === 'flow') c.line = f.owner[v]!;
      else c.agent = market.agents[f.owner[v]!]!.id;
      constraints.push(c);
    }
  }
  constraints.sort((a, b) => b.weight - a.weight || a.hour - b.hour);
  const hours = [...new Set(constraints.map((c) => c.hour))].sort((a, b) => a - b);
  return { hours, constraints, margin: cert.margin };
}

const UNIT: Record<NonNullable<InfeasibleConstraint['variable']>, string> = { import: 'kW', generation: 'kW', charge: 'kW', discharge: 'kW', soc: 'kWh', consumption: 'kW', flow: 'kW' };

/** One constraint of an infeasibility certificate in words: `hour 18: B1's consumption ≥ 5 kW`, `hour 7: the power balance (3-16)`. */
export function describeInfeasibleConstraint(c: InfeasibleConstraint, market: Pick<Market, 'network'>): string {
  const line = (l: number) => `line ${market.network.lines[l]!.from}–${market.network.lines[l]!.to}`;
  let what: string;
  switch (c.kind) {
    case 'balance':
      what = 'the power balance (3-16)';
      break;
    case 'busBalance':
      what = `bus ${c.bus}'s power balance`;
      break;
    case 'soc':
      what = `${c.agent}'s state of charge (3-11)`;
      break;
    case 'cycle':
      what = `the voltage law around the cycle ${line(c.line!)} closes`;
      break;
    case 'flow':
      what = `${line(c.line!)}'s flow (3-17)`;
      break;
    default:
      what = `${c.line !== undefined ? line(c.line) : c.agent}'s ${c.variable} ${c.side === 'lower' ? '≥' : '≤'} ${c.bound} ${UNIT[c.variable!]}`;
  }
  return `hour ${c.hour}: ${what}`;
}
