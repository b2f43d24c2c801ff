// The pipeline on a real node (anvil): a full day with faulty meters in both settlement modes,
// idempotent re-runs, resumption after a kill or a stopped chain, readings that must be refused,
// a faulty oracle refused or disputed, a participant settling and claiming on its own, gas-bounded
// batches, and three days on the 33-bus case.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { meterReadingsAbi, parseDeployment, participantRegistryAbi, settlementAbi, settlementTokenAbi, settlePosition } from '@gridmarket/contracts';
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
  readEpochBook,
  readEpochPositions,
  readStoredReadings,
  revertName,
  runPipeline,
  signReading,
  StoppedError,
  tokenBooks,
  tradeStatuses,
  unbalancedBooks,
} from '../src/index';
import { type Sandbox, sandbox } from './helpers';

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

/** Every token is accounted for: minted = held by settlement + held by owners; held = balances + pots. */
async function assertConserved(ctx: ChainContext, agentIds: readonly number[], epochIds: readonly number[]) {
  const books = await tokenBooks(ctx, agentIds, epochIds);
  assert.deepEqual(unbalancedBooks(books), []);
  assert.equal(books.held, books.available + books.pots);
  assert.equal(books.supply, books.held + books.owners);
  return books;
}

// Market agents: 0 grid, 1–12 sellers, 13–25 buyers.
const faults = [
  { agent: 2, kind: 'bias' as const, amountWh: 400 },
  { agent: 16, kind: 'spike' as const, hour: 19, amountWh: 900 },
  { agent: 20, kind: 'outage' as const },
];

describe('a 14-bus day with faulty meters, imbalance settlement', () => {
  let s: Sandbox;
  let report: PipelineReport;
  before(async () => {
    s = await sandbox();
    report = await runPipeline(base(s, { faults }));
  });
  after(() => s.done());

  it('settles every position: every trade is paid at the day-ahead price, deviations are charged', () => {
    const d = report.days[0]!;
    assert.equal(d.status, 'settled');
    assert.equal(d.mode, 'imbalance');
    assert.ok(d.generated > 2500);
    assert.equal(d.settled, d.generated);
    assert.equal(d.rejected, 0);
    assert.ok(d.verified < d.generated && d.verified > 2000, `verified ${d.verified}`);
    // The biased seller's surplus is credited; the outage and the spike are charged.
    assert.ok(d.money.imbalance.surplusCredited > 0);
    assert.ok(d.money.imbalance.shortfallCharged + d.money.imbalance.shortfallUncollected > 0);
    assert.ok(d.transactions <= 120, `${d.transactions} transactions`);
  });

  it('pays every position exactly as the settlement rule says, and the audit agrees', async () => {
    const { ctx, store } = contextOf(s, report);
    const audit = await auditEpoch(ctx, store, 1);
    assert.equal(audit.roots.match, true);
    assert.equal(audit.commitments.match, true);
    assert.deepEqual(audit.violations, []);
    assert.deepEqual(audit.settlement.disagreements, []);
    assert.equal(audit.settlement.settled, 26);
    assert.equal(audit.ok, true);
    // The outage agent (20) had no reading: every hour it was scheduled is charged at the shortfall price.
    const { onchain, epoch } = await loadEpochData(ctx, store, 1);
    const positions = await readEpochPositions(ctx, 1);
    const outage = positions.settled.get(onchain.agentIds[20]!)!;
    assert.ok(outage.passed.every((p) => !p));
    const expected = settlePosition({ mode: 'imbalance', isGrid: false, toleranceWh: epoch.toleranceWh, row: onchain.rows[20]!, measured: undefined, tariff: onchain.tariff });
    assert.equal(outage.shortfallCharged + outage.shortfallUncollected, expected.shortfallCharge);
    assert.ok(expected.shortfallCharge > 0n);
  });

  it('conserves tokens, to the base unit', async () => {
    const { ctx } = contextOf(s, report);
    const { onchain } = await loadEpochData(ctx, new DocumentStore(path.join(s.workDir, 'store')), 1);
    const books = await assertConserved(ctx, onchain.agentIds, [1]);
    assert.equal(books.pots, 0n); // the epoch closed: dust and the unused reserve went to the grid agent
    assert.equal(books.locked, 0n);
  });

  it('does nothing on a second run: no transaction is sent twice', async () => {
    const again = await runPipeline(base(s, { faults }));
    const d = again.days[0]!;
    assert.equal(d.transactions, 0, JSON.stringify(d.transactionsByStep));
    assert.equal(d.settled, report.days[0]!.settled);
  });
});

describe('a 14-bus day with faulty meters, thesis settlement', () => {
  it('rejects the trades of a seller outside the tolerance and still charges a buyer outside it', async () => {
    const s = await sandbox();
    try {
      const report = await runPipeline(base(s, { faults, mode: 'thesis' }));
      const d = report.days[0]!;
      assert.equal(d.status, 'settled');
      assert.ok(d.rejected > 0 && d.rejected === d.rejectedBy.seller);
      assert.equal(d.settled + d.rejected, d.generated);
      assert.equal(d.money.imbalance.shortfallCharged + d.money.imbalance.surplusCredited, 0);
      assert.ok(d.money.forfeited > 0);
      const { ctx, store } = contextOf(s, report);
      const { onchain, epoch } = await loadEpochData(ctx, store, 1);
      const positions = await readEpochPositions(ctx, 1);
      const statuses = tradeStatuses(onchain.trades, positions, epoch);
      onchain.trades.forEach((t, i) => {
        const sellerPassed = positions.settled.get(t.seller)!.passed[t.hour]!;
        const grid = t.seller === epoch.gridAgent;
        assert.equal(statuses[i]!.status, sellerPassed || grid ? 'settled' : 'rejected', `trade ${i}`);
      });
      // The outage buyer (20) failed every hour, and paid its whole schedule all the same.
      const outage = positions.settled.get(onchain.agentIds[20]!)!;
      assert.ok(outage.passed.every((p) => !p) && outage.lock > 0n);
      assert.equal((await auditEpoch(ctx, store, 1)).ok, true);
      await assertConserved(ctx, onchain.agentIds, [1]);
    } finally {
      await s.done();
    }
  });
});

describe('resuming', () => {
  it('continues after being killed between any two transactions, and settles every position once', async () => {
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
      assert.ok(report && kills >= 4, `finished after ${kills} kills`);
      const { ctx, store } = contextOf(s, report);
      const { onchain } = await loadEpochData(ctx, store, 1);
      const positions = await readEpochPositions(ctx, 1);
      // One PositionSettled per agent, and the book counts each once.
      assert.equal(positions.settled.size, onchain.agentIds.length);
      const book = await readEpochBook(ctx, 1);
      assert.equal(book.settledAgents, onchain.agentIds.length);
      assert.equal(book.credited, [...positions.settled.values()].reduce((sum, p) => sum + p.credit, 0n));
      assert.equal((await auditEpoch(ctx, store, 1)).ok, true);
      const books = await assertConserved(ctx, onchain.agentIds, [1]);
      assert.equal(books.available, 0n); // everyone withdrew
    } finally {
      await s.done();
    }
  });

  it('resumes on the embedded chain after it was stopped mid-run (state kept with --persist)', async () => {
    const s = await sandbox();
    try {
      const options = { ...base(s), persistChain: true } as PipelineOptions;
      delete options.rpcUrl;
      await assert.rejects(runPipeline({ ...options, maxTransactions: 70 }), StoppedError);
      const report = await runPipeline(options);
      const d = report.days[0]!;
      assert.equal(d.status, 'settled');
      assert.equal(d.settled + d.rejected, d.generated);
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
        await assert.rejects(runPipeline(base(s)), { name: 'ChainUnavailableError', message: /^chain 31337 has no contract at the deployment's networkRegistry 0x[0-9a-fA-F]{40}, .* \(\S+\): was the chain reset or the deployment made elsewhere\?; deploy again or point at the right chain$/ });
      } finally {
        await fresh.stop();
      }
    } finally {
      await s.done();
    }
  });
});

describe('readings that must be refused', () => {
  it('refuses a forged reading (wrong key): the agent is settled as having no reading', async () => {
    const s = await sandbox();
    try {
      const report = await runPipeline(base(s, { faults: [{ agent: 3, kind: 'wrong-key' }] }));
      const d = report.days[0]!;
      assert.deepEqual(d.readings.rejected, [{ agentId: 3, reason: 'InvalidMeterSignature' }]);
      const { ctx, store } = contextOf(s, report);
      const { onchain } = await loadEpochData(ctx, store, 1);
      const p = (await readEpochPositions(ctx, 1)).settled.get(onchain.agentIds[3]!)!;
      assert.ok(p.passed.every((x) => !x));
      assert.ok(p.shortfallCharged + p.shortfallUncollected > 0n);
    } finally {
      await s.done();
    }
  });

  it('skips a replay, refuses a revoked and a rotated-out key, and lets the registrar clear a stolen key\'s reading', async () => {
    const s = await sandbox();
    try {
      const posted = await runPipeline(base(s, { stopAfter: 'post' }));
      assert.equal(posted.days[0]!.status, 'waiting');
      const { ctx, store } = contextOf(s, posted);
      const submit = (r: Awaited<ReturnType<typeof signReading>>) =>
        ctx.send('relay readings', { address: ctx.deployment.meterReadings, abi: meterReadingsAbi, functionName: 'submitReadings', args: [[r]] });
      const zeros = Array.from({ length: 24 }, () => 0);
      const reading = (agentId: number, generation: number, values = zeros) =>
        signReading(ctx.meter(agentId, generation), ctx.deployment.chainId, ctx.deployment.meterReadings, { epochId: 1, agentId, energyWh: values });

      // A replay is skipped, not reverted.
      const first = await reading(1, 0);
      await submit(first);
      const replay = await submit(first);
      assert.equal(replay.status, 'success');

      await ctx.send('revoke meter', { address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'revokeMeter', args: [5] });
      await assert.rejects(submit(await reading(5, 0)), (err) => revertName(err) === 'MeterKeyRevoked');

      await ctx.send('rotate meter', { address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'rotateMeter', args: [7, ctx.meter(7, 1).address] });
      await assert.rejects(submit(await reading(7, 0)), (err) => revertName(err) === 'RetiredMeterKey');

      // A thief with agent 9's key reports nothing delivered; the registrar rotates the key and
      // clears the reading within the window; the genuine meter's reading goes in.
      await submit(await reading(9, 0));
      await ctx.send('rotate meter', { address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'rotateMeter', args: [9, ctx.meter(9, 1).address] });
      await ctx.send('clear readings', { address: ctx.deployment.meterReadings, abi: meterReadingsAbi, functionName: 'clearReadings', args: [1, 9, ctx.meter(9, 0).address, zeros] });
      assert.equal(await ctx.publicClient.readContract({ address: ctx.deployment.meterReadings, abi: meterReadingsAbi, functionName: 'hasReadings', args: [1, 9] }), false);

      // The rest of the day: the relayer skips what is on chain, reports agent 5, uses agents 7's
      // and 9's new keys.
      const report = await runPipeline(base(s));
      const d = report.days[0]!;
      assert.deepEqual(d.readings.rejected, [{ agentId: 5, reason: 'MeterKeyRevoked' }]);
      assert.equal(d.readings.submitted, 24); // 26 agents: 1 was relayed by hand, 5 has no key
      const { onchain } = await loadEpochData(ctx, store, 1);
      const readings = await readStoredReadings(ctx, 1, onchain.agentIds);
      assert.equal(readings.get(9)!.meter, ctx.meter(9, 1).address);
      assert.deepEqual(readings.get(1)!.energyWh, zeros);
    } finally {
      await s.done();
    }
  });
});

describe('a faulty oracle', () => {
  it('cannot post an unbalanced hour: the ledger refuses it', async () => {
    const s = await sandbox();
    try {
      const report = await runPipeline(base(s, { corrupt: [{ day: 0, kind: 'imbalance' }] }));
      const d = report.days[0]!;
      assert.equal(d.status, 'refused');
      assert.match(d.refusal!, /UnbalancedHour/);
    } finally {
      await s.done();
    }
  });

  for (const kind of ['overload', 'trade'] as const) {
    it(`is disputed when it posts ${kind === 'overload' ? 'an overloaded line' : 'an unjustified trade'}: its epoch pays nothing, every lock comes back, the watcher earns its share`, async () => {
      const s = await sandbox();
      try {
        const report = await runPipeline(base(s, { corrupt: [{ day: 0, kind }] }));
        const d = report.days[0]!;
        assert.equal(d.status, 'voided');
        assert.equal(d.dispute?.kind, kind);
        assert.equal(d.settled, 0);
        assert.equal(d.money.credited, 0);
        const { ctx, store } = contextOf(s, report);
        const { epoch, onchain } = await loadEpochData(ctx, store, 1);
        assert.equal(epoch.voided, true);
        const positions = await readEpochPositions(ctx, 1);
        assert.equal(positions.refunded.size, onchain.agentIds.length);
        assert.ok(tradeStatuses(onchain.trades, positions, epoch).every((x) => x.status === 'voided'));
        const books = await assertConserved(ctx, onchain.agentIds, [1]);
        assert.equal(books.locked, 0n);
        // The watcher committed first: it earned the challenger's share of the bond.
        const events = await ctx.publicClient.getContractEvents({ address: ctx.deployment.clearingLedger, abi: (await import('@gridmarket/contracts')).clearingLedgerAbi, eventName: 'EpochVoided', fromBlock: 0n });
        assert.equal(events[0]!.args.challenger, ctx.challenger().address);
        assert.equal(events[0]!.args.reward, ctx.deployment.minBond / 2n);
      } finally {
        await s.done();
      }
    });
  }
});

describe('a participant claims without the operator', () => {
  it('settles its own position and withdraws, and is paid exactly what the settlement rule says', async () => {
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

      const waiting = await claimPlan(ctx, store, 1, seller);
      assert.equal(waiting.next.kind, 'wait');
      const opens = epoch.readingsCloseAt > epoch.challengeEndsAt ? epoch.readingsCloseAt : epoch.challengeEndsAt;
      await test.setNextBlockTimestamp({ timestamp: opens + 1n });
      await test.mine({ blocks: 1 });

      const before = await balance();
      const steps: string[] = [];
      let plan = await claimPlan(ctx, store, 1, seller);
      for (let i = 0; i < 5 && plan.next.kind !== 'done'; i++) {
        assert.ok(plan.next.kind === 'settle' || plan.next.kind === 'withdraw', plan.next.description);
        steps.push(plan.next.kind);
        await ctx.sendCalldata(`claim ${plan.next.kind}`, plan.next.tx, owner);
        plan = await claimPlan(ctx, store, 1, seller);
      }
      assert.deepEqual(steps, ['settle', 'withdraw']);
      assert.equal(plan.settled, true);
      assert.equal(plan.available, '0');
      const readings = await readStoredReadings(ctx, 1, [seller]);
      const p = settlePosition({ mode: 'imbalance', isGrid: false, toleranceWh: epoch.toleranceWh, row: onchain.rows[1]!, measured: readings.get(seller)?.energyWh, tariff: onchain.tariff });
      assert.ok(p.credit > 0n);
      assert.equal((await balance()) - before, p.credit + p.surplusCredit - p.shortfallCharge);
      assert.equal(await ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'isSettled', args: [1, seller] }), true);
    } finally {
      await s.done();
    }
  });
});

describe('gas-bounded batches', () => {
  it('splits readings and settlement over several transactions when a block holds less', async () => {
    const s = await sandbox();
    try {
      // Deploy, register and post with room to spare, then shrink the blocks: the relayer and
      // the settler must split their batches to fit.
      const posted = await runPipeline(base(s, { stopAfter: 'post' }));
      const { ctx } = contextOf(s, posted);
      await ctx.testClient().setBlockGasLimit({ gasLimit: 600_000n });
      await ctx.testClient().mine({ blocks: 1 });
      const report = await runPipeline(base(s));
      const d = report.days[0]!;
      assert.equal(d.status, 'settled');
      assert.ok((d.transactionsByStep['settle positions'] ?? 0) >= 2, JSON.stringify(d.transactionsByStep));
      assert.ok((d.transactionsByStep['relay readings'] ?? 0) >= 2, JSON.stringify(d.transactionsByStep));
      assert.equal(d.settled + d.rejected, d.generated);
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
      for (const d of report.days) assert.equal(d.settled + d.rejected, d.generated);
      // Each day is a different market (weather and demand vary).
      assert.notEqual(report.days[0]!.welfareUsd, report.days[1]!.welfareUsd);
      const deployment = parseDeployment(JSON.parse(readFileSync(path.join(s.workDir, 'deployments', '31337.json'), 'utf8')));
      assert.equal(deployment.settlement, report.deployment.settlement);
      const { ctx } = contextOf(s, report);
      const { onchain } = await loadEpochData(ctx, new DocumentStore(path.join(s.workDir, 'store')), 10);
      await assertConserved(ctx, onchain.agentIds, [10, 11, 12]);
    } finally {
      await s.done();
    }
  });
});
