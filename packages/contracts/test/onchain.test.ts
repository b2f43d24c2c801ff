// Cross-language check on a real node: trees built with @openzeppelin/merkle-tree, readings signed
// with viem's EIP-712, and flags packed in TypeScript are accepted by the deployed contracts, and
// a tampered input is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BaseError, ContractFunctionRevertedError } from 'viem';
import { clearingLedgerAbi, meterReadingsAbi, settlementAbi } from '../src/generated';
import { scheduleMultiProof, tradeMultiProof } from '../src/leaves';
import {
  advance,
  checkLeaves,
  type Day,
  fundBuyers,
  type Market,
  type MarketShape,
  postDay,
  relayReadings,
  send,
  settleRange,
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

describe('contracts on anvil, driven from TypeScript', () => {
  let market: Market;
  let day: Day;
  let trees: Awaited<ReturnType<typeof postDay>>;

  before(async () => {
    market = await startMarket(SHAPE);
    day = syntheticDay(market, SHAPE, 42, 6);
    trees = await postDay(market, day);
  });
  after(async () => market?.chain.stop());

  it('stores the roots the TypeScript trees compute', async () => {
    const epoch = await market.publicClient.readContract({
      address: market.deployment.clearingLedger,
      abi: clearingLedgerAbi,
      functionName: 'epoch',
      args: [day.epochId],
    });
    assert.equal(epoch.scheduleRoot, trees.scheduleTree.root);
    assert.equal(epoch.tradeRoot, trees.tradeTree.root);
  });

  it('computes the same EIP-712 digest for a reading as viem signs', async () => {
    const [reading] = await signedReadings(market, day, [1]);
    await relayReadings(market, day, [1, 2, 3, 4, 5, 6, 7, 0]);
    const stored = await market.publicClient.readContract({
      address: market.deployment.meterReadings,
      abi: meterReadingsAbi,
      functionName: 'readings',
      args: [day.epochId, 1],
    });
    assert.deepEqual([...stored], reading!.energyWh);
  });

  it('refuses a replayed reading with its specific error', async () => {
    await assert.rejects(relayReadings(market, day, [1]), (err) => revertName(err) === 'ReadingAlreadySubmitted');
  });

  it('verifies a schedule multiproof and records every hour as passed', async () => {
    await advance(market, 2 * 3600 + 1);
    await checkLeaves(market, day, trees.scheduleTree, day.schedule.map((_, i) => i));
    for (const agentId of [0, 3, 7]) {
      const bits = await market.publicClient.readContract({
        address: market.deployment.meterReadings,
        abi: meterReadingsAbi,
        functionName: 'checkBits',
        args: [day.epochId, agentId],
      });
      assert.equal(BigInt(bits), (1n << 48n) - 1n);
    }
  });

  it('refuses a trade whose value was changed after the tree was built', async () => {
    const mp = tradeMultiProof(trees.tradeTree, [0, 1, 2]);
    mp.words[1] = mp.words[1]! + (1n << 136n);
    await assert.rejects(
      send(market, '', {
        address: market.deployment.settlement,
        abi: settlementAbi,
        functionName: 'settleTrades',
        args: [day.epochId, mp.words, mp.proof, mp.proofFlagBits],
      }),
      (err) => revertName(err) === 'InvalidTradeProof',
    );
  });

  it('settles every trade of the day in two batches and pays each seller its trades', async () => {
    await fundBuyers(market, day);
    await settleRange(market, day, trees.tradeTree, 0, 50);
    await settleRange(market, day, trees.tradeTree, 50, day.trades.length - 50);
    const progress = await market.publicClient.readContract({
      address: market.deployment.settlement,
      abi: settlementAbi,
      functionName: 'epochSettlement',
      args: [day.epochId],
    });
    assert.equal(progress.settled, day.trades.length);
    const due = new Map<number, bigint>();
    for (const t of day.trades) due.set(t.seller, (due.get(t.seller) ?? 0n) + t.value);
    for (const [seller, value] of due) {
      const claimable = await market.publicClient.readContract({
        address: market.deployment.settlement,
        abi: settlementAbi,
        functionName: 'claimableOf',
        args: [seller],
      });
      assert.equal(claimable, value);
    }
  });

  it('voids a day whose hour does not balance, from a TypeScript-built multiproof', async () => {
    const bad = syntheticDay(market, SHAPE, 43, 6, 5);
    const badTrees = await postDay(market, bad);
    const mp = scheduleMultiProof(badTrees.scheduleTree, bad.schedule.flatMap((e, i) => (e.hour === 5 ? [i] : [])));
    await send(market, '', {
      address: market.deployment.clearingLedger,
      abi: clearingLedgerAbi,
      functionName: 'disputeHour',
      args: [bad.epochId, 5, mp.leaves, mp.proof, mp.proofFlagBits],
    });
    const epoch = await market.publicClient.readContract({
      address: market.deployment.clearingLedger,
      abi: clearingLedgerAbi,
      functionName: 'epoch',
      args: [bad.epochId],
    });
    assert.equal(epoch.voided, true);
  });
});
