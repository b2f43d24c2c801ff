// The same QP solved by HiGHS (npm `highs`, WebAssembly): an independent reference for tests and
// cross-checks. HiGHS's row duals have the opposite sign of OSQP's y; they are returned in OSQP's
// convention (∇f + Aᵀy = 0).
import loadHighs from 'highs';
import { type CscMatrix, transpose } from './csc';
import type { QpProblem } from './types';

export type HighsStatus = 'optimal' | 'infeasible' | 'unbounded' | 'unbounded_or_infeasible' | 'error' | 'other';

export interface HighsResult {
  status: HighsStatus;
  x: Float64Array;
  y: Float64Array;
  objective: number;
}

type Highs = Awaited<ReturnType<typeof loadHighs>>;
let instance: Promise<Highs> | undefined;

/** The HiGHS runtime, loaded once per process. */
export function highs(): Promise<Highs> {
  instance ??= loadHighs();
  return instance;
}

const finite = (v: number, inf: number) => (v === Infinity ? inf : v === -Infinity ? -inf : v);

/** Solves `problem` (P as its upper triangle) with HiGHS; variables are free, rows bounded by l, u. */
export async function solveWithHighs(
  problem: QpProblem,
  options: { colLower?: ArrayLike<number>; colUpper?: ArrayLike<number>; highsOptions?: Record<string, string | number | boolean> } = {},
): Promise<HighsResult> {
  const h = await highs();
  const { P, A } = problem;
  const n = P.n;
  const m = A.m;
  const lower: CscMatrix = transpose(P); // the lower triangle, as HiGHS's "triangular" format wants
  const hasHessian = P.colPtr[n]! > 0;
  const model = h.createModel({
    numCols: n,
    numRows: m,
    colCost: Float64Array.from(problem.q),
    colLower: Float64Array.from({ length: n }, (_, j) => finite(options.colLower?.[j] ?? -Infinity, h.infinity)),
    colUpper: Float64Array.from({ length: n }, (_, j) => finite(options.colUpper?.[j] ?? Infinity, h.infinity)),
    rowLower: Float64Array.from(problem.l, (v) => finite(v, h.infinity)),
    rowUpper: Float64Array.from(problem.u, (v) => finite(v, h.infinity)),
    matrix: { format: 'csc', numRows: m, numCols: n, starts: A.colPtr, indices: A.rowIdx, values: A.values },
    ...(hasHessian
      ? { hessian: { format: 'triangular' as const, dimension: n, starts: lower.colPtr, indices: lower.rowIdx, values: lower.values } }
      : {}),
  });
  try {
    model.options.set({ output_flag: false, ...(options.highsOptions ?? {}) });
    try {
      model.run();
    } catch {
      // HiGHS's QP solver occasionally fails on a singular Hessian; the caller decides what that means.
      return { status: 'error', x: new Float64Array(n).fill(NaN), y: new Float64Array(m).fill(NaN), objective: NaN };
    }
    const code = model.getModelStatus();
    const s = h.constants.modelStatus;
    const status: HighsStatus =
      code === s.optimal
        ? 'optimal'
        : code === s.infeasible
          ? 'infeasible'
          : code === s.unbounded
            ? 'unbounded'
            : code === s.unboundedOrInfeasible
              ? 'unbounded_or_infeasible'
              : 'other';
    const sol = model.getSolution();
    return {
      status,
      x: Float64Array.from(sol.colValue),
      y: Float64Array.from(sol.rowDual, (v) => -v),
      objective: status === 'optimal' ? model.getObjectiveValue() : NaN,
    };
  } finally {
    model.dispose();
  }
}
