// Gas of a 1,000-agent market day on anvil, every step in total: registration, deposits, posting
// (the 1,000-row schedule as calldata), readings, settlement, withdrawals. The network has the size
// of the clearing package's synthetic network (120 buses, 159 lines); the day is synthetic (random
// trades and the schedule they imply), which is all the gas depends on. Prints the table and writes
// snapshots/gas-1000.md.
import { markdownTable, writeReport } from '@gridmarket/bench';
import { settlementAbi } from '../src/generated';
import { advance, dayTrees, fundDay, type Market, type MarketShape, openAccounts, ownerAddress, postDay, relayReadings, send, settleAgents, startMarket, syntheticDay } from './scenario';

const SHAPE: MarketShape = { buses: 120, lines: 159, sellers: 499, buyers: 500 };
const TRADES = 50_000;
const SETTLEMENT_TARGET = 30_000_000;
const READINGS_PER_TX = 200;
const POSITIONS_PER_TX = 500;

const total = (market: Market, labels: readonly string[]) => labels.reduce((s, l) => s + Number(market.receipts.get(l)!.gasUsed), 0);
const fmt = (n: number) => n.toLocaleString('en-US');

async function main() {
  const t0 = performance.now();
  // A block large enough for the network's registration (its PTDF, 19,080 entries, is stored whole): the table says what it costs.
  const market = await startMarket(SHAPE, 1, ['--gas-limit', '500000000']);
  try {
    const n = market.agentCount;
    const agents = Array.from({ length: n }, (_, i) => i);
    const rows: string[][] = [];
    const registration = [...market.receipts.keys()];
    rows.push([`register the network and an agent (of ${n})`, fmt(total(market, registration)), '']);
    const opened = await openAccounts(market, 'open accounts');
    rows.push([`open every agent's account, once (${opened.length} transactions)`, fmt(total(market, opened)), `${fmt(Math.round(total(market, opened) / n))} / agent`]);

    const day = syntheticDay(market, SHAPE, 1, TRADES);
    const deposits = await fundDay(market, day, 'deposit');
    rows.push([`deposit what posting locks (${deposits.length} agents)`, fmt(total(market, deposits)), `${fmt(Math.round(total(market, deposits) / deposits.length))} / agent`]);
    await postDay(market, day, 'post');
    rows.push([`post the epoch (${n} rows as calldata, locks)`, fmt(total(market, ['post'])), `${fmt(Math.round(total(market, ['post']) / n))} / agent`]);

    const relays: string[] = [];
    for (let i = 0; i < n; i += READINGS_PER_TX) {
      relays.push(`relay ${i}`);
      await relayReadings(market, day, agents.slice(i, i + READINGS_PER_TX), relays.at(-1)!);
    }
    rows.push([`relay ${n} readings (${relays.length} transactions)`, fmt(total(market, relays)), `${fmt(Math.round(total(market, relays) / n))} / meter`]);
    await advance(market, 2 * 3600 + 1);

    const { scheduleTree } = dayTrees(day);
    const settles: string[] = [];
    for (let i = 0; i < n; i += POSITIONS_PER_TX) {
      settles.push(`settle ${i}`);
      await settleAgents(market, day, scheduleTree, agents.slice(i, i + POSITIONS_PER_TX), settles.at(-1)!);
    }
    const settlement = total(market, settles);
    rows.push([`settle ${n} positions (${settles.length} transactions)`, fmt(settlement), `${fmt(Math.round(settlement / n))} / position`]);

    const withdrawals: string[] = [];
    for (let id = 0; id < n; id++) {
      const { available } = await market.publicClient.readContract({ address: market.deployment.settlement, abi: settlementAbi, functionName: 'accountOf', args: [id] });
      if (available === 0n) continue;
      withdrawals.push(`withdraw ${id}`);
      await send(market, withdrawals.at(-1)!, { address: market.deployment.settlement, abi: settlementAbi, functionName: 'withdraw', args: [id, available, ownerAddress(market, id)] }, market.ownerKeys[id]);
    }
    rows.push([`withdraw (${withdrawals.length} agents)`, fmt(total(market, withdrawals)), `${fmt(Math.round(total(market, withdrawals) / withdrawals.length))} / agent`]);

    const lines = [
      '# Gas of a 1,000-agent day',
      '',
      `Measured from transaction receipts on anvil: ${n} agents (grid + ${SHAPE.sellers} sellers + ${SHAPE.buyers} buyers) on a ${SHAPE.buses}-bus, ${SHAPE.lines}-line network (the size of the clearing package's synthetic network), ${fmt(TRADES)} trades.`,
      '',
      markdownTable(['step', 'gas used (total)', 'per item'], rows),
      '',
      `Settlement: ${fmt(settlement)} gas for ${n} positions (target ≤ ${fmt(SETTLEMENT_TARGET)} in total: ${settlement <= SETTLEMENT_TARGET ? 'met' : 'NOT met'}).`,
      `Wall time ${((performance.now() - t0) / 1000).toFixed(0)} s.`,
      '',
    ];
    writeReport('snapshots/gas-1000.md', lines.join('\n'));
  } finally {
    await market.chain.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
