// Gas table of the market's on-chain steps, measured from real transaction receipts on a local
// anvil (calldata and the 21,000 base cost included). Prints a table and writes snapshots/gas.md.
import { markdownTable, writeReport } from '@gridmarket/bench';
import { clearingLedgerAbi, settlementAbi } from '../src/generated';
import { scheduleMultiProof } from '../src/leaves';
import {
  advance,
  checkLeaves,
  fundBuyers,
  type MarketShape,
  ownerAddress,
  postDay,
  relayReadings,
  send,
  settleRange,
  startMarket,
  syntheticDay,
} from './scenario';

// The IEEE 14-bus shape of the thesis: 12 sellers, 13 buyers, the grid; 117 trades an hour gives
// 2,808 trades a day, the thesis's count.
const SHAPE: MarketShape = { buses: 14, lines: 20, sellers: 12, buyers: 13 };
const TRADES_PER_HOUR = 117;
const TARGET_PER_TRADE = 3000;

async function main() {
  const market = await startMarket(SHAPE);
  try {
    const day = syntheticDay(market, SHAPE, 1, TRADES_PER_HOUR);
    const { scheduleTree, tradeTree } = await postDay(market, day, 'post an epoch');
    const agents = Array.from({ length: market.agentCount }, (_, i) => i);
    await relayReadings(market, day, agents.slice(1), "relay 25 meters' readings");
    await relayReadings(market, day, [0]);
    await advance(market, 2 * 3600 + 1);
    await checkLeaves(market, day, scheduleTree, Array.from({ length: day.schedule.length }, (_, i) => i), 'check a day of schedule leaves');
    await fundBuyers(market, day);
    await settleRange(market, day, tradeTree, 0, 100, 'settle a batch of 100 trades');
    await settleRange(market, day, tradeTree, 100, 1000, 'settle a batch of 1,000 trades');
    const seller = 1;
    await send(market, 'withdraw', { address: market.deployment.settlement, abi: settlementAbi, functionName: 'withdraw', args: [seller, ownerAddress(market, seller)] }, market.ownerKeys[seller]);

    // A corrupt day: one hour does not balance; a challenger proves it from that hour's leaves.
    const bad = syntheticDay(market, SHAPE, 2, TRADES_PER_HOUR, 13);
    const badTrees = await postDay(market, bad);
    const hourLeaves = bad.schedule.flatMap((e, i) => (e.hour === 13 ? [i] : []));
    const mp = scheduleMultiProof(badTrees.scheduleTree, hourLeaves);
    await send(market, 'dispute an imbalanced hour', {
      address: market.deployment.clearingLedger,
      abi: clearingLedgerAbi,
      functionName: 'disputeHour',
      args: [bad.epochId, 13, mp.leaves, mp.proof, mp.proofFlagBits],
    });

    const perItem: Record<string, number> = {
      "relay 25 meters' readings": 25,
      'check a day of schedule leaves': day.schedule.length,
      'settle a batch of 100 trades': 100,
      'settle a batch of 1,000 trades': 1000,
    };
    const unit: Record<string, string> = {
      "relay 25 meters' readings": 'meter',
      'check a day of schedule leaves': 'leaf',
      'settle a batch of 100 trades': 'trade',
      'settle a batch of 1,000 trades': 'trade',
    };
    const rows = [...market.receipts.entries()].map(([step, r]) => {
      const n = perItem[step];
      return {
        step,
        gas: Number(r.gasUsed),
        per: n ? `${Math.round(Number(r.gasUsed) / n).toLocaleString('en-US')} / ${unit[step]}` : '',
      };
    });
    const per1000 = Number(market.receipts.get('settle a batch of 1,000 trades')!.gasUsed) / 1000;
    const lines = [
      '# Gas per on-chain step',
      '',
      `Measured from transaction receipts on anvil (gas used includes the 21,000 base cost and calldata).`,
      `Market: ${SHAPE.buses} buses, ${SHAPE.lines} lines, ${market.agentCount} agents (grid + ${SHAPE.sellers} sellers + ${SHAPE.buyers} buyers), ${day.trades.length} trades in the day.`,
      '',
      markdownTable(
        ['step', 'gas used', 'per item'],
        rows.map((r) => [r.step, r.gas.toLocaleString('en-US'), r.per]),
      ),
      '',
      `Settlement of a 1,000-trade batch: ${Math.round(per1000).toLocaleString('en-US')} gas per trade (target ≤ ${TARGET_PER_TRADE.toLocaleString('en-US')}: ${per1000 <= TARGET_PER_TRADE ? 'met' : 'NOT met'}).`,
      `One transaction per trade, as in the thesis, would cost at least 21,000 gas per trade for the base fee alone.`,
      '',
    ];
    writeReport('snapshots/gas.md', lines.join('\n'));
  } finally {
    await market.chain.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
