// The run command's report helpers, without a chain: the heartbeat of long steps and the wall-time
// split that must add up to the total.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PipelineReport } from '@gridmarket/oracle';
import { wallTimeRows, withHeartbeat } from '../src/commands/run';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('progress of long steps', () => {
  it('repeats a step announced with "…" with its elapsed time until the next line, and stops then', async () => {
    const lines: string[] = [];
    const progress = withHeartbeat((l) => lines.push(l), 20);
    progress('deploying the contracts to chain 31337…\n');
    await sleep(110);
    const beats = lines.filter((l) => /^ {2}… deploying the contracts to chain 31337: \d+ s\n$/.test(l)).length;
    assert.ok(beats >= 2, `${beats} heartbeat lines: ${JSON.stringify(lines)}`);
    progress('deployed in 3.0 s\n');
    const after = lines.length;
    await sleep(80);
    assert.equal(lines.length, after, 'a heartbeat after the step ended');
    progress('epoch 1 posted\n');
    await sleep(60);
    assert.deepEqual(lines.slice(after), ['epoch 1 posted\n'], 'a line without "…" starts no heartbeat');
  });
});

describe('wall time by stage', () => {
  it('adds setup, every day’s stages and the time between them up to the total', () => {
    const report = {
      wallTimeMs: 10_000,
      setupMs: { 'check the case': 100, 'start anvil': 300, deploy: 2_000 },
      days: [{ stageMs: { clear: 900, register: 2_000, settle: 200 } }, { stageMs: { clear: 800, settle: 300 } }],
    } as unknown as PipelineReport;
    const rows = wallTimeRows(report);
    assert.deepEqual(rows.map(([s]) => s), ['check the case', 'start anvil', 'deploy', 'clear', 'register', 'settle', 'between stages (reads, progress, the clock)']);
    assert.equal(rows.find(([s]) => s === 'clear')![1], 1_700);
    assert.equal(rows.reduce((a, [, ms]) => a + ms, 0), report.wallTimeMs);
  });
});
