import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { rng } from '@gridmarket/bench';
import { cscFromTriplets, type Triplet } from '../src/csc';
import { DENSE_BLOCK_MIN, ldlSymbolic } from '../src/ldl';
import { QuasiDefiniteSystem } from '../src/linsys';
import { assembleLdlKernels } from '../scripts/assemble';

/** A random quasi-definite matrix (upper triangle): n positive pivots, then m negative ones. */
function quasiDefinite(n: number, m: number, density: number, seed: number) {
  const r = rng(seed);
  const t: Triplet[] = [];
  const N = n + m;
  for (let j = 0; j < N; j++) {
    for (let i = 0; i < j; i++) if (r() < density) t.push({ row: i, col: j, value: r() - 0.5 });
    t.push({ row: j, col: j, value: j < n ? 2 + N * density * r() : -2 - N * density * r() });
  }
  return cscFromTriplets(N, N, t);
}

function residual(K: ReturnType<typeof quasiDefinite>, x: Float64Array, b: Float64Array): number {
  const y = new Float64Array(K.n);
  for (let j = 0; j < K.n; j++) {
    for (let p = K.colPtr[j]!; p < K.colPtr[j + 1]!; p++) {
      const i = K.rowIdx[p]!;
      y[i]! += K.values[p]! * x[j]!;
      if (i !== j) y[j]! += K.values[p]! * x[i]!;
    }
  }
  return Math.max(...y.map((v, i) => Math.abs(v - b[i]!)));
}

describe('LDLᵀ with a dense trailing block', () => {
  // Sizes around the kernels' pairs of rows and columns and the 32-column panels.
  for (const [n, m] of [
    [30, 31],
    [40, 40],
    [33, 32],
    [70, 59],
    [100, 101],
  ] as const) {
    it(`solves a ${n + m} × ${n + m} quasi-definite system to round-off and counts ${n} positive pivots`, () => {
      const K = quasiDefinite(n, m, 0.6, n * 1000 + m);
      const sym = ldlSymbolic(K);
      const sys = new QuasiDefiniteSystem(K);
      const denseColumns = n + m - (sys as unknown as { ldl: { sym: { denseStart: number } } }).ldl.sym.denseStart;
      assert.ok(denseColumns >= DENSE_BLOCK_MIN, `the dense block has ${denseColumns} columns (natural order: ${n + m - sym.denseStart})`);
      assert.equal(sys.positivePivots, n);
      const b = Float64Array.from({ length: n + m }, (_, i) => Math.sin(i + 1));
      const x = sys.solve(b.slice());
      assert.ok(residual(K, x, b) < 1e-12, `residual ${residual(K, x, b)}`);
    });
  }

  it('solves a sparse system too small for a dense block', () => {
    // 40 × 40 with 20% density: below DENSE_BLOCK_MIN columns, the sparse kernel alone.
    const small = quasiDefinite(20, 20, 0.2, 7);
    const sys = new QuasiDefiniteSystem(small);
    const b = Float64Array.from({ length: 40 }, (_, i) => i - 20);
    assert.ok(residual(small, sys.solve(b.slice()), b) < 1e-12);
  });

  it('ships the WebAssembly that ldl.wat assembles to', async () => {
    const committed = readFileSync(new URL('../src/kernels/ldl.wasm.ts', import.meta.url), 'utf8');
    assert.ok(committed.includes(`'${await assembleLdlKernels()}'`), 'run pnpm --filter @gridmarket/qp build:kernels');
  });
});
