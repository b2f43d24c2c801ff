// Every role of a market day as its own OS process: `run --nats URL --spawn` against the embedded
// run, and the meters and the relayer killed and restarted mid-day: nothing on chain twice, nothing
// lost.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { meterReadingsAbi, settlementAbi } from '@gridmarket/contracts';
import { type LocalChain, readDeploymentFile, startAnvil } from '@gridmarket/contracts/node';
import { ChainContext, networkAgentIds, type PipelineReport, privateKeyOf, readEpoch, runPipeline } from '@gridmarket/oracle';
import { type NatsServer, startNats } from '../../net/test/helpers';

const BIN = fileURLToPath(new URL('../bin/gridmarket.mjs', import.meta.url));

function start(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

/** What must be equal between two runs of the same day: the trades and the money, not the clock. */
function outcome(r: PipelineReport) {
  const d = r.days[0]!;
  return { totals: r.totals, status: d.status, rejectedBy: d.rejectedBy, readings: d.readings, money: d.money, transactionsByStep: d.transactionsByStep };
}

// One NATS server for every test here (each run uses its own subject prefix).
let nats: NatsServer;
before(async () => {
  nats = await startNats();
});
after(async () => {
  await nats.stop();
});

describe('run --nats URL --spawn: every role its own process', () => {

  it('settles the same 14-bus day as the embedded run, and the books balance', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-spawn-'));
    const chain = await startAnvil();
    try {
      const common = ['run', '--case', 'ieee14', '--no-serve', '--json', '--quiet', '--fault', '4:outage', '--fault', '7:bias:0:400'];
      const embedded = spawnSync(process.execPath, [BIN, ...common, '--work-dir', path.join(dir, 'embedded')], { encoding: 'utf8' });
      assert.equal(embedded.status, 0, embedded.stderr);
      const distributed = spawnSync(process.execPath, [BIN, ...common, '--work-dir', path.join(dir, 'spawned'), '--rpc', chain.rpcUrl, '--nats', nats.url, '--spawn'], { encoding: 'utf8' });
      assert.equal(distributed.status, 0, distributed.stderr);
      const a = JSON.parse(embedded.stdout) as PipelineReport;
      const b = JSON.parse(distributed.stdout) as PipelineReport & { transport: string; processes: Record<string, number> };
      assert.equal(b.transport, 'nats');
      // Every agent that buys (and the grid) deposits in its own process: on a fresh chain an
      // approval and a deposit each, as the embedded run counts them.
      const { depositors, withdrawers, ...others } = b.processes;
      assert.deepEqual(others, { operator: 1, agents: 26, meters: 26, relayer: 1, settler: 1 });
      assert.equal(2 * depositors!, a.days[0]!.transactionsByStep['deposit escrow']);
      assert.equal(withdrawers, a.days[0]!.transactionsByStep.withdraw, 'each agent with a balance withdraws in its own process');
      assert.deepEqual(outcome(b), outcome(a));
      assert.ok(b.totals.imbalanceChargedUsd > 0, 'the outage and the bias are charged');

      // An auditor's view of the distributed day: roots, readings, settlement and the token books.
      const audit = spawnSync(process.execPath, [BIN, 'audit', '--epoch', '1', '--json', '--rpc', chain.rpcUrl, '--work-dir', path.join(dir, 'spawned')], { encoding: 'utf8' });
      assert.equal(audit.status, 0, audit.stdout + audit.stderr);
      const report = JSON.parse(audit.stdout);
      assert.equal(report.ok, true);
      assert.deepEqual(report.settlement.disagreements, []);
    } finally {
      await chain.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the operator killed after posting and started again', () => {

  it('finishes the day: nothing posted, deposited, relayed or withdrawn twice, nothing lost', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-restart-'));
    const chain = await startAnvil();
    const args = ['run', '--case', 'ieee14', '--no-serve', '--json', '--work-dir', dir, '--rpc', chain.rpcUrl, '--nats', nats.url, '--spawn'];
    let killedPid: number | undefined;
    try {
      const first = start(args);
      killedPid = first.child.pid;
      // Killed as soon as the epoch is posted: the meters and the relayer may be starting.
      await new Promise<void>((resolve) => {
        const check = () => /epoch 1 posted/.test(first.stderr()) && resolve();
        first.child.stderr!.on('data', check);
        first.child.on('exit', () => resolve());
      });
      first.child.kill('SIGKILL');
      await first.done;
      const second = spawnSync(process.execPath, [BIN, ...args, '--quiet'], { encoding: 'utf8' });
      assert.equal(second.status, 0, second.stderr);
      const report = JSON.parse(second.stdout) as PipelineReport;
      assert.equal(report.days[0]!.status, 'settled');
      assert.equal(report.totals.settled + report.totals.rejected, report.totals.generated);

      const ctx = new ChainContext({ rpcUrl: chain.rpcUrl, deployment: readDeploymentFile(path.join(dir, 'deployments', '31337.json')) });
      const from = BigInt(ctx.deployment.startBlock);
      const { clearingLedgerAbi, settlementAbi } = await import('@gridmarket/contracts');
      const count = (logs: { args: { agentId?: number } }[]) => {
        const per = new Map<number, number>();
        for (const l of logs) per.set(l.args.agentId!, (per.get(l.args.agentId!) ?? 0) + 1);
        return [...per.values()];
      };
      assert.equal((await ctx.publicClient.getContractEvents({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, eventName: 'EpochPosted', fromBlock: from })).length, 1, 'posted once');
      const deposits = count(await ctx.publicClient.getContractEvents({ address: ctx.deployment.settlement, abi: settlementAbi, eventName: 'Deposited', fromBlock: from }));
      assert.ok(deposits.length > 0 && deposits.every((n) => n === 1), 'each agent deposited once');
      const readings = count(await ctx.publicClient.getContractEvents({ address: ctx.deployment.meterReadings, abi: meterReadingsAbi, eventName: 'ReadingsSubmitted', args: { epochId: 1 }, fromBlock: from }));
      assert.equal(readings.length, 26, 'every meter read');
      assert.ok(readings.every((n) => n === 1), 'each reading relayed once');
      const withdrawals = count(await ctx.publicClient.getContractEvents({ address: ctx.deployment.settlement, abi: settlementAbi, eventName: 'Withdrawn', fromBlock: from }));
      assert.ok(withdrawals.length > 0 && withdrawals.every((n) => n === 1), 'each agent withdrew once');
      const positions = await ctx.publicClient.getContractEvents({ address: ctx.deployment.settlement, abi: settlementAbi, eventName: 'PositionSettled', fromBlock: from });
      assert.equal(positions.length, 26, 'every position settled once');
    } finally {
      // The killed operator's meters and relayer (if it had started them) end on their own; not in a test.
      if (killedPid) spawnSync('pkill', ['-f', `gridmarket-run-${killedPid}`]);
      await chain.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('meters and the relayer killed and restarted', () => {
  let chain: LocalChain;
  let dir: string;
  let ctx: ChainContext;
  let agentIds: number[];
  // A server of its own: the killed operator above may leave meters that still send epoch 1's
  // readings (signed by the same development keys) to the shared one.
  let server: NatsServer;
  const children: ChildProcess[] = [];
  before(async () => {
    server = await startNats();
    chain = await startAnvil();
    dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-roles-'));
    // A posted day whose readings are still to come.
    await runPipeline({ case: 'ieee14', days: 1, firstEpoch: 1, rpcUrl: chain.rpcUrl, workDir: dir, toleranceWh: 50, noiseWh: 15, time: 'advance', stopAfter: 'post' });
    ctx = new ChainContext({ rpcUrl: chain.rpcUrl, deployment: readDeploymentFile(path.join(dir, 'deployments', '31337.json')) });
    const epoch = await readEpoch(ctx, 1);
    agentIds = (await networkAgentIds(ctx, epoch.networkId)).slice(0, epoch.agentCount);
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await chain.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const chainArgs = () => ['--rpc', chain.rpcUrl, '--work-dir', dir, '--nats', server.url, '--epoch', '1', '--json', '--quiet'];
  const meter = (agentId: number) => {
    const keyFile = path.join(dir, `meter-${agentId}.key`);
    writeFileSync(keyFile, `${privateKeyOf(ctx.meter(agentId))}\n`, { mode: 0o600 });
    const m = start(['meter', '--agent', String(agentId), '--key-file', keyFile, ...chainArgs()]);
    children.push(m.child);
    return m;
  };
  const relay = (expect: number[], extra: string[] = []) => {
    const r = start(['relay', '--expect', expect.join(','), '--idle', '300', ...extra, ...chainArgs()]);
    children.push(r.child);
    return r;
  };
  const submittedLogs = async () =>
    ctx.publicClient.getContractEvents({ address: ctx.deployment.meterReadings, abi: meterReadingsAbi, eventName: 'ReadingsSubmitted', args: { epochId: 1 }, fromBlock: BigInt(ctx.deployment.startBlock) });

  it('refuses, with exit 2 and nothing sent, a meter or a relayer for an agent the epoch does not have, and a withdrawal from a key that is not the owner\'s', async () => {
    const stranger = Math.max(...agentIds) + 1;
    const m = await start(['meter', '--agent', String(stranger), '--key', privateKeyOf(ctx.meter(0)), ...chainArgs()]).done;
    assert.equal(m.status, 2, m.stderr);
    assert.match(m.stderr, new RegExp(`agent ${stranger} is not an agent of epoch 1 \\(its agents are ${agentIds.join(', ')}\\)`));
    const r = await start(['relay', '--expect', `0,${stranger}`, ...chainArgs()]).done;
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`agent ${stranger} is not an agent of epoch 1`));
    const w = await start(['withdraw', '--agent', '0', '--key', privateKeyOf(ctx.meter(0)), '--rpc', chain.rpcUrl, '--work-dir', dir]).done;
    assert.equal(w.status, 2, w.stderr);
    assert.match(w.stderr, new RegExp(`the key is for ${ctx.meter(0).address}; agent 0 is owned by ${ctx.owner(0).address}`, 'i'));
    assert.equal((await submittedLogs()).length, 0);
  });

  it('a meter with a key that is not its agent\'s: the relayer still asks the chain, and the meter learns the contract\'s reason (exit 4)', async () => {
    const agentId = agentIds.at(-1)!;
    const keyFile = path.join(dir, 'stranger.key');
    writeFileSync(keyFile, `${privateKeyOf(ctx.meter(agentId, 97))}\n`, { mode: 0o600 });
    const m = start(['meter', '--agent', String(agentId), '--key-file', keyFile, ...chainArgs()]);
    children.push(m.child);
    const r = relay([agentId]);
    const [meterOut, relayOut] = await Promise.all([m.done, r.done]);
    assert.equal(meterOut.status, 4, meterOut.stderr);
    assert.equal(JSON.parse(meterOut.stdout).reason, 'InvalidMeterSignature');
    assert.equal(relayOut.status, 0, relayOut.stderr);
    assert.deepEqual(JSON.parse(relayOut.stdout).rejected.map((x: { agentId: number; reason: string }) => [x.agentId, x.reason]), [[agentId, 'InvalidMeterSignature']]);
    assert.equal((await submittedLogs()).filter((l) => l.args.agentId === agentId).length, 0);
  });

  it('a meter killed while no relayer answers, then started again: its reading goes on chain once', async () => {
    const first = meter(0);
    await new Promise((r) => setTimeout(r, 1500));
    first.child.kill('SIGKILL');
    await first.done;
    const again = meter(0);
    const r = relay([0]);
    const [m, out] = await Promise.all([again.done, r.done]);
    assert.equal(m.status, 0, m.stderr);
    assert.deepEqual(JSON.parse(m.stdout).state, 'on-chain');
    assert.equal(out.status, 0, out.stderr);
    assert.equal(JSON.parse(out.stdout).submitted, 1);
    assert.equal((await submittedLogs()).filter((l) => l.args.agentId === 0).length, 1);
  });

  it('the relayer killed between batches, then started again: every reading on chain exactly once', async () => {
    const rest = agentIds.filter((id) => id !== 0);
    const meters = rest.map((id) => meter(id));
    // Small batches, so that the relayer is killed with some readings on chain and some not.
    const first = relay(rest, ['--max-batch', '4']);
    for (let i = 0; i < 600 && (await submittedLogs()).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    first.child.kill('SIGKILL');
    await first.done;
    const before = (await submittedLogs()).length;
    assert.ok(before > 1 && before < agentIds.length, `killed with ${before} of ${agentIds.length} readings on chain`);
    const second = relay(rest);
    const out = await second.done;
    assert.equal(out.status, 0, out.stderr);
    const r = JSON.parse(out.stdout);
    assert.deepEqual(r.missing, []);
    assert.equal(r.rejected.length, 0);
    for (const m of await Promise.all(meters.map((x) => x.done))) assert.equal(m.status, 0, m.stderr);
    const logs = await submittedLogs();
    assert.deepEqual(logs.map((l) => l.args.agentId).sort((x, y) => x! - y!), agentIds, 'one reading per agent, none twice');
  });

  it('a settler of its own: refused while the windows are open (exit 4, nothing sent), then every position settled once, and a second settler finds nothing to do', async () => {
    const settle = () => start(['settle', '--epoch', '1', '--json', '--rpc', chain.rpcUrl, '--work-dir', dir]).done;
    const early = await settle();
    assert.equal(early.status, 4, early.stderr);
    assert.match(early.stderr, /epoch 1 cannot be settled yet: its windows close at chain time \d+/);
    const epoch = await readEpoch(ctx, 1);
    const now = (await ctx.publicClient.getBlock()).timestamp;
    const opens = epoch.readingsCloseAt > epoch.challengeEndsAt ? epoch.readingsCloseAt : epoch.challengeEndsAt;
    await ctx.testClient().increaseTime({ seconds: Number(opens - now) + 1 });
    await ctx.testClient().mine({ blocks: 1 });
    const first = await settle();
    assert.equal(first.status, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).settled, agentIds.length);
    const settledLogs = await ctx.publicClient.getContractEvents({ address: ctx.deployment.settlement, abi: settlementAbi, eventName: 'PositionSettled', args: { epochId: 1 }, fromBlock: BigInt(ctx.deployment.startBlock) });
    assert.deepEqual(settledLogs.map((l) => l.args.agentId).sort((x, y) => x! - y!), agentIds, 'each position settled once');
    const second = await settle();
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout), { epochId: 1, settled: 0, batches: 0, hashes: [] });
  });
});
