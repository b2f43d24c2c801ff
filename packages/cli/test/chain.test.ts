// The chain commands as a user runs them, against one anvil: run, proof, audit, dispute.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type LocalChain, startAnvil } from '@gridmarket/contracts/node';

const BIN = fileURLToPath(new URL('../bin/gridmarket.mjs', import.meta.url));

describe('gridmarket run, proof, audit, dispute', () => {
  let chain: LocalChain;
  let workDir: string;
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--rpc', chain.rpcUrl, '--work-dir', workDir], { encoding: 'utf8' });
  before(async () => {
    chain = await startAnvil();
    workDir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-cli-chain-'));
  });
  after(async () => {
    await chain.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('run --json reports the Table 6.8 counts under their names', () => {
    const r = run('run', '--case', 'ieee14', '--json', '--quiet', '--no-serve', '--fault', '4:outage');
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    for (const key of ['generated', 'submitted', 'verified', 'settled', 'rejected', 'unpaid', 'failed']) assert.equal(typeof report.totals[key], 'number', key);
    assert.equal(report.totals.generated, report.totals.settled + report.totals.rejected + report.totals.unpaid);
    assert.ok(report.totals.rejected > 0);
    assert.equal(report.days[0].status, 'settled');
  });

  it('proof gives an agent’s leaves with proofs that verify against the chain', () => {
    const r = run('proof', '--epoch', '1', '--agent', '3');
    assert.equal(r.status, 0, r.stderr);
    const p = JSON.parse(r.stdout);
    assert.equal(p.verified, true);
    assert.equal(p.schedule.length, 24);
    assert.ok(p.trades.length > 0);
    assert.ok(p.trades.every((t: { role: string }) => t.role === 'seller' || t.role === 'buyer'));
  });

  it('audit passes on an honest, settled epoch', () => {
    const r = run('audit', '--epoch', '1', '--json');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const a = JSON.parse(r.stdout);
    assert.equal(a.ok, true);
    assert.equal(a.roots.match, true);
    assert.ok(a.settlement.rejected > 0); // the outage
    assert.deepEqual(a.settlement.disagreements, []);
  });

  it('dispute refuses a feasible epoch with a clear message', () => {
    const r = run('dispute', '--epoch', '1');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /every hour of epoch 1 is feasible: nothing to dispute/);
  });

  it('names an unknown epoch and an unreachable chain', () => {
    const r = run('audit', '--epoch', '99');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /EpochNotPosted/);
    const off = spawnSync(process.execPath, [BIN, 'audit', '--epoch', '1', '--rpc', 'http://127.0.0.1:9', '--work-dir', workDir], { encoding: 'utf8' });
    assert.equal(off.status, 2);
    assert.match(off.stderr, /not reachable/);
  });
});
