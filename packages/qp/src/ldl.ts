// Sparse LDLᵀ factorization of a symmetric quasi-definite matrix (up-looking, as in Davis's LDL
// and QDLDL): symbolic analysis once (elimination tree, column counts), numeric factorization as
// often as the values change, triangular solves. Quasi-definite matrices factor stably under any
// symmetric permutation, so no pivoting is needed; the ordering only limits fill.
//
// When the last columns of L are (nearly) dense (minimum degree orders the final clique last;
// on expander-like KKT matrices it holds most of the flops), they are factored as one dense
// matrix: the up-looking pass stops at the first dense column and leaves the Schur complement
// S = K₂₂ − L₂₁ D₁ L₂₁ᵀ, which is factored by a blocked dense LDLᵀ with contiguous, register-
// blocked updates, and solved with contiguous triangular sweeps. Same arithmetic, no index
// indirection and far better cache reuse than the column-by-column sparse kernel.
import type { CscMatrix } from './csc';
import { LdlKernels } from './kernels/ldl';

export class FactorizationError extends Error {
  override name = 'FactorizationError';
}

export interface Symbolic {
  n: number;
  parent: Int32Array;
  /** Column pointers of L (strictly lower part). */
  lp: Int32Array;
  /** Columns denseStart..n−1 of L are stored as one dense block (n when there is none). */
  denseStart: number;
}

/** A trailing dense block is used when it has at least this many columns, */
export const DENSE_BLOCK_MIN = 48;
/** at most this many (its d² doubles are allocated), */
export const DENSE_BLOCK_MAX = 6000;
/** and at least this share of its lower triangle is nonzero in L. */
export const DENSE_BLOCK_FILL = 0.9;
/** Column panel width of the blocked dense factorization. */
const PANEL = 32;

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
  // The longest trailing block that is at least DENSE_BLOCK_FILL full (its explicit zeros cost
  // less than the sparse kernel's indirection), within the memory cap.
  let denseStart = n;
  let tailNz = 0;
  for (let s = n - 1; s >= Math.max(0, n - DENSE_BLOCK_MAX); s--) {
    tailNz += lnz[s]!;
    const d = n - s;
    if (d >= DENSE_BLOCK_MIN && tailNz >= DENSE_BLOCK_FILL * ((d * (d - 1)) / 2)) denseStart = s;
  }
  return { n, parent, lp, denseStart };
}

export class LdlFactor {
  /** Row indices and values of the sparse columns 0..denseStart−1 of L. */
  readonly li: Int32Array;
  readonly lx: Float64Array;
  readonly d: Float64Array;
  readonly dinv: Float64Array;
  /** The dense block (size nd), column-major: unit lower L below the diagonal. */
  private readonly dense: Float64Array;
  /** li, lx, dinv and the dense block live in the kernels' WebAssembly memory. */
  private readonly kernels: LdlKernels;
  private readonly k0: number;
  private readonly nd: number;
  private readonly y: Float64Array;
  private readonly pattern: Int32Array;
  private readonly flag: Int32Array;
  private readonly lnext: Int32Array;

  constructor(readonly sym: Symbolic) {
    const n = sym.n;
    this.k0 = sym.denseStart;
    this.nd = n - this.k0;
    const sparseNz = sym.lp[this.k0]!;
    this.kernels = new LdlKernels(n, this.k0, sparseNz, PANEL);
    this.kernels.lp.set(sym.lp.subarray(0, this.k0 + 1));
    this.li = this.kernels.li;
    this.lx = this.kernels.lx;
    this.dinv = this.kernels.dinv;
    this.dense = this.kernels.a;
    this.d = new Float64Array(n);
    this.y = new Float64Array(n);
    this.pattern = new Int32Array(n);
    this.flag = new Int32Array(n);
    this.lnext = new Int32Array(n);
  }

  /** Nonzeros of L (the dense block counted as its strictly lower triangle). */
  get nonzeros(): number {
    return this.sym.lp[this.sym.n]!;
  }

  /**
   * Numeric factorization of `a` (upper triangle, same pattern as the symbolic analysis).
   * Returns the number of positive pivots; throws on a zero pivot.
   */
  factor(a: CscMatrix): number {
    const { n, parent, lp } = this.sym;
    const { li, lx, d, dinv, y, pattern, flag, lnext, k0, nd, dense } = this;
    const colPtr = a.colPtr;
    const rowIdx = a.rowIdx;
    const values = a.values;
    let positive = 0;
    lnext.fill(0);
    flag.fill(-1);
    for (let k = 0; k < n; k++) {
      y[k] = 0;
      let top = n;
      flag[k] = k;
      const colEnd = colPtr[k + 1]!;
      for (let p = colPtr[k]!; p < colEnd; p++) {
        let i = rowIdx[p]!;
        y[i]! += values[p]!;
        // Dense columns take their Schur complement entries directly, without a traversal.
        let len = 0;
        for (; i < k0 && flag[i] !== k; i = parent[i]!) {
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
      if (k < k0) {
        if (dk === 0 || !Number.isFinite(dk)) throw new FactorizationError(`zero or non-finite pivot at column ${k}`);
        d[k] = dk;
        dinv[k] = 1 / dk;
        if (dk > 0) positive++;
      } else {
        // Row k of the Schur complement (lower triangle, column-major by column j).
        const r = k - k0;
        for (let j = k0; j < k; j++) {
          dense[(j - k0) * nd + r] = y[j]!;
          y[j] = 0;
        }
        dense[r * nd + r] = dk;
      }
    }
    if (nd > 0) positive += this.factorDense();
    return positive;
  }

  /**
   * Blocked right-looking LDLᵀ of the dense block in place; returns its positive pivots. Each panel
   * of PANEL columns is factored left-looking within itself, then the trailing matrix takes the
   * panel's update S −= L_panel D_panel L_panelᵀ; both run in the SIMD kernels.
   */
  private factorDense(): number {
    const { nd, k0, d, dinv } = this;
    const kernels = this.kernels;
    let positive = 0;
    for (let j0 = 0; j0 < nd; j0 += PANEL) {
      const j1 = Math.min(nd, j0 + PANEL);
      const r = kernels.panel(j0, j1);
      if (r < 0) throw new FactorizationError(`zero or non-finite pivot at column ${k0 - 1 - r}`);
      positive += r;
      if (j1 < nd) kernels.update(j0, j1 - j0, j1);
    }
    const piv = kernels.piv;
    for (let j = 0; j < nd; j++) {
      d[k0 + j] = piv[j]!;
      dinv[k0 + j] = 1 / piv[j]!;
    }
    return positive;
  }

  /** The work vector the kernels solve in (pivot order): fill it, call solveWork, read it. */
  get work(): Float64Array {
    return this.kernels.w;
  }

  /** Solves (L D Lᵀ) w = w for the work vector. */
  solveWork(): void {
    this.kernels.solve();
  }

  /** Solves (L D Lᵀ) x = b in place. */
  solve(x: Float64Array): Float64Array {
    const w = this.kernels.w;
    w.set(x);
    this.kernels.solve();
    x.set(w);
    return x;
  }
}
