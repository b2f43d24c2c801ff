// Sparse LDLᵀ factorization of a symmetric quasi-definite matrix (up-looking, as in Davis's LDL
// and QDLDL): symbolic analysis once (elimination tree, column counts), numeric factorization as
// often as the values change, triangular solves. Quasi-definite matrices factor stably under any
// symmetric permutation, so no pivoting is needed; the ordering only limits fill.
import type { CscMatrix } from './csc';

export class FactorizationError extends Error {
  override name = 'FactorizationError';
}

export interface Symbolic {
  n: number;
  parent: Int32Array;
  /** Column pointers of L (strictly lower part). */
  lp: Int32Array;
}

/** Elimination tree and column counts of L for an upper-triangular pattern. */
export function ldlSymbolic(a: CscMatrix): Symbolic {
  const n = a.n;
  const parent = new Int32Array(n).fill(-1);
  const flag = new Int32Array(n);
  const lnz = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    flag[k] = k;
    for (let p = a.colPtr[k]!; p < a.colPtr[k + 1]!; p++) {
      let i = a.rowIdx[p]!;
      if (i > k) throw new FactorizationError('matrix is not upper triangular');
      while (flag[i] !== k) {
        if (parent[i] === -1) parent[i] = k;
        lnz[i]!++;
        flag[i] = k;
        i = parent[i]!;
      }
    }
  }
  const lp = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) lp[k + 1] = lp[k]! + lnz[k]!;
  return { n, parent, lp };
}

export class LdlFactor {
  readonly li: Int32Array;
  readonly lx: Float64Array;
  readonly d: Float64Array;
  readonly dinv: Float64Array;
  private readonly y: Float64Array;
  private readonly pattern: Int32Array;
  private readonly flag: Int32Array;
  private readonly lnext: Int32Array;

  constructor(readonly sym: Symbolic) {
    const n = sym.n;
    this.li = new Int32Array(sym.lp[n]!);
    this.lx = new Float64Array(sym.lp[n]!);
    this.d = new Float64Array(n);
    this.dinv = new Float64Array(n);
    this.y = new Float64Array(n);
    this.pattern = new Int32Array(n);
    this.flag = new Int32Array(n);
    this.lnext = new Int32Array(n);
  }

  /**
   * Numeric factorization of `a` (upper triangle, same pattern as the symbolic analysis).
   * Returns the number of positive pivots; throws on a zero pivot.
   */
  factor(a: CscMatrix): number {
    const { n, parent, lp } = this.sym;
    const { li, lx, d, dinv, y, pattern, flag, lnext } = this;
    let positive = 0;
    lnext.fill(0);
    flag.fill(-1);
    for (let k = 0; k < n; k++) {
      y[k] = 0;
      let top = n;
      flag[k] = k;
      for (let p = a.colPtr[k]!; p < a.colPtr[k + 1]!; p++) {
        let i = a.rowIdx[p]!;
        y[i]! += a.values[p]!;
        let len = 0;
        for (; flag[i] !== k; i = parent[i]!) {
          pattern[len++] = i;
          flag[i] = k;
        }
        while (len > 0) pattern[--top] = pattern[--len]!;
      }
      let dk = y[k]!;
      y[k] = 0;
      for (; top < n; top++) {
        const i = pattern[top]!;
        const yi = y[i]!;
        y[i] = 0;
        const end = lp[i]! + lnext[i]!;
        for (let p = lp[i]!; p < end; p++) y[li[p]!]! -= lx[p]! * yi;
        const lki = yi * dinv[i]!;
        dk -= lki * yi;
        li[end] = k;
        lx[end] = lki;
        lnext[i]!++;
      }
      if (dk === 0 || !Number.isFinite(dk)) throw new FactorizationError(`zero or non-finite pivot at column ${k}`);
      d[k] = dk;
      dinv[k] = 1 / dk;
      if (dk > 0) positive++;
    }
    return positive;
  }

  /** Solves (L D Lᵀ) x = b in place. */
  solve(x: Float64Array): Float64Array {
    const { n, lp } = this.sym;
    const { li, lx, dinv } = this;
    for (let j = 0; j < n; j++) {
      const xj = x[j]!;
      if (xj !== 0) for (let p = lp[j]!; p < lp[j + 1]!; p++) x[li[p]!]! -= lx[p]! * xj;
    }
    for (let j = 0; j < n; j++) x[j]! *= dinv[j]!;
    for (let j = n - 1; j >= 0; j--) {
      let s = x[j]!;
      for (let p = lp[j]!; p < lp[j + 1]!; p++) s -= lx[p]! * x[li[p]!]!;
      x[j] = s;
    }
    return x;
  }
}
