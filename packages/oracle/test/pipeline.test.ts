// The pipeline on a real node (anvil): a full day with faulty meters and a short buyer, idempotent
// re-runs, resumption after a kill or a stopped chain, readings that must be refused, disputes of a
// faulty oracle, gas-bounded batches, and three days on the 33-bus case.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { meterReadingsAbi, participantRegistryAbi, settlementTokenAbi } from '@gridmarket/contracts';
import { startAnvil } from '@gridmarket/contracts/node';
import {
  ANVIL_OPERATOR_KEY,
  auditEpoch,
  ChainContext,
  claimPlan,
  DocumentStore,
  loadEpochData,
  type PipelineOptions,
  type PipelineReport,
  revertName,
  runPipeline,
  signReading,
  StoppedError,
  tradeStatuses,
} from '../src/index';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { parseDeployment } from '@gridmarket/contracts';
import { type Sandbox, sandbox, tokenBooks } from './helpers';

const base = (s: Sandbox, extra: Partial<PipelineOptions> = {}): PipelineOptions => ({
  case: 'ieee14',
  days: 1,
  firstEpoch: 1,
  rpcUrl: s.chain.rpcUrl,
  workDir: s.workDir,
  toleranceWh: 50,
  noiseWh: 15,
  time: 'advance',
  ...extra,
});

function contextOf(s: Sandbox, report: PipelineReport) {
  const ctx = new ChainContext({ rpcUrl: s.chain.rpcUrl, deployment: report.deployment, operatorKey: ANVIL_OPERATOR_KEY });
  return { ctx, store: new DocumentStore(path.join(s.workDir, 'store')) };
}

describe('a 14-bus day with faulty meters and a short buyer', () => {
  let s: Sandbox;
  let report: PipelineReport;
  // Market agents: 0 grid, 1–12 sellers, 13–25 buyers.
  const faults = [
    { agent: 2, kind: 'bias' as const, amountWh: 400 },
    { agent: 16, kind: 'spike' as const, hour: 19, amountWh: 900 },
    { agent: 20, kind: 'outage' as const },
  ];
  before(async () => {
    s = await sandbox();
    report = await runPipeline(base(s, { faults, shortfall: [{ agent: 18, share: 0.5 }] }));
  });
  after(() => s.done());

  it('accounts for every trade: generated = settled + rejected + unpaid', () => {
    const d = report.days[0]!;
    assert.equal(d.status, 'settled');
    assert.ok(d.generated > 2500);
    assert.equal(d.generated, d.settled + d.rejected + d.unpaid);
    assert.equal(d.submitted, d.generated);
    assert.equal(d.failed, 0);
    assert.ok(d.rejected > 0 && d.unpaid > 0 && d.settled > 2000, JSON.stringify({ rejected: d.rejected, unpaid: d.unpaid, settled: d.settled }));
    assert.equal(d.rejected, d.rejectedBy.seller + d.rejectedBy.buyer + d.rejectedBy.both);
  });

  it('rejects exactly the trades with a party out of tolerance, as the readings on chain show', async () => {
    const { ctx, store } = contextOf(s, report);
    const audit = await auditEpoch(ctx, store, 1);
    assert.equal(audit.roots.match, true);
    assert.deepEqual(audit.violations, []);
    assert.deepEqual(audit.settlement.disagreements, []);
    assert.equal(audit.ok, true);
    // The outage and the biased seller fail every hour: all their trades are rejected.
    const { onchain } = await loadEpochData(ctx, store, 1);
    const statuses = await tradeStatuses(ctx, 1, onchain.trades.length);
    onchain.trades.forEach((t, i) => {
      if ([2, 20].includes(onchain.agentIds.indexOf(t.seller)) || [2, 20].includes(onchain.agentIds.indexOf(t.buyer))) assert.equal(statuses[i], 'rejected', `trade ${i}`);
    });
  });

  it('conserves tokens: minted = held by settlement + held by owners, held = escrow + claimable', async () => {
    const { ctx } = contextOf(s, report);
    const { onchain } = await loadEpochData(ctx, new DocumentStore(path.join(s.workDir, 'store')), 1);
    const books = await tokenBooks(ctx, onchain.agentIds);
    assert.equal(books.held, books.escrow + books.claimable);
    assert.equal(books.supply, books.held + books.owners);
    assert.equal(books.claimable, 0n); // everyone withdrew
  });

  it('does nothing on a second run: no transaction is sent twice', async () => {
    const again = await runPipeline(base(s, { faults, shortfall: [{ agent: 18, share: 0 }] }));
    const d = again.days[0]!;
    assert.equal(d.transactions, 0, JSON.stringify(d.transactionsByStep));
    assert.equal(d.settled, report.days[0]!.settled);
  });
});

describe('resuming', () => {
  it('continues after being killed between any two transactions, and pays every trade once', async () => {
    const s = await sandbox();
    try {
      let kills = 0;
      let report: PipelineReport | undefined;
      for (let attempt = 0; attempt < 20 && !report; attempt++) {
        try {
          report = await runPipeline(base(s, { maxTransactions: 17 }));
        } catch (err) {
          assert.ok(err instanceof StoppedError, String(err));
          kills++;
        }
      }
      assert.ok(report && kills >= 5, `finished after ${kills} kills`);
      const { ctx, store } = contextOf(s, report);
      const { onchain } = await loadEpochData(ctx, store, 1);
      const statuses = await tradeStatuses(ctx, 1, onchain.trades.length);
      assert.ok(statuses.every((x) => x === 'settled'));
      // Each seller's owner holds exactly the value of its settled trades: nothing was paid twice.
      const due = new Map<number, bigint>();
      for (const t of onchain.trades) due.set(t.seller, (due.get(t.seller) ?? 0n) + t.value);
      const books = await tokenBooks(ctx, onchain.agentIds);
      assert.equal(books.claimable, 0n);
      assert.equal(books.escrow, 0n);
      assert.equal(books.owners, [...due.values()].reduce((a, b) => a + b, 0n));
    } finally {
      await s.done();
    }
  });

  it('resumes on the embedded chain after it was stopped mid-run (state kept with --persist)', async () => {
    const s = await sandbox();
    try {
      const options = { ...base(s), rpcUrl: undefined, persistChain: true } as PipelineOptions;
      delete options.rpcUrl;
      await assert.rejects(runPipeline({ ...options, maxTransactions: 70 }), StoppedError);
      const report = await runPipeline(options);
      const d = report.days[0]!;
      assert.equal(d.settled + d.rejected + d.unpaid, d.generated);
      assert.equal(d.unpaid, 0);
      assert.ok(d.transactions < 70, `the resumed run sent ${d.transactions} transactions`);
    } finally {
      await s.done();
    }
  });

  it('refuses with a clear message when the chain it was using was reset', async () => {
    const s = await sandbox();
    try {
      await assert.rejects(runPipeline(base(s, { maxTransactions: 30 })), StoppedError);
      await s.chain.stop();
      const fresh = await startAnvil({ port: s.chain.port });
      try {
        await assert.rejects(runPipeline(base(s)), /names contracts that chain 31337 .* does not have: the chain was reset/);
      } finally {
        await fresh.stop();
      }
    } finally {
      await s.done();
    }
  });
});

describe('readings that must be refused', () => {
  it('rejects a forged reading (wrong key) and that agent’s trades', async () => {
    const s = await sandbox();
    try {
      const report = await runPipeline(base(s, { faults: [{ agent: 3, kind: 'wrong-key' }] }));
      const d = report.days[0]!;
      assert.deepEqual(d.readings.rejected, [{ agentId: 3, reason: 'InvalidMeterSignature' }]);
      assert.ok(d.rejected > 0 && d.rejected === d.rejectedBy.seller + d.rejectedBy.buyer + d.rejectedBy.both);
    } finally {
      await s.done();
    }
  });

  it('rejects a replay, a revoked key and a rotated-out key while the reading window is open', async () => {
    const s = await sandbox();
    try {
      const posted = await runPipeline(base(s, { stopAfter: 'post' }));
      assert.equal(posted.days[0]!.status, 'waiting');
      const { ctx } = contextOf(s, posted);
      const submit = (r: Awaited<ReturnType<typeof signReading>>) =>
        ctx.send('relay readings', { address: ctx.deployment.meterReadings, abi: meterReadingsAbi, functionName: 'submitReadings', args: [[r]] });
      const values = Array.from({ length: 24 }, () => 0);
      const reading = (agentId: number, generation: number) =>
        signReading(ctx.meter(agentId, generation), ctx.deployment.chainId, ctx.deployment.meterReadings, { epochId: 1, agentId, energyWh: values });

      const first = await reading(1, 0);
      await submit(first);
      await assert.rejects(submit(first), (err) => revertName(err) === 'ReadingAlreadySubmitted');

      await ctx.send('revoke meter', { address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'revokeMeter', args: [5] });
      await assert.rejects(submit(await reading(5, 0)), (err) => revertName(err) === 'MeterKeyRevoked');

      await ctx.send('rotate meter', { address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'rotateMeter', args: [7, ctx.meter(7, 1).address] });
      await assert.rejects(submit(await reading(7, 0)), (err) => revertName(err) === 'RetiredMeterKey');

      // The rest of the day: the relayer skips what is on chain, reports agent 5, uses agent 7's new key.
      const report = await runPipeline(base(s));
      const d = report.days[0]!;
      assert.deepEqual(d.readings.rejected, [{ agentId: 5, reason: 'MeterKeyRevoked' }]);
      assert.equal(d.readings.submitted, 24); // 26 agents: 1 was relayed by hand, 5 has no key
      assert.ok(d.rejected > 0);
    } finally {
      await s.done();
    }
  });
});

describe('a faulty oracle', () => {
  for (const kind of ['imbalance', 'overload'] as const) {
    it(`is disputed when it posts ${kind === 'imbalance' ? 'an imbalanced hour' : 'an overloaded line'}, and its epoch pays nothing`, async () => {
      const s = await sandbox();
      try {
        const report = await runPipeline(base(s, { corrupt: [{ day: 0, kind }] }));
        const d = report.days[0]!;
        assert.equal(d.status, 'voided');
        assert.equal(d.dispute?.kind, kind);
        assert.equal(d.settled, 0);
        const { ctx, store } = contextOf(s, report);
        const { epoch, onchain } = await loadEpochData(ctx, store, 1);
        assert.equal(epoch.voided, true);
        assert.ok((await tradeStatuses(ctx, 1, onchain.trades.length)).every((x) => x === 'open'));
      } finally {
        await s.done();
      }
    });
  }
});

describe('a participant claims without the operator', () => {
  it('reveals, settles and withdraws its own trades step by step, and is paid exactly what it sold', async () => {
    const s = await sandbox();
    try {
      // The operator posts and relays the readings, then disappears.
      const report = await runPipeline(base(s, { stopAfter: 'relay' }));
      const { ctx, store } = contextOf(s, report);
      const { epoch, onchain } = await loadEpochData(ctx, store, 1);
      const seller = onchain.agentIds[1]!; // market agent 1: a seller
      const owner = ctx.owner(seller);
      const balance = () => ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [owner.address] });
      const test = ctx.testClient();
      const jumpPast = async (t: bigint) => {
        await test.setNextBlockTimestamp({ timestamp: t + 1n });
        await test.mine({ blocks: 1 });
      };

      assert.equal((await claimPlan(ctx, store, 1, seller)).next.kind, 'wait'); // readings still open
      const closes = epoch.readingsCloseAt > epoch.challengeEndsAt ? epoch.readingsCloseAt : epoch.challengeEndsAt;
      await jumpPast(closes);
      const steps: string[] = [];
      const run = async () => {
        for (let i = 0; i < 20; i++) {
          const plan = await claimPlan(ctx, store, 1, seller);
          const next = plan.next;
          if (next.kind === 'done' || next.kind === 'wait') return plan;
          steps.push(next.kind);
          await ctx.sendCalldata(`claim ${next.kind}`, next.tx, owner);
        }
        throw new Error('the claim did not finish in 20 steps');
      };
      let plan = await run();
      assert.deepEqual(steps, ['check']);
      // No buyer has escrowed yet: nothing is sent, the trades wait.
      assert.equal(plan.next.kind, 'done');
      assert.equal(plan.trades.awaitingEscrow, plan.trades.open);
      assert.ok(plan.trades.open > 0);

      // Buyers escrow (the oracle's next run), then the seller claims again.
      await runPipeline(base(s, { stopAfter: 'deposits' }));
      const before = await balance();
      steps.length = 0;
      plan = await run();
      assert.equal(plan.next.kind, 'done');
      assert.deepEqual([...new Set(steps)], ['settle', 'withdraw']);
      assert.equal(plan.trades.open, 0);
      assert.equal(plan.claimable, '0');
      const statuses = await tradeStatuses(ctx, 1, onchain.trades.length);
      const earned = onchain.trades.reduce((sum, t, i) => (t.seller === seller && statuses[i] === 'settled' ? sum + t.value : sum), 0n);
      assert.ok(earned > 0n);
      assert.equal((await balance()) - before, earned);
    } finally {
      await s.done();
    }
  });
});

describe('gas-bounded batches', () => {
  it('splits settlement over several transactions when a block holds fewer trades', async () => {
    const s = await sandbox({ gasLimit: 6_000_000n });
    try {
      const report = await runPipeline(base(s));
      const d = report.days[0]!;
      assert.ok((d.transactionsByStep['settle trades'] ?? 0) >= 2, JSON.stringify(d.transactionsByStep));
      assert.equal(d.settled + d.rejected + d.unpaid, d.generated);
    } finally {
      await s.done();
    }
  });
});

describe('three days on the 33-bus case', () => {
  it('clears, posts and settles each day as its own epoch', async () => {
    const s = await sandbox();
    try {
      const report = await runPipeline(base(s, { case: 'ieee33', days: 3, firstEpoch: 10 }));
      assert.deepEqual(
        report.days.map((d) => [d.epochId, d.status]),
        [
          [10, 'settled'],
          [11, 'settled'],
          [12, 'settled'],
        ],
      );
      for (const d of report.days) assert.equal(d.settled + d.rejected + d.unpaid, d.generated);
      // Each day is a different market (weather and demand vary).
      assert.notEqual(report.days[0]!.welfareUsd, report.days[1]!.welfareUsd);
      const deployment = parseDeployment(JSON.parse(readFileSync(path.join(s.workDir, 'deployments', '31337.json'), 'utf8')));
      assert.equal(deployment.settlement, report.deployment.settlement);
    } finally {
      await s.done();
    }
  });
});
