// Cross-language check on a real node: the trees built with @openzeppelin/merkle-tree, the rows
// packed in TypeScript, the readings signed with viem's EIP-712 and the settlement rule written in
// TypeScript (src/positions.ts) agree with what the deployed contracts compute, and a tampered
// input is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BaseError, ContractFunctionRevertedError, decodeEventLog, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { clearingLedgerAbi, meterReadingsAbi, settlementAbi } from '../src/generated';
import { packRows, scheduleMultiProof } from '../src/leaves';
import { epochCommitments, passedHours, readingCommitment, settlePosition, type SettlementMode, tariffArgs, tariffHash } from '../src/positions';
import {
  advance,
  type Day,
  dayTrees,
  fundDay,
  type Market,
  type MarketShape,
  overloadDay,
  postDay,
  relayReadings,
  send,
  settleAgents,
  signedReadings,
  startMarket,
  syntheticDay,
} from '../bench/scenario';

const SHAPE: MarketShape = { buses: 5, lines: 6, sellers: 3, buyers: 4 };

function revertName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : undefined;
}

/** Readings that keep to the schedule except where `deviate` moves them (and who has none). */
function readingsFor(day: Day, deviate: (agent: number, hour: number) => number, silent: number[] = []): (number[] | undefined)[] {
  return day.rows.map((row, a) => (silent.includes(a) ? undefined : row.map((wh, h) => wh + deviate(a, h))));
}

describe('contracts on anvil, driven from TypeScript', () => {
  let market: Market;
  const agents = () => Array.from({ length: market.agentCount }, (_, i) => i);

  before(async () => {
    market = await startMarket(SHAPE);
  });
  after(async () => market?.chain.stop());

  const epoch = (epochId: number) =>
    market.publicClient.readContract({ address: market.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'epoch', args: [epochId] });

  it('stores the schedule root of the TypeScript tree, the tariff hash and the commitments computed here', async () => {
    const day = syntheticDay(market, SHAPE, 1, 200);
    await fundDay(market, day);
    const trees = await postDay(market, day);
    const e = await epoch(day.epochId);
    assert.equal(e.scheduleRoot, trees.scheduleTree.root);
    assert.equal(e.tradeRoot, trees.tradeTree.root);
    assert.equal(e.tariffHash, tariffHash(day.tariff));
    const c = epochCommitments(day.rows, 0, day.tariff, day.mode);
    assert.equal(e.lockedValue, c.lockedValue);
    assert.equal(e.supplyValue, c.supplyValue);
    assert.equal(e.supplyWh, c.supplyWh);
    assert.equal(e.reserve, c.reserve);
  });

  it('stores the reading commitment computed here, and skips a copied reading instead of reverting', async () => {
    const day = syntheticDay(market, SHAPE, 2, 100);
    await fundDay(market, day);
    await postDay(market, day);
    const [reading] = await signedReadings(market, day, [1]);
    await relayReadings(market, day, [1]);
    const [stored] = await market.publicClient.readContract({
      address: market.deployment.meterReadings,
      abi: meterReadingsAbi,
      functionName: 'commitments',
      args: [day.epochId, [1]],
    });
    assert.equal(stored, readingCommitment(privateKeyToAccount(market.meterKeys[1]!).address, reading!.energyWh));
    const receipt = await relayReadings(market, day, [1, 2]);
    const skipped = receipt.logs.flatMap((l) => {
      try {
        const ev = decodeEventLog({ abi: meterReadingsAbi, data: l.data, topics: l.topics });
        return ev.eventName === 'ReadingSkipped' ? [ev.args.agentId] : [];
      } catch {
        return [];
      }
    });
    assert.deepEqual(skipped, [1]);
  });

  for (const mode of ['imbalance', 'thesis'] as SettlementMode[]) {
    it(`settles every position (${mode} mode) exactly as settlePosition computes it`, async () => {
      const day = syntheticDay(market, SHAPE, mode === 'imbalance' ? 3 : 4, 300, mode);
      await fundDay(market, day);
      // Spare balance for imbalance charges.
      const trees = await postDay(market, day);
      // Agent 1 short by 400 Wh at hour 2, agent 5 takes 300 Wh more at hour 7, agent 6 drifts within
      // the tolerance, agent 7's meter never reports, the grid (0) is off by 900 Wh.
      const readings = readingsFor(day, (a, h) => (a === 1 && h === 2 ? -400 : a === 5 && h === 7 ? -300 : a === 6 ? 40 : a === 0 && h === 1 ? 900 : 0), [7]);
      const reporting = agents().filter((a) => readings[a]);
      await relayReadings(market, day, reporting, '', readings as number[][]);
      await advance(market, 2 * 3600 + 1);
      const receipt = await settleAgents(market, day, trees.scheduleTree, agents(), '', readings);
      const events = receipt.logs.flatMap((l) => {
        try {
          const ev = decodeEventLog({ abi: settlementAbi, data: l.data, topics: l.topics });
          return ev.eventName === 'PositionSettled' ? [ev.args] : [];
        } catch {
          return [];
        }
      });
      assert.equal(events.length, market.agentCount);
      const e = await epoch(day.epochId);
      for (const ev of events) {
        const p = settlePosition({ mode, isGrid: ev.agentId === 0, toleranceWh: e.toleranceWh, row: day.rows[ev.agentId]!, measured: readings[ev.agentId], tariff: day.tariff });
        assert.deepEqual(
          { lock: ev.lock, credit: ev.credit, forfeit: ev.forfeit, surplusCredit: ev.surplusCredit, charge: ev.shortfallCharged + ev.shortfallUncollected, passed: passedHours(ev.passedMask) },
          { lock: p.lock, credit: p.credit, forfeit: p.forfeit, surplusCredit: p.surplusCredit, charge: p.shortfallCharge, passed: p.passed },
          `agent ${ev.agentId}`,
        );
      }
      if (mode === 'imbalance') assert.ok(events.some((ev) => ev.shortfallCharged + ev.shortfallUncollected > 0n), 'some imbalance was charged');
      else assert.ok(events.some((ev) => ev.forfeit > 0n), 'some hour was forfeited');
    });
  }

  it('refuses a row changed after the tree was built', async () => {
    const day = syntheticDay(market, SHAPE, 5, 100);
    await fundDay(market, day);
    const trees = await postDay(market, day);
    await advance(market, 2 * 3600 + 1);
    const mp = scheduleMultiProof(trees.scheduleTree, [1, 2]);
    const rows = mp.rows.map((r) => [...r]);
    rows[0]![0]! += 1;
    await assert.rejects(
      send(market, '', {
        address: market.deployment.settlement,
        abi: settlementAbi,
        functionName: 'settleAgents',
        args: [day.epochId, { agentIds: mp.agentIds, scheduleWh: packRows(rows), meters: mp.agentIds.map(() => '0x0000000000000000000000000000000000000000' as Hex), measuredWh: packRows(rows) }, mp.proof, mp.proofFlagBits, tariffArgs(day.tariff)],
      }),
      (err) => revertName(err) === 'InvalidScheduleProof',
    );
  });

  it('voids a day that overloads a line, from rows packed in TypeScript', async () => {
    const bad = overloadDay(market, syntheticDay(market, SHAPE, 6, 100), 5);
    await fundDay(market, bad);
    await postDay(market, bad);
    await send(market, '', {
      address: market.deployment.clearingLedger,
      abi: clearingLedgerAbi,
      functionName: 'disputeLineOverload',
      args: [bad.epochId, 5, packRows(bad.rows), `0x${'00'.repeat(32)}`],
    });
    assert.equal((await epoch(bad.epochId)).voided, true);
    // Every lock comes back to its agent.
    await settleAgents(market, bad, dayTrees(bad).scheduleTree, agents(), '', bad.rows.map(() => undefined));
    const book = await market.publicClient.readContract({ address: market.deployment.settlement, abi: settlementAbi, functionName: 'epochBook', args: [bad.epochId] });
    assert.equal(book.pot, 0n);
    assert.equal(book.credited, 0n);
  });
});
