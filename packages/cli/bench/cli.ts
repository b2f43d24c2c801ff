// CLI start-up benchmark: how long `gridmarket` takes to answer, as a user runs it (a new Node
// process each time, the compiled CLI of bin/gridmarket.mjs), against `node -e 0`, the floor of any
// Node command on this machine. Runs are interleaved so that the machine's load falls on every
// command alike; the table gives medians and their ratio to node -e 0. Writes bench-results/cli.md.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { markdownTable, writeReport } from '@gridmarket/bench';

const BIN = fileURLToPath(new URL('../bin/gridmarket.mjs', import.meta.url));
const MAIN_TS = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const RUNS = Number(process.env.CLI_BENCH_RUNS ?? 15);

interface Command {
  label: string;
  argv: string[];
  /** Seconds the command should answer within on this machine, if it has a target. */
  targetS?: number;
  /** Expected exit code (the error paths exit 2). */
  exit: number;
  runs?: number;
}

const node = (...args: string[]) => [process.execPath, ...args];
const COMMANDS: Command[] = [
  { label: 'node -e 0', argv: node('-e', '0'), exit: 0 },
  { label: 'gridmarket --help', argv: node(BIN, '--help'), targetS: 0.5, exit: 0 },
  { label: 'gridmarket --version', argv: node(BIN, '--version'), exit: 0 },
  { label: 'gridmarket network --case ieee14 --json', argv: node(BIN, 'network', '--case', 'ieee14', '--json'), targetS: 1, exit: 0 },
  { label: 'gridmarket clear --help', argv: node(BIN, 'clear', '--help'), exit: 0 },
  { label: 'gridmarket nosuch (unknown command)', argv: node(BIN, 'nosuch'), exit: 2 },
  { label: 'gridmarket clear --case nope (a case that does not exist)', argv: node(BIN, 'clear', '--case', 'nope'), exit: 2 },
  // The same sources run through tsx, compiled on every start, as bin/gridmarket.mjs did before
  // the build (three runs): what the build saves, commands being loaded lazily in both.
  { label: 'tsx src/main.ts --help (the same sources, no build)', argv: node(TSX, MAIN_TS, '--help'), exit: 0, runs: 3 },
];

function once(c: Command): number {
  const t0 = performance.now();
  const r = spawnSync(c.argv[0]!, c.argv.slice(1), { encoding: 'utf8' });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== c.exit) throw new Error(`${c.label}: exit ${r.status} (expected ${c.exit})\n${r.stderr}`);
  return s;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// A fresh build first (the first run after a change builds it), so that no row pays for it.
once(COMMANDS[2]!);
const times = new Map<Command, number[]>(COMMANDS.map((c) => [c, []]));
const load = os.loadavg()[0]!;
for (let i = 0; i < RUNS; i++) {
  for (const c of COMMANDS) if (i < (c.runs ?? RUNS)) times.get(c)!.push(once(c));
  process.stderr.write(`run ${i + 1}/${RUNS}\n`);
}
const floor = median(times.get(COMMANDS[0]!)!);
const rows = COMMANDS.map((c) => {
  const t = times.get(c)!;
  const m = median(t);
  return [c.label, String(t.length), m.toFixed(3), Math.min(...t).toFixed(3), (m / floor).toFixed(1), c.targetS ? `≤ ${c.targetS} s: ${m <= c.targetS ? 'met' : 'missed'}` : '—'];
});
const text = [
  '# CLI start-up',
  '',
  `Wall time of a new process per command, median and fastest of the runs, interleaved; ratio = median ÷ median of \`node -e 0\`. ${os.cpus().length} cores, load average ${load.toFixed(1)} when the runs began (the machine is shared: the ratios are the comparable figures).`,
  '',
  markdownTable(['command', 'runs', 'median (s)', 'fastest (s)', '× node -e 0', 'target'], rows),
  '',
].join('\n');
writeReport('bench-results/cli.md', text);
