// Ruiz equilibration of the KKT matrix [P Aᵀ; A 0] and cost scaling (OSQP §5.1): the solver works
// on P̄ = c D P D, Ā = E A D, q̄ = c D q, l̄ = E l, ū = E u, which makes ADMM far less sensitive to
// badly scaled data. Unscaling: x = D x̄, y = E ȳ / c, z = E⁻¹ z̄.
import type { CscMatrix } from './csc';

export interface Scaling {
  D: Float64Array;
  E: Float64Array;
  c: number;
}

const MIN_SCALING = 1e-4;
const MAX_SCALING = 1e4;

function inverseSqrt(norm: number): number {
  if (norm < MIN_SCALING) return 1;
  return 1 / Math.sqrt(Math.min(norm, MAX_SCALING));
}

/** Scales P (upper triangle) and A in place and returns the scaling; q is only read. */
export function ruizScale(P: CscMatrix, A: CscMatrix, q: Float64Array, iterations: number): Scaling {
  const n = P.n;
  const m = A.m;
  const D = new Float64Array(n).fill(1);
  const E = new Float64Array(m).fill(1);
  let c = 1;
  const qs = q.slice();
  const colNorm = new Float64Array(n);
  const rowNorm = new Float64Array(m);
  const dt = new Float64Array(n);
  const et = new Float64Array(m);
  for (let it = 0; it < iterations; it++) {
    colNorm.fill(0);
    rowNorm.fill(0);
    for (let j = 0; j < n; j++) {
      for (let p = P.colPtr[j]!; p < P.colPtr[j + 1]!; p++) {
        const v = Math.abs(P.values[p]!);
        const i = P.rowIdx[p]!;
        if (v > colNorm[j]!) colNorm[j] = v;
        if (v > colNorm[i]!) colNorm[i] = v;
      }
      for (let p = A.colPtr[j]!; p < A.colPtr[j + 1]!; p++) {
        const v = Math.abs(A.values[p]!);
        const i = A.rowIdx[p]!;
        if (v > colNorm[j]!) colNorm[j] = v;
        if (v > rowNorm[i]!) rowNorm[i] = v;
      }
    }
    for (let j = 0; j < n; j++) dt[j] = inverseSqrt(colNorm[j]!);
    for (let i = 0; i < m; i++) et[i] = inverseSqrt(rowNorm[i]!);
    scaleInPlace(P, A, dt, et);
    for (let j = 0; j < n; j++) {
      qs[j] = qs[j]! * dt[j]!;
      D[j] = D[j]! * dt[j]!;
    }
    for (let i = 0; i < m; i++) E[i] = E[i]! * et[i]!;

    // Cost scaling: bring the mean column norm of P̄ and ‖q̄‖∞ to about one.
    colNorm.fill(0);
    for (let j = 0; j < n; j++) {
      for (let p = P.colPtr[j]!; p < P.colPtr[j + 1]!; p++) {
        const v = Math.abs(P.values[p]!);
        const i = P.rowIdx[p]!;
        if (v > colNorm[j]!) colNorm[j] = v;
        if (v > colNorm[i]!) colNorm[i] = v;
      }
    }
    let mean = 0;
    for (let j = 0; j < n; j++) mean += colNorm[j]!;
    mean = n > 0 ? mean / n : 0;
    let qn = 0;
    for (let j = 0; j < n; j++) qn = Math.max(qn, Math.abs(qs[j]!));
    const ct = inverseSqrt(Math.max(mean, qn)) ** 2;
    for (let p = 0; p < P.colPtr[n]!; p++) P.values[p] = P.values[p]! * ct;
    for (let j = 0; j < n; j++) qs[j] = qs[j]! * ct;
    c *= ct;
  }
  return { D, E, c };
}

function scaleInPlace(P: CscMatrix, A: CscMatrix, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < P.n; j++) {
    for (let p = P.colPtr[j]!; p < P.colPtr[j + 1]!; p++) P.values[p] = P.values[p]! * d[P.rowIdx[p]!]! * d[j]!;
    for (let p = A.colPtr[j]!; p < A.colPtr[j + 1]!; p++) A.values[p] = A.values[p]! * e[A.rowIdx[p]!]! * d[j]!;
  }
}
