// The chain commands as a user runs them, against one anvil: run, proof, audit, dispute.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('run --json reports the trades and the imbalance an outage leaves', () => {
    const r = run('run', '--case', 'ieee14', '--json', '--quiet', '--no-serve', '--fault', '4:outage');
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    for (const key of ['generated', 'verified', 'settled', 'rejected', 'transactions']) assert.equal(typeof report.totals[key], 'number', key);
    assert.equal(report.totals.generated, report.totals.settled + report.totals.rejected);
    // The outage leaves agent 4 short of its schedule: its hours are not verified, and it pays for the shortfall.
    assert.ok(report.totals.verified < report.totals.generated);
    assert.ok(report.totals.imbalanceChargedUsd > 0);
    assert.equal(report.days[0].status, 'settled');
  });

  it('run on a network whose PTDF does not fit in a block exits 4 with one line that says so', () => {
    const r = run('run', '--case', 'synthetic:3', '--quiet', '--no-serve');
    assert.equal(r.status, 4, r.stderr);
    assert.match(r.stderr, /^error: registering network synthetic120 \(120 buses, 159 lines: a PTDF of 19,080 entries, all stored on chain\) needs more gas than a block of this chain allows \(30,000,000\)\n$/);
  });

  it('proof gives an agent’s leaves with proofs that verify against the chain', () => {
    const r = run('proof', '--epoch', '1', '--agent', '3');
    assert.equal(r.status, 0, r.stderr);
    const p = JSON.parse(r.stdout);
    assert.equal(p.verified, true);
    assert.equal(p.schedule.energyWh.length, 24);
    assert.ok(p.trades.length > 0);
    assert.ok(p.trades.every((t: { role: string }) => t.role === 'seller' || t.role === 'buyer'));
  });

  it('audit passes on an honest, settled epoch', () => {
    const r = run('audit', '--epoch', '1', '--json');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const a = JSON.parse(r.stdout);
    assert.equal(a.ok, true);
    assert.equal(a.roots.match, true);
    assert.equal(a.commitments.match, true);
    assert.deepEqual(a.violations, []);
    assert.equal(a.settlement.settled, a.settlement.agents);
    assert.deepEqual(a.settlement.disagreements, []);
  });

  it('dispute refuses a feasible epoch with a clear message', () => {
    const r = run('dispute', '--epoch', '1');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: epoch 1 has no line overload and no unjustified trade: nothing to dispute\n$/);
  });

  it('names an unknown epoch and an unreachable chain (exit 4)', () => {
    const r = run('audit', '--epoch', '99');
    assert.equal(r.status, 4);
    assert.match(r.stderr, /^error: epoch 99 is not posted on the ledger at 0x[0-9a-fA-F]{40} \(it holds epoch 1\)\n$/);
    const off = spawnSync(process.execPath, [BIN, 'audit', '--epoch', '1', '--rpc', 'http://127.0.0.1:9', '--work-dir', workDir], { encoding: 'utf8' });
    assert.equal(off.status, 4);
    assert.match(off.stderr, /^error: the chain at http:\/\/127\.0\.0\.1:9 is not reachable/);
  });

  // Deployment files that do not describe this chain: never "audit passed".
  const deployments: [string, (d: Record<string, unknown>) => string, number, RegExp][] = [
    ['made for another chain', (d) => JSON.stringify({ ...d, chainId: 5 }), 4, /^error: the deployment \S+ is for chain 5, but the chain at the RPC URL is chain 31337\n$/],
    ['with no code at an address (a reset chain)', (d) => JSON.stringify({ ...d, clearingLedger: `0x${'12'.repeat(20)}` }), 4, /^error: chain 31337 has no contract at the deployment's clearingLedger 0x1212/],
    ['that is not JSON', () => '{"chainId":', 2, /^error: \S+edited-deployment\.json is not a readable JSON file \(Unexpected end of JSON input\)\n$/],
    ['with a field missing', (d) => JSON.stringify({ ...d, settlement: undefined }), 2, /^error: \S+ is not a valid deployment: settlement/],
  ];
  for (const [name, edit, status, stderr] of deployments) {
    it(`refuses a deployment file ${name}`, () => {
      const own = JSON.parse(readFileSync(path.join(workDir, 'deployments', '31337.json'), 'utf8'));
      const file = path.join(workDir, 'edited-deployment.json');
      writeFileSync(file, edit(own));
      const r = run('audit', '--epoch', '1', '--deployment', file);
      assert.equal(r.status, status, r.stderr);
      assert.match(r.stderr, stderr);
    });
  }
});

describe('documents served over HTTP (gridmarket documents, run --documents-url)', () => {
  let chain: LocalChain;
  let operatorDir: string;
  let auditorDir: string;
  before(async () => {
    chain = await startAnvil();
    operatorDir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-cli-operator-'));
    auditorDir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-cli-auditor-'));
  });
  after(async () => {
    await chain.stop();
    rmSync(operatorDir, { recursive: true, force: true });
    rmSync(auditorDir, { recursive: true, force: true });
  });

  it('an auditor with only the RPC URL and the deployment fetches the document from another process, and is told when it cannot', async () => {
    // The operator's document server: its own OS process, on a free port.
    const server = spawn(process.execPath, [BIN, 'documents', '--work-dir', operatorDir, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(server.stdout!, 'data')) as [Buffer];
      const { url } = JSON.parse(line.toString()) as { url: string };
      const r = spawnSync(process.execPath, [BIN, 'run', '--case', 'ieee14', '--no-serve', '--quiet', '--json', '--rpc', chain.rpcUrl, '--work-dir', operatorDir, '--documents-url', url], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);

      // The auditor's work dir holds no store: only the deployment file, as published.
      const deployment = path.join(operatorDir, 'deployments', '31337.json');
      const audit = () => spawnSync(process.execPath, [BIN, 'audit', '--epoch', '1', '--json', '--rpc', chain.rpcUrl, '--work-dir', auditorDir, '--deployment', deployment], { encoding: 'utf8' });
      const a = audit();
      assert.equal(a.status, 0, a.stdout + a.stderr);
      const report = JSON.parse(a.stdout);
      assert.equal(report.ok, true);
      assert.match(report.document.uri, new RegExp(`^${url}/documents/0x[0-9a-f]{64}$`));

      // The served file tampered with: refused against the hash on chain.
      const file = path.join(operatorDir, 'store', `${report.document.hash.toLowerCase()}.json`);
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace('"totals":{', '"totals":{"x":1,'));
      const tampered = audit();
      assert.equal(tampered.status, 2, tampered.stderr);
      assert.match(tampered.stderr, /^error: document http:\/\/.* does not match the chain: its hash is 0x[0-9a-f]{64}, the epoch commits to 0x[0-9a-f]{64}\n$/);
      writeFileSync(file, original);

      // The server gone: named as unreachable.
      server.kill('SIGTERM');
      await once(server, 'exit');
      const gone = audit();
      assert.equal(gone.status, 2, gone.stderr);
      assert.match(gone.stderr, /^error: document http:\/\/.* could not be fetched: ECONNREFUSED\n$/);
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
    }
  });
});
