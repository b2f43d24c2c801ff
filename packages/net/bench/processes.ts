// Clearing with every agent a separate OS process: `gridmarket clear --nats URL --spawn-agents [H]`
// against the in-process `gridmarket clear`, run as a user runs them (a new process each, a local
// nats-server). "Rounds" is the clearing's own time (first round to result, the summary's
// solveTimeMs); "wall" is the whole command (process start-ups, joining, the result document).
// Writes bench-results/nats-processes.md.
//   pnpm --filter @gridmarket/net bench:processes     (NATS_PROCESS_CASES=ieee14:26,synthetic:1000:4)
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable, writeReport } from '@gridmarket/bench';
import { startNats } from '../test/helpers';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cli/bin/gridmarket.mjs');
const CASES = (process.env.NATS_PROCESS_CASES ?? 'ieee14:26,synthetic:1000:4').split(',').map((spec) => {
  const hosts = Number(spec.slice(spec.lastIndexOf(':') + 1));
  return { name: spec.slice(0, spec.lastIndexOf(':')), hosts };
});
const TARGET_S: Record<string, number> = { ieee14: 1.5, 'synthetic:1000': 15 };

function clear(args: string[]): { wallS: number; roundsS: number; iterations: number; welfare: number; processes: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'clear', ...args, '--json', '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`gridmarket clear ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const s = JSON.parse(r.stdout) as { solveTimeMs: number; iterations: number; welfareUsd: number; agentProcesses?: number };
  return { wallS, roundsS: s.solveTimeMs / 1000, iterations: s.iterations, welfare: s.welfareUsd, processes: s.agentProcesses ?? 0 };
}

const nats = await startNats();
const rows: string[][] = [];
try {
  for (const { name, hosts } of CASES) {
    const local = clear(['--case', name]);
    const spawned = clear(['--case', name, '--nats', nats.url, '--spawn-agents', String(hosts)]);
    const target = TARGET_S[name];
    if (spawned.iterations !== local.iterations || spawned.welfare !== local.welfare) throw new Error(`${name}: over NATS ${spawned.iterations} iterations, $${spawned.welfare}; in process ${local.iterations}, $${local.welfare}`);
    rows.push([
      name,
      String(spawned.processes),
      String(spawned.iterations),
      local.roundsS.toFixed(2),
      spawned.roundsS.toFixed(2),
      (spawned.roundsS / local.roundsS).toFixed(1),
      local.wallS.toFixed(1),
      spawned.wallS.toFixed(1),
      target === undefined ? '—' : `≤ ${target} s: ${spawned.roundsS <= target ? 'met' : 'NOT met'}`,
    ]);
    process.stderr.write(`done ${name}\n`);
  }
} finally {
  await nats.stop();
}
const load = os.loadavg()[0]!.toFixed(1);
writeReport(
  'bench-results/nats-processes.md',
  [
    '# Clearing with the agents as separate OS processes',
    '',
    `One local nats-server; the operator in the \`clear\` process; agents spread over the given number of \`gridmarket agent\` processes. 2 cores, load average ${load} at the end.`,
    '',
    markdownTable(['case', 'agent processes', 'iterations', 'rounds in process (s)', 'rounds over NATS (s)', 'overhead ×', 'wall in process (s)', 'wall over NATS (s)', 'target (rounds)'], rows),
  ].join('\n'),
);
