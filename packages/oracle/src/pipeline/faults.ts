// Fault injection for tests and demonstrations: a faulty oracle that posts a schedule which breaks
// power balance (the ledger refuses it at posting), overloads a line in one hour, or holds a trade
// that its parties' schedules do not justify (both disputed by the watcher).
import type { Market, ResultDocument } from '@gridmarket/clearing';

export const CORRUPTIONS = ['imbalance', 'overload', 'trade'] as const;
export type Corruption = (typeof CORRUPTIONS)[number];

export const CORRUPT_HOUR = 12;

export function corruptDocument(doc: ResultDocument, market: Market, kind: Corruption): ResultDocument {
  const bad = structuredClone(doc);
  const h = CORRUPT_HOUR;
  const wh = bad.schedule.wh;
  if (kind === 'imbalance') {
    wh[1]![h]! += 500; // a seller claims 500 Wh it was never scheduled for
    return bad;
  }
  if (kind === 'trade') {
    // A consumer "sells" 500 Wh to another agent for a million micro-dollars.
    const consumer = wh.findIndex((row) => row[h]! < 0);
    const other = wh.findIndex((row, a) => a !== consumer && row[h]! < 0);
    bad.trades[0] = { ...bad.trades[0]!, seller: consumer, buyer: other, hour: h, energyWh: 500, valueMicroUsd: 1_000_000 };
    return bad;
  }
  // Overload: move energy between the two agents whose PTDF columns differ most on a limited line,
  // keeping the hour balanced, until the line's flow is well past its limit and the rounding slack.
  const na = market.agents.length;
  let best = { line: -1, a: 0, b: 0, d: 0 };
  market.network.lines.forEach((l, line) => {
    if (!Number.isFinite(l.limitKw)) return;
    for (let a = 0; a < na; a++) {
      for (let b = 0; b < na; b++) {
        const d = market.H[line * na + a]! - market.H[line * na + b]!;
        if (d > best.d) best = { line, a, b, d };
      }
    }
  });
  if (best.line < 0) throw new Error('the network has no limited line to overload');
  const limitWh = market.network.lines[best.line]!.limitKw * 1000;
  let flow = 0;
  for (let a = 0; a < na; a++) flow += market.H[best.line * na + a]! * wh[a]![h]!;
  const target = limitWh + (na + 1) + 500;
  const delta = Math.ceil((target - flow) / best.d);
  wh[best.a]![h]! += delta;
  wh[best.b]![h]! -= delta;
  return bad;
}
