// Clearing benchmark: wall time and iterations of the centralized benchmark and of ADMM (fixed ρ,
// adaptive ρ, tighter tolerances) on both networks and scenarios (medians of several runs after a
// warm-up run; bench-results/clearing.md), and ADMM at scale on `synthetic:N` with 1,000 / 5,000 /
// 10,000 agents, each in its own process so that its peak RSS is its own (bench-results/clearing-scale.md).
//   --scale-only            only the scale section
//   --cases-only            only the built-in cases (no scale section)
//   --baseline <index.ts>   also measure another revision's src/index.ts, size by size in the same
//                           run, and print the ratios (see the README for making one with git archive)
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { markdownTable, writeReport } from '@gridmarket/bench';
import { type AdmmOptions, type ClearingSolution, loadCase, type Market, runAdmm, solveCentralized } from '../src/index';

const argValue = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const scaleOnly = process.argv.includes('--scale-only');
const casesOnly = process.argv.includes('--cases-only');
const baseline = argValue('--baseline');

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

function timed(runs: number, f: () => ClearingSolution): { ms: number; last: ClearingSolution } {
  f(); // warm-up (JIT)
  const times: number[] = [];
  let last!: ClearingSolution;
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    last = f();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), last };
}

if (!scaleOnly) benchCases();
if (!casesOnly) benchScale();

/**
 * The centralized interior point with the network over without it, on the same case: both warmed
 * up (the JIT would otherwise bill its compilation to whichever runs first), then timed
 * alternately in CPU time (this machine is shared; wall time swings with other processes' load).
 */
function networkRatio(name: string, market: Market): string {
  const cpu = (constrained: boolean) => {
    const c0 = process.cpuUsage();
    const r = solveCentralized(market, { constrained });
    const c = process.cpuUsage(c0);
    return { ms: (c.user + c.system) / 1000, iterations: r.accuracy.iterations! };
  };
  for (let k = 0; k < 10; k++) {
    cpu(false);
    cpu(true);
  }
  const without: number[] = [];
  const withNet: number[] = [];
  let itWithout = 0;
  let itWith = 0;
  for (let k = 0; k < 15; k++) {
    const a = cpu(false);
    const b = cpu(true);
    without.push(a.ms);
    withNet.push(b.ms);
    itWithout = a.iterations;
    itWith = b.iterations;
  }
  const ratio = median(withNet) / median(without);
  return `centralized interior point, ${name}: with the network ${median(withNet).toFixed(1)} ms CPU (${itWith} iterations), without ${median(without).toFixed(1)} ms (${itWithout} iterations): ratio ${ratio.toFixed(2)} (target ≤ 3: ${ratio <= 3 ? 'met' : 'not met'})`;
}

function benchCases(): void {
  const out: string[] = ['# Clearing benchmark', '', `Median wall time after one warm-up run; ${new Date().toISOString().slice(0, 10)}; Node ${process.version}.`, ''];
  const rows: (string | number)[][] = [];
  const targets: string[] = [];
  let worstTightGap = 0;
  const configs: [string, Partial<AdmmOptions>][] = [
    ['ADMM ρ = 0.1 (thesis tolerances)', {}],
    ['ADMM adaptive ρ', { adaptive: true }],
    ['ADMM ρ = 0.1, ε 1e-5 / 1e-4', { epsAbs: 1e-5, epsRel: 1e-4 }],
  ];
  for (const name of ['ieee14', 'ieee33'] as const) {
    const market = loadCase(name);
    for (const constrained of [false, true]) {
      const scenario = constrained ? 'with network' : 'no network';
      const c = timed(7, () => solveCentralized(market, { constrained }));
      rows.push([name, scenario, 'centralized (interior point)', c.ms.toFixed(1), String(c.last.accuracy.iterations), c.last.welfareUsd.toFixed(4), '—']);
      if (constrained) targets.push(networkRatio(name, market));
      if (name === 'ieee14' && constrained) targets.push(`centralized, 14-bus with network: ${c.ms.toFixed(0)} ms (target ≤ 300 ms: ${c.ms <= 300 ? 'met' : 'not met'})`);
      for (const [label, opts] of configs) {
        const a = timed(3, () => runAdmm(market, { constrained, ...opts }));
        const gap = (c.last.welfareUsd - a.last.welfareUsd) / c.last.welfareUsd;
        rows.push([name, scenario, label, a.ms.toFixed(1), `${a.last.admm!.iterations} (${a.last.admm!.status})`, a.last.welfareUsd.toFixed(4), `${(gap * 100).toFixed(4)}%`]);
        if (opts.epsAbs) worstTightGap = Math.max(worstTightGap, Math.abs(gap));
        if (name === 'ieee14' && constrained && label.startsWith('ADMM ρ = 0.1 (')) {
          targets.push(`ADMM, 14-bus with network: ${a.ms.toFixed(0)} ms in ${a.last.admm!.iterations} iterations (target ≤ 500 ms: ${a.ms <= 500 ? 'met' : 'not met'}; the thesis took 222.8 s)`);
        }
      }
      process.stderr.write(`done ${name} ${scenario}\n`);
    }
  }
  targets.push(`welfare gap with ε 1e-5 / 1e-4, worst case: ${(worstTightGap * 100).toFixed(4)}% (target ≤ 0.01%: ${worstTightGap <= 1e-4 ? 'met' : 'not met'}); with the thesis's tolerances see the table`);
  out.push('## Both networks, both scenarios', '', markdownTable(['case', 'scenario', 'method', 'time (ms)', 'iterations', 'welfare at the schedule ($, storage penalty incl.)', 'gap to centralized'], rows), '');
  out.push('## Targets', '', ...targets.map((t) => `- ${t}`), '');
  writeReport('bench-results/clearing.md', out.join('\n'));
}

interface ScaleRow {
  agents: number;
  batteries: number;
  lines: number;
  wallMs: number;
  firstIterationMs: number;
  batteryMs: number;
  closedFormMs: number;
  batterySolves: number;
  batterySolvesWithoutAdmm: number;
  iterations: number;
  status: string;
  welfareUsd: number;
  usPerAgentIteration: number;
  peakRssMb: number;
}

function benchScale(): void {
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  const measure = (agents: number, src?: string, batteryShare?: number): ScaleRow => {
    const args = ['--import', 'tsx', 'bench/scaleRun.ts', '--agents', String(agents), ...(src ? ['--src', src] : []), ...(batteryShare !== undefined ? ['--battery-share', String(batteryShare)] : [])];
    const line = execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').at(-1)!;
    return JSON.parse(line) as ScaleRow;
  };
  const revisions: [string, string | undefined][] = [['this revision', undefined], ...(baseline ? [['baseline', baseline] as [string, string]] : [])];
  const load0 = loadavg()[0]!;
  const rows: (string | number)[][] = [];
  const ratios: (string | number)[][] = [];
  const results = new Map<string, ScaleRow>();
  for (const agents of [1000, 5000, 10000]) {
    for (const [label, src] of revisions) {
      const r = measure(agents, src);
      results.set(`${label} ${agents}`, r);
      const rest = r.wallMs - r.batteryMs - r.closedFormMs;
      rows.push([label, agents, r.batteries, r.iterations, r.status, (r.wallMs / 1000).toFixed(2), (r.firstIterationMs / 1000).toFixed(2), r.usPerAgentIteration.toFixed(1), (r.batteryMs / 1000).toFixed(2), (r.closedFormMs / 1000).toFixed(2), (rest / 1000).toFixed(2), r.peakRssMb.toFixed(0), r.welfareUsd.toFixed(6)]);
      process.stderr.write(`done scale ${agents} (${label})\n`);
    }
    if (baseline) {
      const a = results.get(`this revision ${agents}`)!;
      const b = results.get(`baseline ${agents}`)!;
      const opRest = (r: ScaleRow) => r.wallMs - r.batteryMs - r.closedFormMs;
      ratios.push([agents, (b.wallMs / a.wallMs).toFixed(2), (b.firstIterationMs / a.firstIterationMs).toFixed(2), (b.batteryMs / a.batteryMs).toFixed(2), (b.closedFormMs / a.closedFormMs).toFixed(2), (opRest(b) / opRest(a)).toFixed(2), (b.peakRssMb / a.peakRssMb).toFixed(2), a.iterations === b.iterations && a.welfareUsd === b.welfareUsd ? 'yes' : 'NO']);
    }
  }
  // The same network and agent count with no battery, to separate the battery sellers' OSQP solves
  // (packages/qp) from the rest of ADMM.
  const noBattery = measure(10000, undefined, 0);
  rows.push(['this revision, no batteries', 10000, 0, noBattery.iterations, noBattery.status, (noBattery.wallMs / 1000).toFixed(2), (noBattery.firstIterationMs / 1000).toFixed(2), noBattery.usPerAgentIteration.toFixed(1), '0.00', (noBattery.closedFormMs / 1000).toFixed(2), ((noBattery.wallMs - noBattery.closedFormMs) / 1000).toFixed(2), noBattery.peakRssMb.toFixed(0), noBattery.welfareUsd.toFixed(6)]);
  process.stderr.write('done scale 10000 without batteries\n');
  const current = (agents: number) => results.get(`this revision ${agents}`)!;
  const met = (ok: boolean) => (ok ? 'met' : 'not met');
  const c1 = current(1000);
  const c10 = current(10000);
  const out = [
    '# ADMM at scale',
    '',
    `synthetic:N (120 buses, 159 lines; 10% of the sellers have batteries), network enforced, thesis settings; one run per size and revision, each in its own process; ${new Date().toISOString().slice(0, 10)}; Node ${process.version}; load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end (the machine is shared: compare rows of one run).`,
    '',
    'Wall is the ADMM run (the case is built before the clock starts); first iteration includes the operator\'s and the battery agents\' setup; the local solves are timed around each agent\'s propose; the rest is the operator and the coordinator.',
    '',
    markdownTable(['revision', 'agents', 'batteries', 'iterations', 'status', 'wall (s)', 'first iteration (s)', 'µs per agent-iteration', 'battery solves (s)', 'other local solves (s)', 'operator + coordinator (s)', 'peak RSS (MB)', 'welfare ($)'], rows),
    '',
    ...(baseline ? ['## Baseline ÷ this revision (same run)', '', markdownTable(['agents', 'wall', 'first iteration', 'battery solves', 'other local solves', 'operator + coordinator', 'peak RSS', 'same iterations and welfare'], ratios), ''] : []),
    '## Targets',
    '',
    `- 10,000 agents: ${(c10.wallMs / 1000).toFixed(2)} s wall (target ≤ 10 s: ${met(c10.wallMs <= 10_000)}), ${c10.peakRssMb.toFixed(0)} MB peak RSS (target ≤ 400 MB: ${met(c10.peakRssMb <= 400)}); battery agents' OSQP solves ${(c10.batteryMs / 1000).toFixed(2)} s of it`,
    `- 1,000 agents: ${(c1.wallMs / 1000).toFixed(2)} s wall (target ≤ 1.5 s: ${met(c1.wallMs <= 1500)}); battery agents' OSQP solves ${(c1.batteryMs / 1000).toFixed(2)} s of it`,
    `- battery solves that ended on the last active set, without an ADMM iteration, at 1,000 / 5,000 / 10,000: ${[1000, 5000, 10000].map((n) => `${current(n).batterySolvesWithoutAdmm} of ${current(n).batterySolves}`).join(' / ')}`,
    `- 10,000 agents without batteries (same network): ${(noBattery.wallMs / 1000).toFixed(2)} s wall, ${noBattery.peakRssMb.toFixed(0)} MB peak RSS`,
    `- µs per agent-iteration at 1,000 / 5,000 / 10,000: ${[1000, 5000, 10000].map((n) => current(n).usPerAgentIteration.toFixed(1)).join(' / ')} (flat = linear)`,
    '',
  ];
  writeReport('bench-results/clearing-scale.md', out.join('\n'));
}
