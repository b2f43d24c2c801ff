// QP solver benchmark: OSQP-shaped solver on random sparse convex QPs from 5 to 5,000 variables
// (about 3 nonzeros per row of A, a sparse PSD P), against HiGHS on the same problems where HiGHS
// is quick enough. Prints a table and writes bench-results/qp.md.
import { markdownTable, rng, writeReport } from '@gridmarket/bench';
import { cscFromTriplets, type Triplet } from '../src/csc';
import { solveWithHighs } from '../src/highs';
import { Osqp } from '../src/osqp';
import type { QpProblem } from '../src/types';

function problem(n: number, seed: number): QpProblem {
  const r = rng(seed);
  const m = Math.round(1.5 * n);
  const p: Triplet[] = [];
  for (let j = 0; j < n; j++) {
    p.push({ row: j, col: j, value: 0.1 + r() });
    if (j + 1 < n && r() < 0.3) p.push({ row: j, col: j + 1, value: 0.05 * (r() - 0.5) });
  }
  const a: Triplet[] = [];
  const x0 = Array.from({ length: n }, () => r() * 2 - 1);
  const l: number[] = [];
  const u: number[] = [];
  for (let i = 0; i < m; i++) {
    let ax = 0;
    const cols = new Set<number>();
    while (cols.size < Math.min(3, n)) cols.add(Math.floor(r() * n));
    for (const j of cols) {
      const v = r() * 2 - 1;
      a.push({ row: i, col: j, value: v });
      ax += v * x0[j]!;
    }
    l.push(ax - r());
    u.push(ax + r());
  }
  return { P: cscFromTriplets(n, n, p), q: Array.from({ length: n }, () => r() * 2 - 1), A: cscFromTriplets(m, n, a), l, u };
}

const rows: string[][] = [];
for (const n of [5, 50, 500, 5000]) {
  const prob = problem(n, n);
  const t0 = performance.now();
  const solver = new Osqp(prob, { epsAbs: 1e-5, epsRel: 1e-5, polish: true });
  const setup = performance.now() - t0;
  const res = solver.solve();
  const total = performance.now() - t0;
  let highs = '—';
  if (n <= 500) {
    const h0 = performance.now();
    const ref = await solveWithHighs(prob);
    highs = `${(performance.now() - h0).toFixed(1)} ms (objective ${ref.objective.toFixed(6)})`;
  }
  rows.push([String(n), String(prob.A.m), res.info.status, String(res.info.iterations), res.info.polish, setup.toFixed(1), total.toFixed(1), res.info.objective.toFixed(6), highs]);
  process.stderr.write(`done n=${n}\n`);
}
const headers = ['variables', 'constraints', 'status', 'iterations', 'polish', 'setup (ms)', 'setup + solve (ms)', 'objective', 'HiGHS'];
const text = ['# QP solver benchmark', '', 'One run each, ε_abs = ε_rel = 1e-5 with polishing.', '', markdownTable(headers, rows)].join('\n');
writeReport('bench-results/qp.md', text);
