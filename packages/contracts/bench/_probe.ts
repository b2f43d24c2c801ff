import { startMarket, syntheticDay, postDay, relayReadings, advance, checkLeaves, fundBuyers, settleRange } from './scenario';
const SHAPE = { buses: 14, lines: 20, sellers: 12, buyers: 13 };
const market = await startMarket(SHAPE, 1, ['--steps-tracing']);
try {
  const day = syntheticDay(market, SHAPE, 1, 117);
  const { scheduleTree, tradeTree } = await postDay(market, day);
  await relayReadings(market, day, Array.from({ length: 26 }, (_, i) => i));
  await advance(market, 7201);
  await checkLeaves(market, day, scheduleTree, Array.from({ length: day.schedule.length }, (_, i) => i));
  await fundBuyers(market, day);
  await settleRange(market, day, tradeTree, 0, 100);
  const r = await settleRange(market, day, tradeTree, 100, 300);
  const res = await fetch(market.chain.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'debug_traceTransaction', params: [r.transactionHash, { enableMemory: false, disableStack: true, disableStorage: true }] }) });
  const j: any = await res.json();
  const logs = j.result.structLogs ?? [];
  const byOp = new Map<string, [number, number]>();
  for (const l of logs) { const e = byOp.get(l.op) ?? [0, 0]; e[0]++; e[1] += l.gasCost; byOp.set(l.op, e); }
  const sorted = [...byOp.entries()].sort((a, b) => b[1][1] - a[1][1]).slice(0, 25);
  console.log('gasUsed', r.gasUsed, 'steps', logs.length);
  for (const [op, [n, g]] of sorted) console.log(op.padEnd(14), String(n).padStart(8), String(g).padStart(10));
} finally { await market.chain.stop(); }
