// The centralized benchmark solved exactly by the separable interior-point method of the qp
// package: the log utilities enter as they are (no approximation), so the optimum is accurate to
// the IPM tolerance (1e-10 on residuals and complementarity).
import { type SeparableObjective, solveIpm } from '@gridmarket/qp';
import type { Market } from '../case/market';
import type { ClearingSolution } from '../solution';
import { socialWelfare } from '../model/welfare';
import { type Formulation, formulate } from './formulation';
import { pricedDispatch } from './extract';

export class CentralizedError extends Error {
  override name = 'CentralizedError';
}

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
  const f = formulate(market, options.constrained);
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
  if (r.status !== 'solved') {
    throw new CentralizedError(`interior point ended with ${r.status} after ${r.iterations} iterations (residuals ${r.primalResidual.toExponential(2)}, ${r.dualResidual.toExponential(2)})`);
  }
  const solution = pricedDispatch(market, f, r.x, r.y);
  return {
    method: 'centralized',
    constrained: options.constrained,
    status: 'solved',
    welfareUsd: socialWelfare(market.params, solution.dispatch),
    ...solution,
    solveTimeMs: performance.now() - t0,
    accuracy: { iterations: r.iterations, primalResidual: r.primalResidual, dualResidual: r.dualResidual, complementarity: r.complementarity },
  };
}
