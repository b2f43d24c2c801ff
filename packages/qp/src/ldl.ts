// Sparse LDLᵀ factorization of a symmetric quasi-definite matrix (up-looking, as in Davis's LDL
// and QDLDL): symbolic analysis once (elimination tree, column counts) here, numeric factorization
// as often as the values change and the triangular solves in the WebAssembly kernels
// (kernels/ldl.wat). Quasi-definite matrices factor stably under any symmetric permutation, so no
// pivoting is needed; the ordering only limits fill.
//
// When the last columns of L are (nearly) dense (minimum degree orders the final clique last;
// on expander-like KKT matrices it holds most of the flops), they are factored as one dense
// matrix: the up-looking pass stops at the first dense column and leaves the Schur complement
// S = K₂₂ − L₂₁ D₁ L₂₁ᵀ, which a blocked dense LDLᵀ factors with SIMD updates and contiguous
// triangular sweeps. Same arithmetic, no index indirection, far better cache reuse.
import type { CscMatrix } from './csc';
import { FactorizationError } from './errors';
import { LdlKernels } from './kernels/ldl';

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

/**
 * The numeric factor of one pattern: the factorization and the solves run in the WebAssembly
 * kernels (kernels/ldl.wat), over arrays in their memory.
 */
export class LdlFactor {
  private readonly kernels: LdlKernels;

  /** `pattern` is the upper triangle the symbolic analysis was done on. */
  constructor(
    readonly sym: Symbolic,
    pattern: CscMatrix,
  ) {
    this.kernels = new LdlKernels(sym.n, sym.denseStart, sym.lp[sym.denseStart]!, PANEL, pattern, sym.parent, sym.lp);
  }

  /** Nonzeros of L (the dense block counted as its strictly lower triangle). */
  get nonzeros(): number {
    return this.sym.lp[this.sym.n]!;
  }

  /** Pivots D of the last factorization. */
  get d(): Float64Array {
    return this.kernels.d;
  }

  /**
   * Numeric factorization of `a` (upper triangle, same pattern as the symbolic analysis).
   * Returns the number of positive pivots; throws on a zero pivot.
   */
  factor(a: CscMatrix): number {
    this.kernels.kx.set(a.values);
    const r = this.kernels.factor();
    if (r < 0) throw new FactorizationError(`zero or non-finite pivot at column ${-1 - r}`);
    return r;
  }

  /** The work vector the kernels solve in (pivot order): fill it, call solveWork, read it. */
  get work(): Float64Array {
    return this.kernels.w;
  }

  /** Solves (L D Lᵀ) w = w for the work vector. */
  solveWork(): void {
    this.kernels.solve();
  }

  /** Releases the kernels' memory for reuse; the factor must not be used again. */
  dispose(): void {
    this.kernels.dispose();
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
