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
export const DENSE_BLOCK_FILL = 0.75;
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
  private readonly k0: number;
  private readonly nd: number;
  private readonly y: Float64Array;
  private readonly pattern: Int32Array;
  private readonly flag: Int32Array;
  private readonly lnext: Int32Array;
  private readonly wa: Float64Array;
  private readonly wb: Float64Array;

  constructor(readonly sym: Symbolic) {
    const n = sym.n;
    this.k0 = sym.denseStart;
    this.nd = n - this.k0;
    const sparseNz = sym.lp[this.k0]!;
    this.li = new Int32Array(sparseNz);
    this.lx = new Float64Array(sparseNz);
    this.d = new Float64Array(n);
    this.dinv = new Float64Array(n);
    this.dense = new Float64Array(this.nd * this.nd);
    this.y = new Float64Array(n);
    this.pattern = new Int32Array(n);
    this.flag = new Int32Array(n);
    this.lnext = new Int32Array(n);
    this.wa = new Float64Array(PANEL);
    this.wb = new Float64Array(PANEL);
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

  /** Blocked right-looking LDLᵀ of the dense block in place; returns its positive pivots. */
  private factorDense(): number {
    const { dense: a, nd, k0, d, dinv, wa, wb } = this;
    let positive = 0;
    for (let j0 = 0; j0 < nd; j0 += PANEL) {
      const j1 = Math.min(nd, j0 + PANEL);
      const w = j1 - j0;
      // The panel, left-looking within it.
      for (let j = j0; j < j1; j++) {
        const cj = j * nd;
        for (let k = j0; k < j; k++) {
          const ck = k * nd;
          const t = a[ck + j]! * d[k0 + k]!;
          for (let i = j; i < nd; i++) a[cj + i]! -= a[ck + i]! * t;
        }
        const dj = a[cj + j]!;
        if (dj === 0 || !Number.isFinite(dj)) throw new FactorizationError(`zero or non-finite pivot at column ${k0 + j}`);
        const inv = 1 / dj;
        d[k0 + j] = dj;
        dinv[k0 + j] = inv;
        if (dj > 0) positive++;
        a[cj + j] = 1;
        for (let i = j + 1; i < nd; i++) a[cj + i]! *= inv;
      }
      // Trailing update S −= L_panel D_panel L_panelᵀ, two target columns and four panel columns at
      // a time (each loaded L entry feeds two multiply-adds, each target load four).
      let l = j1;
      for (; l + 1 < nd; l += 2) {
        const cl = l * nd;
        const cm = cl + nd;
        for (let k = 0; k < w; k++) {
          const c = (j0 + k) * nd;
          const dk = d[k0 + j0 + k]!;
          wa[k] = a[c + l]! * dk;
          wb[k] = a[c + l + 1]! * dk;
        }
        let k = 0;
        for (; k + 3 < w; k += 4) {
          const c0 = (j0 + k) * nd;
          const c1 = c0 + nd;
          const c2 = c1 + nd;
          const c3 = c2 + nd;
          const a0 = wa[k]!;
          const a1 = wa[k + 1]!;
          const a2 = wa[k + 2]!;
          const a3 = wa[k + 3]!;
          const b0 = wb[k]!;
          const b1 = wb[k + 1]!;
          const b2 = wb[k + 2]!;
          const b3 = wb[k + 3]!;
          a[cl + l]! -= a[c0 + l]! * a0 + a[c1 + l]! * a1 + a[c2 + l]! * a2 + a[c3 + l]! * a3;
          for (let i = l + 1; i < nd; i++) {
            const x0 = a[c0 + i]!;
            const x1 = a[c1 + i]!;
            const x2 = a[c2 + i]!;
            const x3 = a[c3 + i]!;
            a[cl + i]! -= x0 * a0 + x1 * a1 + x2 * a2 + x3 * a3;
            a[cm + i]! -= x0 * b0 + x1 * b1 + x2 * b2 + x3 * b3;
          }
        }
        for (; k < w; k++) {
          const c0 = (j0 + k) * nd;
          const a0 = wa[k]!;
          const b0 = wb[k]!;
          a[cl + l]! -= a[c0 + l]! * a0;
          for (let i = l + 1; i < nd; i++) {
            const x0 = a[c0 + i]!;
            a[cl + i]! -= x0 * a0;
            a[cm + i]! -= x0 * b0;
          }
        }
      }
      for (; l < nd; l++) {
        const cl = l * nd;
        for (let k = 0; k < w; k++) {
          const c0 = (j0 + k) * nd;
          const t = a[c0 + l]! * d[k0 + j0 + k]!;
          for (let i = l; i < nd; i++) a[cl + i]! -= a[c0 + i]! * t;
        }
      }
    }
    return positive;
  }

  /** Solves (L D Lᵀ) x = b in place. */
  solve(x: Float64Array): Float64Array {
    const { lp } = this.sym;
    const { li, lx, dinv, k0 } = this;
    const n = this.sym.n;
    for (let j = 0, start = 0; j < k0; j++) {
      const end = lp[j + 1]!;
      const xj = x[j]!;
      if (xj !== 0) for (let p = start; p < end; p++) x[li[p]!]! -= lx[p]! * xj;
      start = end;
    }
    if (this.nd > 0) this.forwardDense(x);
    for (let j = 0; j < n; j++) x[j]! *= dinv[j]!;
    if (this.nd > 0) this.backwardDense(x);
    for (let j = k0 - 1, end = lp[k0]!; j >= 0; j--) {
      const start = lp[j]!;
      let s = x[j]!;
      for (let p = start; p < end; p++) s -= lx[p]! * x[li[p]!]!;
      x[j] = s;
      end = start;
    }
    return x;
  }

  /** x₂ ← L_S⁻¹ x₂ on the dense block, four columns per sweep over x (each x load feeds four updates). */
  private forwardDense(x: Float64Array): void {
    const { k0, nd, dense: a } = this;
    const n = k0 + nd;
    let j = 0;
    for (; j + 3 < nd; j += 4) {
      const c0 = j * nd - k0;
      const c1 = c0 + nd;
      const c2 = c1 + nd;
      const c3 = c2 + nd;
      const g = k0 + j;
      // The 4 × 4 unit lower triangle of the block first.
      const x0 = x[g]!;
      const x1 = x[g + 1]! - a[c0 + g + 1]! * x0;
      const x2 = x[g + 2]! - a[c0 + g + 2]! * x0 - a[c1 + g + 2]! * x1;
      const x3 = x[g + 3]! - a[c0 + g + 3]! * x0 - a[c1 + g + 3]! * x1 - a[c2 + g + 3]! * x2;
      x[g + 1] = x1;
      x[g + 2] = x2;
      x[g + 3] = x3;
      for (let i = g + 4; i < n; i++) x[i]! -= a[c0 + i]! * x0 + a[c1 + i]! * x1 + a[c2 + i]! * x2 + a[c3 + i]! * x3;
    }
    for (; j < nd; j++) {
      const c = j * nd - k0;
      const xj = x[k0 + j]!;
      for (let i = k0 + j + 1; i < n; i++) x[i]! -= a[c + i]! * xj;
    }
  }

  /** x₂ ← L_Sᵀ⁻¹ x₂ on the dense block, four columns' dot products per sweep over x. */
  private backwardDense(x: Float64Array): void {
    const { k0, nd, dense: a } = this;
    const n = k0 + nd;
    let j = nd - 1;
    // The columns past the last full group of four, one at a time (they are the shortest).
    const rem = nd % 4;
    for (let r = 0; r < rem; r++, j--) {
      const c = j * nd - k0;
      let s = x[k0 + j]!;
      for (let i = k0 + j + 1; i < n; i++) s -= a[c + i]! * x[i]!;
      x[k0 + j] = s;
    }
    for (; j >= 3; j -= 4) {
      // Columns j−3..j: dot products over the rows below the group, then the 4 × 4 triangle.
      const g = k0 + j - 3;
      const c0 = (j - 3) * nd - k0;
      const c1 = c0 + nd;
      const c2 = c1 + nd;
      const c3 = c2 + nd;
      let s0 = x[g]!;
      let s1 = x[g + 1]!;
      let s2 = x[g + 2]!;
      let s3 = x[g + 3]!;
      for (let i = g + 4; i < n; i++) {
        const xi = x[i]!;
        s0 -= a[c0 + i]! * xi;
        s1 -= a[c1 + i]! * xi;
        s2 -= a[c2 + i]! * xi;
        s3 -= a[c3 + i]! * xi;
      }
      s2 -= a[c2 + g + 3]! * s3;
      s1 -= a[c1 + g + 2]! * s2 + a[c1 + g + 3]! * s3;
      s0 -= a[c0 + g + 1]! * s1 + a[c0 + g + 2]! * s2 + a[c0 + g + 3]! * s3;
      x[g] = s0;
      x[g + 1] = s1;
      x[g + 2] = s2;
      x[g + 3] = s3;
    }
  }
}
