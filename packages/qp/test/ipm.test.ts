import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CscMatrix, cscFromDense, cscFromTriplets, matTVec } from '../src/csc';
import { solveWithHighs } from '../src/highs';
import { type InfeasibilityCertificate, type SeparableObjective, solveIpm } from '../src/ipm';
import { QpDataError } from '../src/errors';
import { rng } from '@gridmarket/bench';

/** Σ ½ p_j x_j² + q_j x_j. */
const quadratic =
  (p: number[], q: number[]): SeparableObjective =>
  (x, g, h) => {
    let f = 0;
    for (let j = 0; j < x.length; j++) {
      f += 0.5 * p[j]! * x[j]! ** 2 + q[j]! * x[j]!;
      g[j] = p[j]! * x[j]! + q[j]!;
      h[j] = p[j]!;
    }
    return f;
  };

describe('separable interior-point method', () => {
  it('finds the closed-form optimum of a log utility: max ω log(1 + y) − δ y', () => {
    // y* = ω/δ − 1 when inside the box.
    const omega = 0.9;
    const delta = 0.3;
    const objective: SeparableObjective = (x, g, h) => {
      g[0] = -omega / (1 + x[0]!) + delta;
      h[0] = omega / (1 + x[0]!) ** 2;
      return -omega * Math.log(1 + x[0]!) + delta * x[0]!;
    };
    const r = solveIpm({ objective, A: cscFromTriplets(0, 1, []), b: [], lower: [0], upper: [10] });
    assert.equal(r.status, 'solved');
    assert.ok(Math.abs(r.x[0]! - (omega / delta - 1)) < 1e-8, String(r.x[0]));
  });

  it('clamps the log utility optimum to its upper bound', () => {
    const objective: SeparableObjective = (x, g, h) => {
      g[0] = -2 / (1 + x[0]!) + 0.1;
      h[0] = 2 / (1 + x[0]!) ** 2;
      return -2 * Math.log(1 + x[0]!) + 0.1 * x[0]!;
    };
    const r = solveIpm({ objective, A: cscFromTriplets(0, 1, []), b: [], lower: [0], upper: [3] });
    assert.ok(Math.abs(r.x[0]! - 3) < 1e-8);
    // The bound multiplier equals the marginal value at the bound: 2/4 − 0.1.
    assert.ok(Math.abs(r.zUpper[0]! - 0.4) < 1e-7);
  });

  it('equalizes marginal costs in an economic dispatch (closed form)', () => {
    // min Σ a_j x_j² + b_j x_j  s.t.  Σ x_j = D, 0 ≤ x_j ≤ 5. Unconstrained by the caps, the
    // optimum has equal marginal cost λ = 2 a_j x_j + b_j; the multiplier y = −λ.
    const a = [0.5, 1, 2];
    const bq = [1, 0.5, 0.2];
    const D = 4;
    // λ solves Σ (λ − b_j)/(2 a_j) = D.
    const lambda = (D + bq.reduce((s, v, j) => s + v / (2 * a[j]!), 0)) / a.reduce((s, v) => s + 1 / (2 * v), 0);
    const r = solveIpm({
      objective: quadratic(a.map((v) => 2 * v), bq),
      A: cscFromDense([[1, 1, 1]]),
      b: [D],
      lower: [0, 0, 0],
      upper: [5, 5, 5],
    });
    assert.equal(r.status, 'solved');
    a.forEach((aj, j) => assert.ok(Math.abs(r.x[j]! - (lambda - bq[j]!) / (2 * aj)) < 1e-8));
    assert.ok(Math.abs(r.y[0]! + lambda) < 1e-8);
  });

  it('agrees with HiGHS on 30 random separable QPs with equalities and bounds', async () => {
    for (let k = 0; k < 30; k++) {
      const r = rng(500 + k);
      const n = 3 + Math.floor(r() * 40);
      const m = 1 + Math.floor(r() * Math.min(10, n - 1));
      const p = Array.from({ length: n }, () => (r() < 0.2 ? 0 : 0.1 + 2 * r()));
      const q = Array.from({ length: n }, () => r() * 2 - 1);
      const x0 = Array.from({ length: n }, () => r() * 2 - 1);
      const rows = Array.from({ length: m }, () => Array.from({ length: n }, () => (r() < 0.4 ? r() * 2 - 1 : 0)));
      const A = cscFromDense(rows);
      const b = rows.map((row) => row.reduce((s, v, j) => s + v * x0[j]!, 0));
      const lower = x0.map((v) => v - 0.5 - r());
      const upper = x0.map((v) => v + 0.5 + r());
      const ours = solveIpm({ objective: quadratic(p, q), A, b, lower, upper });
      assert.equal(ours.status, 'solved', `seed ${500 + k}`);
      const P = cscFromTriplets(n, n, p.flatMap((v, j) => (v ? [{ row: j, col: j, value: v }] : [])));
      const ref = await solveWithHighs({ P, q, A, l: b, u: b }, { colLower: lower, colUpper: upper });
      assert.equal(ref.status, 'optimal');
      assert.ok(Math.abs(ours.objective - ref.objective) <= 1e-7 * Math.max(1, Math.abs(ref.objective)), `seed ${500 + k}: ${ours.objective} vs ${ref.objective}`);
    }
  });

  it('names inconsistent bounds', () => {
    assert.throws(
      () => solveIpm({ objective: quadratic([1], [0]), A: cscFromTriplets(0, 1, []), b: [], lower: [2], upper: [1] }),
      (e: Error) => e instanceof QpDataError && /lower\[0\]/.test(e.message),
    );
  });
});

/**
 * Checks a Farkas certificate independently of the solver. With r = Aᵀy − z_lo + z_hi and z ≥ 0,
 * any x in the box with Ax = b has bᵀy = (z_lo − z_hi + r)ᵀx ≥ loᵀz_lo − hiᵀz_hi − Σ|r_j|·max(|lo_j|, |hi_j|),
 * so the certificate holds when loᵀz_lo − hiᵀz_hi − bᵀy exceeds that sum (and r vanishes where x is unbounded).
 */
function checkCertificate(A: CscMatrix, b: number[], lower: number[], upper: number[], c: InfeasibilityCertificate): void {
  const r = matTVec(A, c.y, new Float64Array(A.n));
  let margin = 0;
  let slack = 0;
  b.forEach((v, i) => (margin -= v * c.y[i]!));
  for (let j = 0; j < A.n; j++) {
    assert.ok(c.zLower[j]! >= 0 && c.zUpper[j]! >= 0, `z[${j}] has the wrong sign`);
    const rj = Math.abs(r[j]! - c.zLower[j]! + c.zUpper[j]!);
    if (Number.isFinite(lower[j]!)) margin += lower[j]! * c.zLower[j]!;
    if (Number.isFinite(upper[j]!)) margin -= upper[j]! * c.zUpper[j]!;
    if (Number.isFinite(lower[j]!) && Number.isFinite(upper[j]!)) slack += rj * Math.max(Math.abs(lower[j]!), Math.abs(upper[j]!));
    else assert.ok(rj < 1e-8, `(Aᵀy − z_lo + z_hi)[${j}] = ${rj} on an unbounded variable`);
  }
  assert.ok(margin > slack + 1e-3, `margin ${margin}, slack ${slack}`);
}

describe('separable interior-point method: primal infeasible problems', () => {
  it('certifies a sum that the box cannot reach', () => {
    // min ½‖x‖²  s.t.  [1 1] x = 3,  0 ≤ x ≤ 1: at most 2. Certificate y = −1, z_hi = (1, 1).
    const A = cscFromDense([[1, 1]]);
    const r = solveIpm({ objective: quadratic([1, 1], [0, 0]), A, b: [3], lower: [0, 0], upper: [1, 1] });
    assert.equal(r.status, 'infeasible');
    checkCertificate(A, [3], [0, 0], [1, 1], r.certificate!);
    assert.ok(r.iterations < 20, `took ${r.iterations} iterations`);
  });

  it('certifies two rows that need more than the bounds allow', () => {
    // min x1 + 2x2  s.t.  [1  1 −1] x = 0   (x3 = x1 + x2 ≥ 10 but x1 + x2 ≤ 8)
    //                     [1 −1  0]     5,   0 ≤ x1, x2 ≤ 4,  10 ≤ x3 ≤ 20
    const A = cscFromDense([
      [1, 1, -1],
      [1, -1, 0],
    ]);
    const lower = [0, 0, 10];
    const upper = [4, 4, 20];
    const r = solveIpm({ objective: quadratic([0, 0, 0], [1, 2, 0]), A, b: [0, 5], lower, upper });
    assert.equal(r.status, 'infeasible');
    checkCertificate(A, [0, 5], lower, upper, r.certificate!);
  });

  it('certifies inconsistent equalities on free variables', () => {
    // min ½‖x‖²  s.t.  [1 −1] x = 1,  [1 −1] x = 2,  x free: y = (1, −1) gives Aᵀy = 0, bᵀy = −1.
    const A = cscFromDense([
      [1, -1],
      [1, -1],
    ]);
    const r = solveIpm({ objective: quadratic([1, 1], [0, 0]), A, b: [1, 2], lower: [-Infinity, -Infinity], upper: [Infinity, Infinity] });
    assert.equal(r.status, 'infeasible');
    checkCertificate(A, [1, 2], [-Infinity, -Infinity], [Infinity, Infinity], r.certificate!);
  });

  it('solves the same sum when the box can reach it (no false certificate)', () => {
    // [1 1] x = 1.5, 0 ≤ x ≤ 1 → x = (0.75, 0.75).
    const r = solveIpm({ objective: quadratic([1, 1], [0, 0]), A: cscFromDense([[1, 1]]), b: [1.5], lower: [0, 0], upper: [1, 1] });
    assert.equal(r.status, 'solved');
    assert.equal(r.certificate, undefined);
    assert.ok(Math.abs(r.x[0]! - 0.75) < 1e-8 && Math.abs(r.x[1]! - 0.75) < 1e-8);
  });
});
