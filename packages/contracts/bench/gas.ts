// Gas table of the market's on-chain steps, measured from real transaction receipts on a local
// anvil (calldata and the 21,000 base cost included). Prints a table and writes snapshots/gas.md.
import { markdownTable, writeReport } from '@gridmarket/bench';
import { privateKeyToAccount } from 'viem/accounts';
import { clearingLedgerAbi, settlementAbi } from '../src/generated';
import { packRows, rowProof } from '../src/leaves';
import { tariffArgs } from '../src/positions';
import {
  advance,
  dayTrees,
  fundDay,
  type MarketShape,
  overloadDay,
  ownerAddress,
  postDay,
  relayReadings,
  send,
  settleAgents,
  openAccounts,
  startMarket,
  syntheticDay,
} from './scenario';

// The IEEE 14-bus shape of the thesis: 12 sellers, 13 buyers, the grid; 2,808 trades a day, the
// thesis's count.
const SHAPE: MarketShape = { buses: 14, lines: 20, sellers: 12, buyers: 13 };
const THESIS_TRADES = 2808;
const TARGET_PER_TRADE = 1500;
const STRETCH_PER_TRADE = 1000;

async function main() {
  const market = await startMarket(SHAPE);
  try {
    const agents = Array.from({ length: market.agentCount }, (_, i) => i);
    const n = market.agentCount;
    await openAccounts(market, `open every agent's account, once (${n} agents)`);

    // A day of 2,808 trades: deposits, post, readings (two agents deviate), settlement.
    const day = syntheticDay(market, SHAPE, 1, THESIS_TRADES);
    const deposits = await fundDay(market, day, 'deposit');
    const trees = await postDay(market, day, `post an epoch with its schedule (${n} rows)`);
    const readings = day.rows.map((r) => [...r]);
    readings[3]![5]! -= 400; // a seller short 350 Wh beyond the tolerance
    readings[20]![9]! -= 300; // a buyer taking 250 Wh more
    await relayReadings(market, day, agents, `relay ${n} meters' readings`, readings);
    await advance(market, 2 * 3600 + 1);
    const settled = await settleAgents(market, day, trees.scheduleTree, agents, `settle the day's ${n} positions (${THESIS_TRADES} trades, imbalance charged)`, readings);

    // A day of exactly 1,000 trades, settled in one batch.
    const thousand = syntheticDay(market, SHAPE, 2, 1000);
    await fundDay(market, thousand);
    const thousandTrees = await postDay(market, thousand);
    await relayReadings(market, thousand, agents);
    await advance(market, 2 * 3600 + 1);
    await settleAgents(market, thousand, thousandTrees.scheduleTree, agents, 'settle a batch of 1,000 trades');

    const seller = 1;
    const due = (await market.publicClient.readContract({ address: market.deployment.settlement, abi: settlementAbi, functionName: 'accountOf', args: [seller] })).available;
    await send(market, 'withdraw', { address: market.deployment.settlement, abi: settlementAbi, functionName: 'withdraw', args: [seller, due, ownerAddress(market, seller)] }, market.ownerKeys[seller]);

    // A corrupt day: one hour overloads a line; a challenger commits, then proves it from the rows.
    const bad = overloadDay(market, syntheticDay(market, SHAPE, 3, THESIS_TRADES), 13);
    await fundDay(market, bad);
    await postDay(market, bad);
    const challenger = privateKeyToAccount(market.ownerKeys[5]!);
    const salt = `0x${'11'.repeat(32)}` as const;
    const { keccak256, encodeAbiParameters, parseAbiParameters } = await import('viem');
    const commitment = keccak256(encodeAbiParameters(parseAbiParameters('address, uint32, bytes32'), [challenger.address, bad.epochId, salt]));
    await send(market, 'commit a challenge', { address: market.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'commitChallenge', args: [commitment] }, market.ownerKeys[5]);
    await send(market, 'dispute a complete hour (line overload)', {
      address: market.deployment.clearingLedger,
      abi: clearingLedgerAbi,
      functionName: 'disputeLineOverload',
      args: [bad.epochId, 13, packRows(bad.rows), salt],
    }, market.ownerKeys[5]);
    await settleAgents(market, bad, dayTrees(bad).scheduleTree, agents, `refund a voided day (${n} agents)`);

    // A corrupt trade: a consumer "sells" at an inflated value; disputed with the two rows.
    const inflated = syntheticDay(market, SHAPE, 4, 100);
    inflated.trades[0] = { ...inflated.trades[0]!, seller: SHAPE.sellers + 1, buyer: SHAPE.sellers + 2, value: 1_000_000n };
    await fundDay(market, inflated);
    const inflatedTrees = await postDay(market, inflated);
    const t = inflated.trades[0]!;
    await send(market, 'dispute a trade', {
      address: market.deployment.clearingLedger,
      abi: clearingLedgerAbi,
      functionName: 'disputeTrade',
      args: [
        inflated.epochId,
        { tradeIndex: t.tradeIndex, seller: t.seller, buyer: t.buyer, hour: t.hour, energyWh: t.energyWh, value: t.value },
        inflatedTrees.tradeTree.getProof(0) as `0x${string}`[],
        rowProof(inflatedTrees.scheduleTree, t.seller) as never,
        rowProof(inflatedTrees.scheduleTree, t.buyer) as never,
        tariffArgs(inflated.tariff),
        salt,
      ],
    });

    const perItem: Record<string, [number, string]> = {
      [`relay ${n} meters' readings`]: [n, 'meter'],
      [`settle the day's ${n} positions (${THESIS_TRADES} trades, imbalance charged)`]: [THESIS_TRADES, 'trade'],
      'settle a batch of 1,000 trades': [1000, 'trade'],
      [`refund a voided day (${n} agents)`]: [n, 'agent'],
    };
    const depositGas = deposits.reduce((sum, l) => sum + Number(market.receipts.get(l)!.gasUsed), 0);
    const rows = [...market.receipts.entries()]
      .filter(([step]) => !deposits.includes(step))
      .map(([step, r]) => {
        const per = perItem[step];
        return [step, Number(r.gasUsed).toLocaleString('en-US'), per ? `${Math.round(Number(r.gasUsed) / per[0]).toLocaleString('en-US')} / ${per[1]}` : ''];
      });
    rows.splice(2, 0, [`deposit what posting locks (${deposits.length} agents)`, depositGas.toLocaleString('en-US'), `${Math.round(depositGas / deposits.length).toLocaleString('en-US')} / agent`]);
    const per1000 = Number(market.receipts.get('settle a batch of 1,000 trades')!.gasUsed) / 1000;
    const perDay = Number(settled.gasUsed) / THESIS_TRADES;
    const verdict = (v: number) => (v <= STRETCH_PER_TRADE ? 'met, and the stretch target ≤ 1,000 too' : v <= TARGET_PER_TRADE ? 'met' : 'NOT met');
    const lines = [
      '# Gas per on-chain step',
      '',
      `Measured from transaction receipts on anvil (gas used includes the 21,000 base cost and calldata).`,
      `Market: ${SHAPE.buses} buses, ${SHAPE.lines} lines, ${n} agents (grid + ${SHAPE.sellers} sellers + ${SHAPE.buyers} buyers), ${THESIS_TRADES} trades in the day.`,
      `Settlement is per agent and day (its schedule row against its reading), so its cost grows with agents, not trades;`,
      `"per trade" divides the settlement of all positions by the trades they settle.`,
      '',
      markdownTable(['step', 'gas used', 'per item'], rows),
      '',
      `Settlement per trade: ${Math.round(perDay).toLocaleString('en-US')} gas for the ${THESIS_TRADES}-trade day, ${Math.round(per1000).toLocaleString('en-US')} for the 1,000-trade batch (target ≤ ${TARGET_PER_TRADE.toLocaleString('en-US')}: ${verdict(Math.max(perDay, per1000))}).`,
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
