// The OSQP KKT matrix K = [P + σI, Aᵀ; A, −diag(ρ)⁻¹] (upper triangle), with index maps so that a
// new ρ or new matrix values only rewrite entries of K's values array before a numeric refactor.
import type { CscMatrix } from './csc';
import { QuasiDefiniteSystem } from './linsys';

export interface Kkt {
  readonly system: QuasiDefiniteSystem;
  setRho(rhoVec: Float64Array): void;
  setMatrices(P: CscMatrix, A: CscMatrix): void;
  factor(): void;
}

/** `perm`, when given, is the elimination order of K (otherwise minimum degree chooses it). */
export function buildKkt(P: CscMatrix, A: CscMatrix, sigma: number, rhoVec: Float64Array, perm?: Int32Array): Kkt {
  const n = P.n;
  const m = A.m;
  const N = n + m;
  // Rows of A: for each row, the (column, value index) pairs in column order.
  const rowStart = new Int32Array(m + 1);
  for (let p = 0; p < A.colPtr[n]!; p++) rowStart[A.rowIdx[p]! + 1]!++;
  for (let i = 0; i < m; i++) rowStart[i + 1]! += rowStart[i]!;
  const next = rowStart.slice(0, m);
  const rowCol = new Int32Array(A.colPtr[n]!);
  const rowVal = new Int32Array(A.colPtr[n]!);
  for (let j = 0; j < n; j++) {
    for (let p = A.colPtr[j]!; p < A.colPtr[j + 1]!; p++) {
      const q = next[A.rowIdx[p]!]!++;
      rowCol[q] = j;
      rowVal[q] = p;
    }
  }

  const colPtr = new Int32Array(N + 1);
  const rowIdx: number[] = [];
  const pIdx = new Int32Array(P.colPtr[n]!);
  const diagIdx = new Int32Array(n);
  const aIdx = new Int32Array(A.colPtr[n]!);
  const rhoIdx = new Int32Array(m);
  for (let j = 0; j < n; j++) {
    let hasDiag = false;
    for (let p = P.colPtr[j]!; p < P.colPtr[j + 1]!; p++) {
      const i = P.rowIdx[p]!;
      if (i === j) {
        hasDiag = true;
        diagIdx[j] = rowIdx.length;
      }
      pIdx[p] = rowIdx.length;
      rowIdx.push(i);
    }
    if (!hasDiag) {
      diagIdx[j] = rowIdx.length;
      rowIdx.push(j);
    }
    colPtr[j + 1] = rowIdx.length;
  }
  for (let i = 0; i < m; i++) {
    for (let q = rowStart[i]!; q < rowStart[i + 1]!; q++) {
      aIdx[rowVal[q]!] = rowIdx.length;
      rowIdx.push(rowCol[q]!);
    }
    rhoIdx[i] = rowIdx.length;
    rowIdx.push(n + i);
    colPtr[n + i + 1] = rowIdx.length;
  }
  const values = new Float64Array(rowIdx.length);
  const fill = (Pm: CscMatrix, Am: CscMatrix) => {
    values.fill(0);
    for (let p = 0; p < Pm.colPtr[n]!; p++) values[pIdx[p]!] = Pm.values[p]!;
    for (let j = 0; j < n; j++) values[diagIdx[j]!] = values[diagIdx[j]!]! + sigma;
    for (let p = 0; p < Am.colPtr[n]!; p++) values[aIdx[p]!] = Am.values[p]!;
  };
  const setRho = (r: Float64Array) => {
    for (let i = 0; i < m; i++) values[rhoIdx[i]!] = -1 / r[i]!;
  };
  fill(P, A);
  setRho(rhoVec);
  const saved = new Float64Array(m);
  const system = new QuasiDefiniteSystem({ m: N, n: N, colPtr, rowIdx: Int32Array.from(rowIdx), values }, perm);
  return {
    system,
    setRho,
    setMatrices(Pm, Am) {
      for (let i = 0; i < m; i++) saved[i] = values[rhoIdx[i]!]!;
      fill(Pm, Am);
      for (let i = 0; i < m; i++) values[rhoIdx[i]!] = saved[i]!;
    },
    factor() {
      system.factor(values);
    },
  };
}
