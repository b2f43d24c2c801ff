import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cscEmpty, cscFromDense, cscFromTriplets, matTVec, matVec, symUpperMatVec } from '../src/csc';
import { solveWithHighs } from '../src/highs';
import { Osqp } from '../src/osqp';
import { NonConvexError, QpDataError } from '../src/errors';
import { generate, type Kind } from './generate';

const TIGHT = { epsAbs: 1e-7, epsRel: 1e-7, maxIter: 20000, polish: true };

describe('feasible problems (closed forms)', () => {
  it('solves the OSQP demo problem exactly', () => {
    // min ½xᵀ[4 1; 1 2]x + [1 1]x  s.t. x1 + x2 = 1, 0 ≤ x ≤ 0.7  →  x = (0.3, 0.7)
    const s = new Osqp(
      { P: cscFromDense([[4, 1], [0, 2]]), q: [1, 1], A: cscFromDense([[1, 1], [1, 0], [0, 1]]), l: [1, 0, 0], u: [1, 0.7, 0.7] },
      TIGHT,
    );
    const r = s.solve();
    assert.equal(r.info.status, 'solved');
    assert.ok(Math.abs(r.x[0]! - 0.3) < 1e-9 && Math.abs(r.x[1]! - 0.7) < 1e-9);
    assert.ok(Math.abs(r.info.objective - 1.88) < 1e-9);
    // y: stationarity Px + q + Aᵀy = 0 with the bound 0 ≤ x1 inactive.
    assert.ok(Math.abs(r.y[0]! + 2.9) < 1e-8 && Math.abs(r.y[2]! - 0.2) < 1e-8);
  });

  it('matches the unconstrained minimizer −P⁻¹q when no row binds', () => {
    // P = [2 0; 0 8], q = [−2, 4] → x = (1, −0.5)
    const s = new Osqp({ P: cscFromDense([[2, 0], [0, 8]]), q: [-2, 4], A: cscFromDense([[1, 1]]), l: [-10], u: [10] }, TIGHT);
    const r = s.solve();
    assert.equal(r.info.status, 'solved');
    assert.ok(Math.abs(r.x[0]! - 1) < 1e-8 && Math.abs(r.x[1]! + 0.5) < 1e-8);
  });

  it('clamps a separable problem to its box', () => {
    // min Σ (x_j − c_j)² over 0 ≤ x ≤ 1 → x = clamp(c)
    const c = [-0.5, 0.25, 3, 0.99];
    const P = cscFromTriplets(4, 4, c.map((_, j) => ({ row: j, col: j, value: 2 })));
    const A = cscFromTriplets(4, 4, c.map((_, j) => ({ row: j, col: j, value: 1 })));
    const r = new Osqp({ P, q: c.map((v) => -2 * v), A, l: [0, 0, 0, 0], u: [1, 1, 1, 1] }, TIGHT).solve();
    c.forEach((v, j) => assert.ok(Math.abs(r.x[j]! - Math.min(Math.max(v, 0), 1)) < 1e-9));
  });

  it('solves an equality-constrained least-norm problem: min ½‖x‖² s.t. Σx = 3', () => {
    const n = 6;
    const P = cscFromTriplets(n, n, Array.from({ length: n }, (_, j) => ({ row: j, col: j, value: 1 })));
    const A = cscFromDense([Array(n).fill(1)]);
    const r = new Osqp({ P, q: Array(n).fill(0), A, l: [3], u: [3] }, TIGHT).solve();
    for (let j = 0; j < n; j++) assert.ok(Math.abs(r.x[j]! - 0.5) < 1e-9);
    assert.ok(Math.abs(r.y[0]! + 0.5) < 1e-8);
  });

  it('solves an LP (P = 0)', () => {
    // min −x1 − x2 s.t. x1 + 2x2 ≤ 4, 3x1 + x2 ≤ 6, x ≥ 0 → x = (1.6, 1.2), objective −2.8
    const A = cscFromDense([[1, 2], [3, 1], [1, 0], [0, 1]]);
    const r = new Osqp({ P: cscEmpty(2, 2), q: [-1, -1], A, l: [-Infinity, -Infinity, 0, 0], u: [4, 6, Infinity, Infinity] }, TIGHT).solve();
    assert.equal(r.info.status, 'solved');
    assert.ok(Math.abs(r.info.objective + 2.8) < 1e-7);
  });
});

/** Checks OSQP's primal infeasibility certificate δy: ‖Aᵀδy‖∞ ≤ ε‖δy‖∞ and uᵀδy₊ + lᵀδy₋ < 0. */
function checkPrimalCertificate(A: ReturnType<typeof cscFromDense>, l: number[], u: number[], dy: Float64Array): void {
  const norm = Math.max(...Array.from(dy, Math.abs));
  assert.ok(norm > 0);
  const aty = matTVec(A, dy, new Float64Array(A.n));
  aty.forEach((v, j) => assert.ok(Math.abs(v) <= 1e-4 * norm, `(Aᵀδy)[${j}] = ${v}`));
  let support = 0;
  dy.forEach((v, i) => {
    if (v > 0) support += u[i]! * v;
    else if (v < 0) support += l[i]! * v;
  });
  assert.ok(support < 0, `uᵀδy₊ + lᵀδy₋ = ${support}`);
}

describe('primal infeasible problems', () => {
  it('certifies two rows on the same combination that cannot both hold', () => {
    // min ½‖x‖²  s.t.  [1 1] x ≤ 1,  [1 1] x ≥ 2
    const A = cscFromDense([
      [1, 1],
      [1, 1],
    ]);
    const l = [-Infinity, 2];
    const u = [1, Infinity];
    const r = new Osqp({ P: cscFromDense([[1, 0], [0, 1]]), q: [0, 0], A, l, u }).solve();
    assert.equal(r.info.status, 'primal_infeasible');
    assert.ok(r.primalInfeasibilityCertificate, 'the certificate is a named field');
    assert.equal(r.dualInfeasibilityCertificate, undefined);
    checkPrimalCertificate(A, l, u, r.primalInfeasibilityCertificate!);
    assert.ok(Number.isNaN(r.info.objective));
  });

  it('certifies a box that cannot reach an equality', () => {
    // min x1 + x2  s.t.  [1 1] x = 3,  [1 0; 0 1] x ∈ [0, 1]²: at most 2
    const A = cscFromDense([
      [1, 1],
      [1, 0],
      [0, 1],
    ]);
    const l = [3, 0, 0];
    const u = [3, 1, 1];
    const r = new Osqp({ P: cscEmpty(2, 2), q: [1, 1], A, l, u }).solve();
    assert.equal(r.info.status, 'primal_infeasible');
    checkPrimalCertificate(A, l, u, r.primalInfeasibilityCertificate!);
  });
});

describe('dual infeasible problems', () => {
  it('certifies an unbounded LP with a ray', () => {
    // min x1  s.t.  0 ≤ [0 1] x ≤ 1: x1 → −∞ along δx = (−1, 0)
    const r = new Osqp({ P: cscEmpty(2, 2), q: [1, 0], A: cscFromDense([[0, 1]]), l: [0], u: [1] }).solve();
    assert.equal(r.info.status, 'dual_infeasible');
    const dx = r.dualInfeasibilityCertificate!;
    assert.ok(dx, 'the certificate is a named field');
    assert.equal(r.primalInfeasibilityCertificate, undefined);
    // qᵀδx < 0, Aδx = 0 (the only row is bounded both ways), Pδx = 0.
    assert.ok(dx[0]! < 0 && Math.abs(dx[1]!) <= 1e-4 * Math.abs(dx[0]!));
  });

  it('certifies a QP unbounded along the null space of P', () => {
    // min ½x1² − x2  s.t.  [1 0] x ∈ [−1, 1], [0 1] x ≥ 0: x2 → +∞ along δx = (0, 1)
    const r = new Osqp({ P: cscFromDense([[1, 0], [0, 0]]), q: [0, -1], A: cscFromDense([[1, 0], [0, 1]]), l: [-1, 0], u: [1, Infinity] }).solve();
    assert.equal(r.info.status, 'dual_infeasible');
    const dx = r.dualInfeasibilityCertificate!;
    assert.ok(dx[1]! > 0 && Math.abs(dx[0]!) <= 1e-4 * dx[1]!, `δx = ${Array.from(dx)}`);
  });
});

/** Checks the KKT conditions of (x, y) for the original problem: feasibility, stationarity, signs. */
function kktViolation(problem: ReturnType<typeof generate>['problem'], x: Float64Array, y: Float64Array): number {
  const { P, A, q, l, u } = problem;
  const ax = matVec(A, x, new Float64Array(A.m));
  const grad = symUpperMatVec(P, x, new Float64Array(P.n));
  const aty = matTVec(A, y, new Float64Array(P.n));
  let worst = 0;
  for (let j = 0; j < P.n; j++) worst = Math.max(worst, Math.abs(grad[j]! + q[j]! + aty[j]!));
  for (let i = 0; i < A.m; i++) {
    worst = Math.max(worst, l[i]! - ax[i]!, ax[i]! - u[i]!);
    // y > 0 only at the upper bound, y < 0 only at the lower bound.
    if (y[i]! > 0) worst = Math.max(worst, Math.min(y[i]!, u[i]! - ax[i]!));
    if (y[i]! < 0) worst = Math.max(worst, Math.min(-y[i]!, ax[i]! - l[i]!));
  }
  return worst;
}

describe('against HiGHS on generated problems', () => {
  const cases: [Kind, number][] = [
    ['feasible', 170],
    ['primal_infeasible', 25],
    ['dual_infeasible', 25],
  ];
  let compared = 0;
  for (const [kind, count] of cases) {
    it(`agrees on ${count} ${kind.replace('_', ' ')} problems`, async () => {
      let referenceErrors = 0;
      for (let k = 0; k < count; k++) {
        const seed = 1000 * (kind.length + 1) + k;
        const { problem } = generate(seed, kind);
        const ref = await solveWithHighs(problem);
        const ours = new Osqp(problem, TIGHT).solve();
        const label = `${kind} seed ${seed}`;
        if (kind === 'feasible') {
          assert.equal(ours.info.status, 'solved', `${label}: ${ours.info.status}`);
          // Our KKT certificate holds whatever HiGHS says.
          assert.ok(kktViolation(problem, ours.x, ours.y) < 1e-6, `${label}: KKT violation ${kktViolation(problem, ours.x, ours.y)}`);
          if (ref.status === 'error') {
            referenceErrors++;
            continue;
          }
          assert.equal(ref.status, 'optimal', `${label}: HiGHS says ${ref.status}`);
          const scale = Math.max(1, Math.abs(ref.objective));
          assert.ok(Math.abs(ours.info.objective - ref.objective) <= 1e-6 * scale, `${label}: objective ${ours.info.objective} vs ${ref.objective}`);
        } else if (kind === 'primal_infeasible') {
          assert.ok(ref.status === 'infeasible' || ref.status === 'unbounded_or_infeasible', `${label}: HiGHS says ${ref.status}`);
          assert.equal(ours.info.status, 'primal_infeasible', label);
        } else {
          assert.ok(ref.status === 'unbounded' || ref.status === 'unbounded_or_infeasible', `${label}: HiGHS says ${ref.status}`);
          assert.equal(ours.info.status, 'dual_infeasible', label);
        }
        compared++;
      }
      // HiGHS's QP solver fails on a few singular Hessians; those are checked by KKT only.
      assert.ok(referenceErrors <= count * 0.02, `HiGHS failed on ${referenceErrors} problems`);
    });
  }
  it('compared at least 200 problems with HiGHS', () => {
    assert.ok(compared >= 200, `only ${compared}`);
  });
});

describe('updates', () => {
  const base = () => ({
    P: cscFromDense([[4, 1], [0, 2]]),
    q: [1, 1],
    A: cscFromDense([[1, 1], [1, 0], [0, 1]]),
    l: [1, 0, 0],
    u: [1, 0.7, 0.7],
  });

  it('re-solves after updating q, l and u without a new setup', async () => {
    const s = new Osqp(base(), TIGHT);
    s.solve();
    const next = { ...base(), q: [2, 3], l: [0.8, 0, 0], u: [0.8, 0.6, 0.6] };
    s.update({ q: next.q, l: next.l, u: next.u });
    const r = s.solve();
    const ref = await solveWithHighs(next);
    assert.ok(Math.abs(r.info.objective - ref.objective) < 1e-8);
  });

  it('needs fewer iterations from a warm start at the solution', () => {
    const cold = new Osqp(base(), { ...TIGHT, polish: false, warmStart: false }).solve();
    const s = new Osqp(base(), { ...TIGHT, polish: false });
    s.warmStart({ x: cold.x, y: cold.y });
    const warm = s.solve();
    assert.ok(warm.info.iterations < cold.info.iterations, `${warm.info.iterations} vs ${cold.info.iterations}`);
  });

  it('updates matrix values with the same pattern', async () => {
    const s = new Osqp(base(), TIGHT);
    s.updateMatrices({ Pvalues: [6, 0.5, 3], Avalues: [1, 1, 2, 1] });
    const r = s.solve();
    const ref = await solveWithHighs({ ...base(), P: cscFromDense([[6, 0.5], [0, 3]]), A: cscFromDense([[1, 2], [1, 0], [0, 1]]) });
    assert.ok(Math.abs(r.info.objective - ref.objective) < 1e-8, `${r.info.objective} vs ${ref.objective}`);
  });

  it('with the active-set start, re-solves nearby problems from the last active set (often without an ADMM iteration) and far ones by ADMM, each to the optimum', async () => {
    let fromActiveSet = 0;
    let solves = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const { problem } = generate(7000 + seed, 'feasible');
      const s = new Osqp(problem, { ...TIGHT, polish: true, activeSetStart: true });
      const q0 = Float64Array.from(problem.q);
      // Small moves of q (as between two rounds of a market), then a far one (q reversed).
      const moves = [...Array.from({ length: 6 }, (_, k) => q0.map((v, j) => v * (1 + 1e-3 * Math.sin(7 * j + k)))), q0.map((v) => -v)];
      s.solve();
      for (const q of moves) {
        s.update({ q });
        const r = s.solve();
        const next = { ...problem, q };
        const ref = await solveWithHighs(next);
        solves++;
        if (r.info.iterations === 0) fromActiveSet++;
        assert.equal(r.info.status, 'solved', `seed ${seed}`);
        assert.ok(kktViolation(next, r.x, r.y) < 1e-6, `seed ${seed}: KKT violation ${kktViolation(next, r.x, r.y)}`);
        if (ref.status === 'optimal') assert.ok(Math.abs(r.info.objective - ref.objective) <= 1e-6 * Math.max(1, Math.abs(ref.objective)), `seed ${seed}: ${r.info.objective} vs ${ref.objective}`);
      }
    }
    assert.ok(fromActiveSet >= solves / 3, `only ${fromActiveSet} of ${solves} solves from the active set`);
    assert.ok(fromActiveSet < solves, 'the far moves need ADMM');
  });

  it('with the active-set start, refactors its equality system after new matrix values (a stale factor would miss the start)', async () => {
    let fromActiveSet = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const { problem } = generate(7100 + seed, 'feasible');
      const s = new Osqp(problem, { ...TIGHT, polish: true, activeSetStart: true });
      s.solve();
      s.solve(); // the same problem again: its last active set holds
      // P and q doubled (as a change of ρ changes the market's P): the same x and active set are
      // optimal, with y doubled. Iterative refinement does not make up for a factor of the old P.
      const Pvalues = Array.from(problem.P.values, (v) => 2 * v);
      const q = Array.from(problem.q, (v) => 2 * v);
      s.updateMatrices({ Pvalues });
      s.update({ q });
      const r = s.solve();
      const next = { ...problem, q, P: { ...problem.P, values: Float64Array.from(Pvalues) } };
      assert.equal(r.info.status, 'solved', `seed ${seed}`);
      assert.ok(kktViolation(next, r.x, r.y) < 1e-6, `seed ${seed}: KKT violation ${kktViolation(next, r.x, r.y)}`);
      const ref = await solveWithHighs(next);
      if (ref.status === 'optimal') assert.ok(Math.abs(r.info.objective - ref.objective) <= 1e-6 * Math.max(1, Math.abs(ref.objective)), `seed ${seed}: ${r.info.objective} vs ${ref.objective}`);
      if (r.info.iterations === 0) fromActiveSet++;
    }
    assert.ok(fromActiveSet >= 4, `only ${fromActiveSet} of 6 re-solves after the update started from the active set`);
  });

  it('with the active-set start, does not hold a row at a bound that update made infinite', () => {
    // min ½x² − x s.t. x ≤ 0.5: optimum 0.5 with the row active; then the bound goes, optimum 1.
    const s = new Osqp({ P: cscFromDense([[1]]), q: [-1], A: cscFromDense([[1]]), l: [-Infinity], u: [0.5] }, { ...TIGHT, polish: true, activeSetStart: true });
    assert.ok(Math.abs(s.solve().x[0]! - 0.5) < 1e-6);
    s.update({ u: [Infinity] });
    const r = s.solve();
    assert.equal(r.info.status, 'solved');
    assert.ok(Math.abs(r.x[0]! - 1) < 1e-5, `x = ${r.x[0]}`);
  });

  it('solves an LP whose polishing system cannot be factored (δ lost to rounding) instead of throwing', () => {
    const lp = { P: cscFromTriplets(2, 2, []), q: [-1, -1], A: cscFromDense([[1, 2], [1, 0], [0, 1]]), l: [-Infinity, 0, 0], u: [4, 3, 3] };
    const r = new Osqp(lp, { epsAbs: 1e-6, epsRel: 1e-6, polish: true, polishDelta: 1e-20 }).solve();
    assert.equal(r.info.status, 'solved');
    assert.ok(Math.abs(r.x[0]! - 3) < 1e-4 && Math.abs(r.x[1]! - 0.5) < 1e-4, `x = ${Array.from(r.x)}`);
  });

  it('reports the iteration limit honestly', () => {
    const r = new Osqp(base(), { epsAbs: 1e-12, epsRel: 1e-12, maxIter: 3, adaptiveRho: false }).solve();
    assert.ok(r.info.status === 'max_iter_reached' || r.info.status === 'solved_inaccurate');
    assert.equal(r.info.iterations, 3);
  });
});

describe('invalid data', () => {
  it('names mismatched dimensions', () => {
    assert.throws(
      () => new Osqp({ P: cscFromDense([[1, 0], [0, 1]]), q: [1], A: cscFromDense([[1, 1]]), l: [0], u: [1] }),
      (e: Error) => e instanceof QpDataError && e.message.startsWith('q:'),
    );
  });
  it('names a polishDelta that is not positive', () => {
    assert.throws(() => new Osqp({ P: cscFromDense([[1]]), q: [0], A: cscFromDense([[1]]), l: [0], u: [1] }, { polishDelta: 0 }), /settings\.polishDelta: must be positive/);
  });
  it('names l > u', () => {
    assert.throws(() => new Osqp({ P: cscFromDense([[1]]), q: [0], A: cscFromDense([[1]]), l: [2], u: [1] }), /l\[0\]: is greater than u\[0\]/);
  });
  it('names NaN entries', () => {
    assert.throws(() => new Osqp({ P: cscFromDense([[1]]), q: [NaN], A: cscFromDense([[1]]), l: [0], u: [1] }), /q\[0\]: is NaN/);
  });
  it('refuses a lower-triangular P', () => {
    assert.throws(() => new Osqp({ P: cscFromDense([[1, 0], [1, 1]]), q: [0, 0], A: cscFromDense([[1, 1]]), l: [0], u: [1] }), /P: must be given as its upper triangle/);
  });
  it('refuses a non-convex P', () => {
    assert.throws(() => new Osqp({ P: cscFromDense([[1, 0], [0, -1]]), q: [0, 0], A: cscFromDense([[1, 1]]), l: [0], u: [1] }), NonConvexError);
  });
});
