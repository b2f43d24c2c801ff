// The centralized benchmark solved by HiGHS (an independent solver) as a sequence of LPs. HiGHS's
// LP solvers are its robust core, so every nonlinear term is outer-approximated by tangent cuts:
// each buyer's utility ω ln(1 + y) by an epigraph variable τ ≤ ω ln(1 + ŷ) + ω (y − ŷ)/(1 + ŷ), each
// seller's quadratic cost αx² by κ ≥ αx̂² + 2αx̂ (x − x̂), for every cut point ŷ, x̂. The relaxation
// overestimates welfare (W_relax ≥ W*) and the true welfare of its solution is feasible (≤ W*), so
// their relative difference bounds the error; cuts are added at the current point until it is ≤ 1e-7.
// Slow (many LP solves), so it is the reference of the tests and of `--method highs`, not the default.
import { cscFromTriplets, type Triplet } from '@gridmarket/qp';
import type { Market } from '../case/market';
import type { ClearingSolution } from '../solution';
import { scheduleWelfare, socialWelfare, type WelfareTerms } from '../model/welfare';
import { dispatchFromVector, pricedDispatch } from './extract';
import { formulate } from './formulation';
import { CentralizedError } from '../errors';
import { objectiveCoefficients } from './interiorPoint';

/** HiGHS's default tolerances (1e-7) would floor the gap at about 1e-7. */
const TIGHT = { primal_feasibility_tolerance: 1e-10, dual_feasibility_tolerance: 1e-10, optimality_tolerance: 1e-10 };

export interface HighsOptions {
  constrained: boolean;
  /** Stop when (W_relax − W_true)/|W_true| is below this. */
  gapTolerance?: number;
  /** Initial tangent points per buyer-hour, spread over [y_min, y_max]. */
  initialCuts?: number;
  maxRounds?: number;
}

export async function solveCentralizedHighs(market: Market, options: HighsOptions): Promise<ClearingSolution> {
  const t0 = performance.now();
  const tol = options.gapTolerance ?? 1e-7;
  const f = formulate(market, options.constrained);
  const { quad, lin, logw } = objectiveCoefficients(market, f);
  // Epigraph variables: τ for each utility term, κ for each quadratic cost term.
  const curved: { v: number; kind: 'utility' | 'cost' }[] = [];
  for (let v = 0; v < f.n; v++) {
    if (logw[v]! !== 0) curved.push({ v, kind: 'utility' });
    else if (quad[v]! !== 0) curved.push({ v, kind: 'cost' });
  }
  const n = f.n + curved.length;
  const q = new Float64Array(n);
  q.set(lin);
  curved.forEach((c, k) => {
    q[f.n + k] = c.kind === 'utility' ? -1 : 1; // maximize Σ τ, minimize Σ κ
  });
  const P = cscFromTriplets(n, n, []);
  const colLower = new Float64Array(n).fill(-Infinity);
  const colUpper = new Float64Array(n).fill(Infinity);
  colLower.set(f.lower);
  colUpper.set(f.upper);
  // Bounds on the epigraph variables keep the first LPs bounded while cuts are still few.
  const term = (c: { v: number; kind: 'utility' | 'cost' }, x: number) =>
    c.kind === 'utility' ? logw[c.v]! * Math.log1p(x) : 0.5 * quad[c.v]! * x * x;
  curved.forEach((c, k) => {
    const lo = term(c, f.lower[c.v]!);
    const hi = term(c, f.upper[c.v]!);
    colLower[f.n + k] = Math.min(lo, hi, 0) - 1;
    colUpper[f.n + k] = Math.max(lo, hi) + 1;
  });
  const points: number[][] = curved.map(({ v }) => {
    const lo = f.lower[v]!;
    const hi = f.upper[v]!;
    const k = options.initialCuts ?? 6;
    return Array.from({ length: k }, (_, i) => (k === 1 || hi === lo ? lo : lo + ((hi - lo) * i) / (k - 1)));
  });

  // HiGHS (WebAssembly) is loaded when it is used: every importer of this package would pay for it otherwise.
  const { solveWithHighs } = await import('@gridmarket/qp/highs');
  let best: { x: Float64Array; y: Float64Array; welfare: number; terms: WelfareTerms; relax: number } | undefined;
  let gap = Infinity;
  let rounds = 0;
  for (rounds = 1; rounds <= (options.maxRounds ?? 60); rounds++) {
    const rows: Triplet[] = [];
    const l: number[] = [];
    const u: number[] = [];
    for (let j = 0; j < f.n; j++) {
      for (let p = f.A.colPtr[j]!; p < f.A.colPtr[j + 1]!; p++) rows.push({ row: f.A.rowIdx[p]!, col: j, value: f.A.values[p]! });
    }
    for (let i = 0; i < f.A.m; i++) {
      l.push(f.b[i]!);
      u.push(f.b[i]!);
    }
    curved.forEach((c, k) => {
      for (const xh of points[k]!) {
        const row = l.length;
        if (c.kind === 'utility') {
          // τ − ω/(1+ŷ)·y ≤ ω ln(1+ŷ) − ω ŷ/(1+ŷ)
          const w = logw[c.v]!;
          rows.push({ row, col: f.n + k, value: 1 });
          rows.push({ row, col: c.v, value: -w / (1 + xh) });
          l.push(-Infinity);
          u.push(w * Math.log1p(xh) - (w * xh) / (1 + xh));
        } else {
          // κ ≥ ½p x̂² + p x̂ (x − x̂)  ⇔  p x̂·x − κ ≤ ½p x̂²
          const pq = quad[c.v]!;
          rows.push({ row, col: f.n + k, value: -1 });
          rows.push({ row, col: c.v, value: pq * xh });
          l.push(-Infinity);
          u.push(0.5 * pq * xh * xh);
        }
      }
    });
    const A = cscFromTriplets(l.length, n, rows);
    const r = await solveWithHighs({ P, q, A, l, u }, { colLower, colUpper, highsOptions: TIGHT });
    if (r.status !== 'optimal') throw new CentralizedError(`HiGHS ended with ${r.status} in round ${rounds}`);
    const relax = -(r.objective + f.constant);
    const dispatch = dispatchFromVector(market, f, r.x);
    const welfare = socialWelfare(market.params, dispatch);
    best = { x: r.x, y: r.y, welfare, terms: scheduleWelfare(market.params, dispatch), relax };
    gap = (relax - welfare) / Math.max(Math.abs(welfare), 1e-12);
    if (gap <= tol) break;
    curved.forEach((c, k) => {
      const x = r.x[c.v]!;
      const epi = r.x[f.n + k]!;
      const slack = c.kind === 'utility' ? epi - term(c, x) : term(c, x) - epi;
      const pts = points[k]!;
      if (!(slack > 1e-14)) return;
      // A tangent at x, and at the midpoints towards the nearest cut points on either side: the
      // LP optimum sits where two tangents cross, so shrinking that bracket converges much faster
      // than Kelley's single cut.
      const below = Math.max(-Infinity, ...pts.filter((p) => p < x));
      const above = Math.min(Infinity, ...pts.filter((p) => p > x));
      for (const cand of [x, (x + below) / 2, (x + above) / 2]) {
        if (Number.isFinite(cand) && pts.every((p) => Math.abs(p - cand) > 1e-10 * (1 + Math.abs(cand)))) pts.push(cand);
      }
    });
  }
  if (!best || gap > tol) throw new CentralizedError(`outer approximation did not reach ${tol} (gap ${gap}) in ${rounds} rounds`);

  return {
    method: 'highs',
    constrained: options.constrained,
    status: 'solved',
    welfareUsd: best.welfare,
    welfare: best.terms,
    // y is in the OSQP convention (∇f + Aᵀy = 0 at the LP optimum).
    ...pricedDispatch(market, f, best.x, best.y),
    solveTimeMs: performance.now() - t0,
    accuracy: { rounds, relativeGap: gap, relaxationWelfareUsd: best.relax },
  };
}
