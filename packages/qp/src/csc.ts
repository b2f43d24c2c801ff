// Compressed sparse column matrices: the storage of P, A and the KKT matrix.
import { QpDataError } from './errors';

/** An m × n matrix in compressed sparse column form (row indices sorted within each column). */
export interface CscMatrix {
  m: number;
  n: number;
  colPtr: Int32Array;
  rowIdx: Int32Array;
  values: Float64Array;
}

export interface Triplet {
  row: number;
  col: number;
  value: number;
}

/** Builds a CSC matrix from triplets; duplicates are summed, explicit zeros kept (they fix the pattern). */
export function cscFromTriplets(m: number, n: number, triplets: readonly Triplet[]): CscMatrix {
  const counts = new Int32Array(n + 1);
  for (const t of triplets) {
    if (!(t.row >= 0 && t.row < m && t.col >= 0 && t.col < n) || !Number.isInteger(t.row) || !Number.isInteger(t.col)) {
      throw new QpDataError('triplets', `(${t.row}, ${t.col}) lies outside a ${m} × ${n} matrix`);
    }
    counts[t.col + 1]!++;
  }
  for (let j = 0; j < n; j++) counts[j + 1]! += counts[j]!;
  const order = new Int32Array(triplets.length);
  const next = counts.slice(0, n);
  triplets.forEach((t, k) => {
    order[next[t.col]!++] = k;
  });
  const colPtr = new Int32Array(n + 1);
  const rows: number[] = [];
  const vals: number[] = [];
  for (let j = 0; j < n; j++) {
    const start = counts[j]!;
    const end = counts[j + 1]!;
    const idx = Array.from(order.subarray(start, end));
    idx.sort((a, b) => triplets[a]!.row - triplets[b]!.row || a - b);
    let last = -1;
    for (const k of idx) {
      const t = triplets[k]!;
      if (t.row === last) vals[vals.length - 1]! += t.value;
      else {
        rows.push(t.row);
        vals.push(t.value);
        last = t.row;
      }
    }
    colPtr[j + 1] = rows.length;
  }
  return { m, n, colPtr, rowIdx: Int32Array.from(rows), values: Float64Array.from(vals) };
}

/** Builds a CSC matrix from a dense row-major array of rows, keeping the nonzeros. */
export function cscFromDense(rows: readonly (readonly number[])[], n?: number): CscMatrix {
  const m = rows.length;
  const cols = n ?? (rows[0]?.length ?? 0);
  const t: Triplet[] = [];
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new QpDataError(`rows[${i}]`, `has ${r.length} entries, expected ${cols}`);
    r.forEach((v, j) => {
      if (v !== 0) t.push({ row: i, col: j, value: v });
    });
  });
  return cscFromTriplets(m, cols, t);
}

export function cscEmpty(m: number, n: number): CscMatrix {
  return { m, n, colPtr: new Int32Array(n + 1), rowIdx: new Int32Array(0), values: new Float64Array(0) };
}

export function nnz(a: CscMatrix): number {
  return a.colPtr[a.n]!;
}

export function cscCopy(a: CscMatrix): CscMatrix {
  return { m: a.m, n: a.n, colPtr: a.colPtr.slice(), rowIdx: a.rowIdx.slice(), values: a.values.slice() };
}

export function transpose(a: CscMatrix): CscMatrix {
  const counts = new Int32Array(a.m + 1);
  const nz = nnz(a);
  for (let p = 0; p < nz; p++) counts[a.rowIdx[p]! + 1]!++;
  for (let i = 0; i < a.m; i++) counts[i + 1]! += counts[i]!;
  const next = counts.slice(0, a.m);
  const rowIdx = new Int32Array(nz);
  const values = new Float64Array(nz);
  for (let j = 0; j < a.n; j++) {
    for (let p = a.colPtr[j]!; p < a.colPtr[j + 1]!; p++) {
      const q = next[a.rowIdx[p]!]!++;
      rowIdx[q] = j;
      values[q] = a.values[p]!;
    }
  }
  return { m: a.n, n: a.m, colPtr: counts, rowIdx, values };
}

/** y = A x (y overwritten). */
export function matVec(a: CscMatrix, x: Float64Array, y: Float64Array): Float64Array {
  const { colPtr, rowIdx, values } = a;
  y.fill(0);
  for (let j = 0, start = 0; j < a.n; j++) {
    const end = colPtr[j + 1]!;
    const xj = x[j]!;
    if (xj !== 0) for (let p = start; p < end; p++) y[rowIdx[p]!]! += values[p]! * xj;
    start = end;
  }
  return y;
}

/** y = Aᵀ x (y overwritten). */
export function matTVec(a: CscMatrix, x: Float64Array, y: Float64Array): Float64Array {
  const { colPtr, rowIdx, values } = a;
  for (let j = 0, start = 0; j < a.n; j++) {
    const end = colPtr[j + 1]!;
    let s = 0;
    for (let p = start; p < end; p++) s += values[p]! * x[rowIdx[p]!]!;
    y[j] = s;
    start = end;
  }
  return y;
}

/** y = P x for a symmetric P stored as its upper triangle (y overwritten). */
export function symUpperMatVec(p: CscMatrix, x: Float64Array, y: Float64Array): Float64Array {
  const { colPtr, rowIdx, values } = p;
  y.fill(0);
  for (let j = 0, start = 0; j < p.n; j++) {
    const end = colPtr[j + 1]!;
    const xj = x[j]!;
    let yj = 0;
    for (let k = start; k < end; k++) {
      const i = rowIdx[k]!;
      const v = values[k]!;
      y[i]! += v * xj;
      if (i !== j) yj += v * x[i]!;
    }
    y[j]! += yj;
    start = end;
  }
  return y;
}

/** The upper triangle of a square matrix (entries with row ≤ col). */
export function upperTriangle(a: CscMatrix): CscMatrix {
  const t: Triplet[] = [];
  for (let j = 0; j < a.n; j++) {
    for (let p = a.colPtr[j]!; p < a.colPtr[j + 1]!; p++) {
      if (a.rowIdx[p]! <= j) t.push({ row: a.rowIdx[p]!, col: j, value: a.values[p]! });
    }
  }
  return cscFromTriplets(a.m, a.n, t);
}

export function isUpperTriangular(a: CscMatrix): boolean {
  for (let j = 0; j < a.n; j++) {
    for (let p = a.colPtr[j]!; p < a.colPtr[j + 1]!; p++) if (a.rowIdx[p]! > j) return false;
  }
  return true;
}

export function normInf(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]!);
    if (v > m) m = v;
  }
  return m;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
