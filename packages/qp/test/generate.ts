// Seeded random QPs for the solver tests: feasible, primal infeasible and dual infeasible.
import { rng } from '@gridmarket/bench';
import { type CscMatrix, cscFromTriplets, type Triplet } from '../src/csc';
import type { QpProblem } from '../src/types';

export type Kind = 'feasible' | 'primal_infeasible' | 'dual_infeasible';

export interface Generated {
  kind: Kind;
  problem: QpProblem;
}

/** P = MᵀM (+ a small diagonal unless `singular`), upper triangle. */
function psd(n: number, r: () => number, singular: boolean): CscMatrix {
  const k = Math.max(1, Math.floor(n * (singular ? 0.5 : 1)));
  const M: number[][] = Array.from({ length: k }, () => Array.from({ length: n }, () => (r() < 0.3 ? r() * 2 - 1 : 0)));
  const t: Triplet[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let v = 0;
      for (let s = 0; s < k; s++) v += M[s]![i]! * M[s]![j]!;
      if (i === j && !singular) v += 0.05 + r();
      if (v !== 0) t.push({ row: i, col: j, value: v });
    }
  }
  return cscFromTriplets(n, n, t);
}

export function generate(seed: number, kind: Kind): Generated {
  const r = rng(seed);
  const n = 2 + Math.floor(r() * 28);
  const mRandom = 1 + Math.floor(r() * 20);
  const P = kind === 'dual_infeasible' ? cscFromTriplets(n, n, []) : psd(n, r, r() < 0.3);
  const q = Array.from({ length: n }, () => r() * 4 - 2);
  const x0 = Array.from({ length: n }, () => r() * 2 - 1);
  const rows: { coef: Map<number, number>; l: number; u: number }[] = [];
  for (let i = 0; i < mRandom; i++) {
    const coef = new Map<number, number>();
    // In the dual infeasible family variable 0 stays out of every row (it is the unbounded ray).
    const first = kind === 'dual_infeasible' ? 1 : 0;
    for (let j = first; j < n; j++) if (r() < 0.35) coef.set(j, r() * 2 - 1);
    if (coef.size === 0) coef.set(first + Math.floor(r() * (n - first)), 1);
    let ax = 0;
    for (const [j, v] of coef) ax += v * x0[j]!;
    const kindOfRow = r();
    if (kindOfRow < 0.2) rows.push({ coef, l: ax, u: ax });
    else if (kindOfRow < 0.4) rows.push({ coef, l: -Infinity, u: ax + r() });
    else if (kindOfRow < 0.6) rows.push({ coef, l: ax - r(), u: Infinity });
    else rows.push({ coef, l: ax - r(), u: ax + r() });
  }
  if (kind !== 'dual_infeasible') {
    // Box every variable so that a singular P still has a bounded optimum.
    for (let j = 0; j < n; j++) rows.push({ coef: new Map([[j, 1]]), l: x0[j]! - 1 - r(), u: x0[j]! + 1 + r() });
  } else {
    // An LP in which no row touches variable 0 and q[0] > 0: x0 → −∞ lowers the objective
    // without bound while every row stays satisfiable at x0.
    q[0] = 1 + r();
  }
  if (kind === 'primal_infeasible') {
    // Two rows that cannot both hold: a·x ≤ b and a·x ≥ b + 1.
    const coef = new Map<number, number>();
    for (let j = 0; j < n; j++) if (r() < 0.5 || j === 0) coef.set(j, r() * 2 - 1 || 0.5);
    const b = r();
    rows.push({ coef, l: -Infinity, u: b });
    rows.push({ coef: new Map(coef), l: b + 1, u: Infinity });
  }
  const t: Triplet[] = [];
  rows.forEach((row, i) => {
    for (const [j, v] of row.coef) t.push({ row: i, col: j, value: v });
  });
  const A = cscFromTriplets(rows.length, n, t);
  return { kind, problem: { P, q, A, l: rows.map((x) => x.l), u: rows.map((x) => x.u) } };
}
