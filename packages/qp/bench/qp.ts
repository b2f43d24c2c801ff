// QP solver benchmark: this package's OSQP against OSQP 0.6 itself (C compiled to WebAssembly,
// inside npm `eigen`) and HiGHS (WebAssembly), side by side on the same random sparse convex QPs
// from 5 to 5,000 variables (about 3 nonzeros per row of A, a sparse PSD P), in one process.
// Ours and OSQP-wasm run at ε_abs = ε_rel = 1e-5 with polishing; they are timed alternately
// (median of several runs after a warm-up) so that load on the machine hits both alike.
// Prints a table and writes bench-results/qp.md.
import { markdownTable, rng, writeReport } from '@gridmarket/bench';
import { cscFromTriplets, dot, symUpperMatVec, type Triplet } from '../src/csc';
import { solveWithHighs } from '../src/highs';
import { Osqp } from '../src/osqp';
import type { QpProblem, Result } from '../src/types';
import { loadOsqpWasm, type OsqpWasmResult, solveOsqpWasm } from './osqpWasm';

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

const objectiveOf = (prob: QpProblem, x: Float64Array) => 0.5 * dot(x, symUpperMatVec(prob.P, x, new Float64Array(x.length))) + dot(Float64Array.from(prob.q), x);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-12, Math.abs(b));

const SETTINGS = { epsAbs: 1e-5, epsRel: 1e-5, polish: true };
/** Timed runs per size; HiGHS runs once, with a time limit. */
const RUNS: Record<number, number> = { 5: 15, 50: 15, 500: 9, 5000: 3 };
const WARMUP_RUNS = 50;
const WARMUP_MS = 4000;
const HIGHS_TIME_LIMIT_S = 60;

const eig = await loadOsqpWasm(SETTINGS);
const rows: string[][] = [];
const targets: string[] = [];
for (const n of [5, 50, 500, 5000]) {
  const prob = problem(n, n);
  const ours = () => {
    const c0 = process.cpuUsage();
    const solver = new Osqp(prob, SETTINGS);
    const res = solver.solve();
    // OSQP's wrapper ends with osqp_cleanup; ours returns its memory to the pool the same way.
    solver.dispose();
    const cpu = process.cpuUsage(c0);
    return { res, ms: (cpu.user + cpu.system) / 1000 };
  };
  // Warm-up: the JIT compiles our solver's loops over the first runs (wasm is compiled before it
  // runs), so both solve the problem WARMUP_RUNS times or for WARMUP_MS; the first run is reported too.
  const firstMs = ours().ms;
  const firstOsqpMs = solveOsqpWasm(eig, prob, SETTINGS).cpuTimeMs;
  for (let k = 1, spent = firstMs; k < WARMUP_RUNS && spent < WARMUP_MS; k++) {
    spent += ours().ms;
    solveOsqpWasm(eig, prob, SETTINGS);
  }
  const oursMs: number[] = [];
  const osqpMs: number[] = [];
  const osqpOwnMs: number[] = [];
  let mine!: Result;
  let peer!: OsqpWasmResult;
  for (let k = 0; k < RUNS[n]!; k++) {
    const a = ours();
    mine = a.res;
    oursMs.push(a.ms);
    peer = solveOsqpWasm(eig, prob, SETTINGS);
    osqpMs.push(peer.cpuTimeMs);
    osqpOwnMs.push(peer.runTimeMs);
  }
  const h0 = process.cpuUsage();
  const w0 = performance.now();
  const ref = await solveWithHighs(prob, { highsOptions: { time_limit: HIGHS_TIME_LIMIT_S } });
  const hc = process.cpuUsage(h0);
  const highsMs = (hc.user + hc.system) / 1000;
  const highsWallMs = performance.now() - w0;

  const tOurs = median(oursMs);
  const tOsqp = median(osqpMs);
  const fOsqp = objectiveOf(prob, peer.x);
  const fOurs = mine.info.objective;
  const highsObj = ref.status === 'optimal' ? ref.objective : NaN;
  const size = [String(n), String(prob.A.m)];
  rows.push([...size, 'gridmarket qp', mine.info.status, String(mine.info.iterations), mine.info.polish, firstMs.toFixed(1), tOurs.toFixed(1), (tOurs / tOsqp).toFixed(2), fOurs.toFixed(8), relDiff(fOurs, fOsqp).toExponential(1), Number.isNaN(highsObj) ? '—' : relDiff(fOurs, highsObj).toExponential(1)]);
  rows.push([...size, 'OSQP 0.6 (wasm)', peer.status, String(peer.iterations), peer.polish, firstOsqpMs.toFixed(1), `${tOsqp.toFixed(1)} (own timer ${median(osqpOwnMs).toFixed(1)})`, '1.00', fOsqp.toFixed(8), '—', Number.isNaN(highsObj) ? '—' : relDiff(fOsqp, highsObj).toExponential(1)]);
  const highsStatus = ref.status === 'other' && highsWallMs >= 1000 * HIGHS_TIME_LIMIT_S ? `time limit (${HIGHS_TIME_LIMIT_S} s)` : ref.status;
  rows.push([...size, 'HiGHS (wasm)', highsStatus, '—', '—', highsMs.toFixed(1), highsMs.toFixed(1), (highsMs / tOsqp).toFixed(2), Number.isNaN(highsObj) ? '—' : highsObj.toFixed(8), Number.isNaN(highsObj) ? '—' : relDiff(highsObj, fOsqp).toExponential(1), '—']);
  if (n === 500 || n === 5000) {
    const ratio = tOurs / tOsqp;
    const rel = relDiff(fOurs, fOsqp);
    targets.push(
      `n = ${n}: ${tOurs.toFixed(1)} ms vs OSQP ${tOsqp.toFixed(1)} ms CPU time, ratio ${ratio.toFixed(2)} (target ≤ 1.0: ${ratio <= 1 ? 'met' : 'not met'}); objective differs by ${rel.toExponential(1)} relative (target ≤ 1e-6: ${rel <= 1e-6 ? 'met' : 'not met'})`,
    );
  }
  process.stderr.write(`done n=${n}\n`);
}
const headers = ['variables', 'constraints', 'solver', 'status', 'iterations', 'polish', 'first run (ms)', 'CPU time (ms)', 'time / OSQP', 'objective', 'rel. diff to OSQP', 'rel. diff to HiGHS'];
const text = [
  '# QP solver benchmark',
  '',
  `ε_abs = ε_rel = 1e-5 with polishing (OSQP's other settings at their defaults, ours at DEFAULT_SETTINGS); ${new Date().toISOString().slice(0, 10)}; Node ${process.version}.`,
  'Time: CPU time (user + system, so that load from other processes on this shared machine does not inflate it) of setup + solve',
  '(+ polish), median over alternating runs after a warm-up (50 runs or 4 s each; the first, cold run is shown too). For OSQP: the',
  "wrapper call without its conversion of the data into Eigen matrices; OSQP's own wall-clock timer is shown beside it. HiGHS: one",
  `run of its QP solver (time limit ${HIGHS_TIME_LIMIT_S} s), HiGHS's default tolerances. Objective: ½xᵀPx + qᵀx of each solver's x.`,
  '',
  markdownTable(headers, rows),
  '',
  '## Targets',
  '',
  ...targets.map((t) => `- ${t}`),
  '',
].join('\n');
writeReport('bench-results/qp.md', text);
