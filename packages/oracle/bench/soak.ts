// Soak: N consecutive 14-bus market days (30 by default) on one anvil, each day a distinct market
// (the case's day variants) cleared, posted, metered, settled and withdrawn by the pipeline. After
// every day the token books are read from the chain and must balance to the base unit across all
// days so far; time per day and the process's memory are printed per day, so drift shows as a
// trend. Not part of `pnpm test`: `pnpm bench:soak [--days N] [--case NAME]`.
// Prints a table and writes bench-results/soak.md; exits 1 if any day did not settle or the books
// did not balance.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { markdownTable, writeReport } from '@gridmarket/bench';
import { startAnvil } from '@gridmarket/contracts/node';
import { ChainContext, DocumentStore, loadEpochData, runPipeline, tokenBooks, unbalancedBooks } from '../src/index';

const { values } = parseArgs({ options: { days: { type: 'string', default: '30' }, case: { type: 'string', default: 'ieee14' } } });
const days = Number(values.days);
if (!Number.isInteger(days) || days < 1 || days > 365) throw new RangeError(`--days must be an integer from 1 to 365, got "${values.days}"`);

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const chain = await startAnvil();
const workDir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-soak-'));
const rows: string[][] = [];
const failures: string[] = [];
const perDayMs: number[] = [];
const rss: number[] = [];
try {
  const epochIds: number[] = [];
  let agentIds: readonly number[] = [];
  for (let day = 0; day < days; day++) {
    const t0 = performance.now();
    const report = await runPipeline({ case: values.case, days: 1, firstDay: day, firstEpoch: day + 1, rpcUrl: chain.rpcUrl, workDir, toleranceWh: 50, noiseWh: 15, time: 'advance' });
    const ms = performance.now() - t0;
    const d = report.days[0]!;
    const ctx = new ChainContext({ rpcUrl: chain.rpcUrl, deployment: report.deployment });
    epochIds.push(d.epochId);
    if (agentIds.length === 0) agentIds = (await loadEpochData(ctx, new DocumentStore(path.join(workDir, 'store')), d.epochId)).onchain.agentIds;
    const books = await tokenBooks(ctx, agentIds, epochIds);
    const unbalanced = unbalancedBooks(books);
    if (d.status !== 'settled') failures.push(`day ${day + 1}: ${d.status}`);
    for (const u of unbalanced) failures.push(`day ${day + 1}: ${u}`);
    const memory = process.memoryUsage();
    perDayMs.push(ms);
    rss.push(memory.rss);
    rows.push([
      String(day + 1),
      String(d.epochId),
      d.status,
      String(d.admmIterations),
      String(d.settled),
      String(d.transactions),
      (ms / 1000).toFixed(2),
      books.supply.toString(),
      (books.held + books.owners).toString(),
      unbalanced.length === 0 ? 'yes' : 'NO',
      mb(memory.rss),
      mb(memory.heapUsed),
    ]);
    process.stderr.write(`day ${day + 1}/${days}: ${d.status}, ${(ms / 1000).toFixed(2)} s, rss ${mb(memory.rss)} MB, books ${unbalanced.length === 0 ? 'balanced' : 'UNBALANCED'}\n`);
  }
} finally {
  await chain.stop();
  rmSync(workDir, { recursive: true, force: true });
}

// Drift: the later half of the days against the earlier half (day 1 registers and is left out).
const half = (xs: number[]) => {
  const rest = xs.slice(1);
  const mid = Math.floor(rest.length / 2);
  const mean = (ys: number[]) => ys.reduce((s, y) => s + y, 0) / Math.max(ys.length, 1);
  return { early: mean(rest.slice(0, mid)), late: mean(rest.slice(mid)) };
};
const time = half(perDayMs);
const memory = half(rss);
const drift =
  days < 3
    ? ['Too few days to compare halves (run at least 3).']
    : [
        `Time per day (day 1 registers and is left out): ${(time.early / 1000).toFixed(2)} s in the earlier half, ${(time.late / 1000).toFixed(2)} s in the later (ratio ${(time.late / time.early).toFixed(2)}).`,
        `RSS: ${mb(memory.early)} MB in the earlier half, ${mb(memory.late)} MB in the later (ratio ${(memory.late / memory.early).toFixed(2)}).`,
      ];
const text = [
  `# Soak: ${days} days of ${values.case} on one anvil`,
  '',
  "Each day a distinct market (the case's day variants), cleared, posted, metered, settled and withdrawn; the token books read from the chain after each day.",
  "Supply = what the settlement contract and the owners hold; \"balanced\" also checks the contract's balance against the agents' accounts and the open epochs' pots.",
  '',
  markdownTable(['day', 'epoch', 'status', 'ADMM it.', 'settled trades', 'transactions', 'time (s)', 'token supply', 'held + owned', 'balanced', 'RSS (MB)', 'heap (MB)'], rows),
  '',
  ...drift,
  failures.length === 0 ? 'Every day settled and the books balanced to the base unit after every day.' : `FAILED:\n${failures.map((f) => `- ${f}`).join('\n')}`,
].join('\n');
writeReport('bench-results/soak.md', text);
if (failures.length > 0) process.exitCode = 1;
