// Pipeline benchmark: one market day of ieee14 and of ieee33 end to end on a fresh anvil — wall
// time per stage, gas per settled trade, transactions per day (the thesis sent one per trade).
// Prints a table and writes bench-results/pipeline.md.
import { markdownTable, writeReport } from '@gridmarket/bench';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runPipeline } from '../src/index';

const rows: string[][] = [];
/** A market day end to end, anvil start and deployment included. */
const TARGET_S: Record<string, number> = { ieee14: 8, ieee33: 15 };
// The stages in the order the pipeline ran them (its report's keys), so the table follows the pipeline.
let stageNames: string[] = [];
for (const name of ['ieee14', 'ieee33']) {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-bench-'));
  try {
    const t0 = performance.now();
    const r = await runPipeline({ case: name, days: 1, firstEpoch: 1, workDir, toleranceWh: 50, noiseWh: 15, time: 'advance' });
    const wall = performance.now() - t0;
    const d = r.days[0]!;
    if (stageNames.length === 0) stageNames = Object.keys(d.stageMs);
    rows.push([
      name,
      String(d.generated),
      String(d.settled),
      String(d.transactions),
      String(d.transactionsByStep['settle positions'] ?? 0),
      d.gasPerSettledTrade.toLocaleString('en-US'),
      ((r.setupMs['start anvil'] ?? 0) / 1000).toFixed(2),
      ((r.setupMs.deploy ?? 0) / 1000).toFixed(2),
      ...stageNames.map((s) => ((d.stageMs[s] ?? 0) / 1000).toFixed(2)),
      (wall / 1000).toFixed(1),
      `≤ ${TARGET_S[name]} s: ${wall / 1000 <= TARGET_S[name]! ? 'met' : 'NOT met'}`,
    ]);
    process.stderr.write(`done ${name}\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
const headers = ['case', 'trades', 'settled', 'transactions', 'settlement txs', 'gas / settled trade', 'anvil (s)', 'deploy (s)', ...stageNames.map((s) => `${s} (s)`), 'total (s)', 'target'];
const text = [
  '# Pipeline benchmark',
  '',
  `One day per case on a fresh embedded anvil (deployment and registration included, which later days skip); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores at the end.`,
  'The thesis sent one transaction per trade (2,795 for its 14-bus day).',
  '',
  markdownTable(headers, rows),
].join('\n');
writeReport('bench-results/pipeline.md', text);
