// A symmetric quasi-definite linear system K x = b behind one interface: the fill-reducing
// ordering and symbolic analysis happen once for K's pattern; `factor` takes new values for the
// same pattern (a changed ρ, new Hessian entries) and refactors numerically only.
import type { CscMatrix } from './csc';
import { LdlFactor, ldlSymbolic } from './ldl';
import { minimumDegreeOrder } from './ordering';

export class QuasiDefiniteSystem {
  readonly n: number;
  /** perm[k] = original index of pivot k; pinv is its inverse. */
  readonly perm: Int32Array;
  readonly pinv: Int32Array;
  private readonly permuted: CscMatrix;
  /** Position in `permuted.values` of each entry of K's values array. */
  private readonly map: Int32Array;
  private readonly ldl: LdlFactor;
  /** Positive pivots of the last factorization. */
  positivePivots = 0;

  /**
   * `upper` is the upper triangle of K (its values are factored immediately). `perm` replaces the
   * minimum-degree ordering, e.g. the ordering of a larger system this one is a part of.
   */
  constructor(upper: CscMatrix, perm?: Int32Array) {
    const n = upper.n;
    this.n = n;
    this.perm = perm ?? minimumDegreeOrder(upper);
    this.pinv = new Int32Array(n);
    for (let k = 0; k < n; k++) this.pinv[this.perm[k]!] = k;

    const nz = upper.colPtr[n]!;
    const counts = new Int32Array(n + 1);
    const rowOf = new Int32Array(nz);
    const colOf = new Int32Array(nz);
    for (let j = 0; j < n; j++) {
      for (let p = upper.colPtr[j]!; p < upper.colPtr[j + 1]!; p++) {
        const a = this.pinv[upper.rowIdx[p]!]!;
        const b = this.pinv[j]!;
        rowOf[p] = Math.min(a, b);
        colOf[p] = Math.max(a, b);
        counts[colOf[p]! + 1]!++;
      }
    }
    for (let j = 0; j < n; j++) counts[j + 1]! += counts[j]!;
    const next = counts.slice(0, n);
    const rowIdx = new Int32Array(nz);
    this.map = new Int32Array(nz);
    for (let p = 0; p < nz; p++) {
      const q = next[colOf[p]!]!++;
      rowIdx[q] = rowOf[p]!;
      this.map[p] = q;
    }
    this.permuted = { m: n, n, colPtr: counts, rowIdx, values: new Float64Array(nz) };
    this.ldl = new LdlFactor(ldlSymbolic(this.permuted), this.permuted);
    this.factor(upper.values);
  }

  /** Nonzeros of the factor L (a measure of fill). */
  get factorNonzeros(): number {
    return this.ldl.nonzeros;
  }

  /** Refactors with new values for K's pattern (same order as the constructor's `upper.values`). */
  factor(values: Float64Array): void {
    const v = this.permuted.values;
    for (let p = 0; p < values.length; p++) v[this.map[p]!] = values[p]!;
    this.positivePivots = this.ldl.factor(this.permuted);
  }

  /** Releases the factor's memory for the next system; this one must not be used again. */
  dispose(): void {
    this.ldl.dispose();
  }

  /**
   * The right-hand side / solution vector in pivot order (entry pinv[i] is unknown i): a caller that
   * writes b there and reads x back saves the two permutation passes of `solve`.
   */
  get work(): Float64Array {
    return this.ldl.work;
  }

  /** Solves K x = b with b and x in `work` (pivot order). */
  solveWork(): void {
    this.ldl.solveWork();
  }

  /** Solves K x = b; b is overwritten with x. */
  solve(b: Float64Array): Float64Array {
    const w = this.ldl.work;
    const perm = this.perm;
    const n = this.n;
    for (let k = 0; k < n; k++) w[k] = b[perm[k]!]!;
    this.ldl.solveWork();
    for (let k = 0; k < n; k++) b[perm[k]!] = w[k]!;
    return b;
  }
}
