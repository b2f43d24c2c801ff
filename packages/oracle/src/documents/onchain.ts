// From a clearing result document to the form the contracts commit: the schedule rows (one per
// agent, in the network's agent order), the tariff, the trades, their trees, and what posting
// locks.
//
// Units and rounding (exact by construction, re-checked here):
//   energy — whole Wh, as the document's schedule.wh and trades carry them: each hour of the
//            schedule sums to 0 (the ledger refuses anything else) and each agent's trades add up
//            to its scheduled Wh (the clearing package's largest-remainder and matrix rounding);
//   prices — the document's tariff in µUSD/kWh, times 10^(decimals − 6): the settlement token's
//            base units per kWh, exact for tokens with 6 or more decimals;
//   money  — positions settle on chain by the rule of @gridmarket/contracts' settlePosition; a
//            trade's value is energy × price / 1000 rounded half up (tradeValue), the contract's
//            rule, so that a trade dispute never voids an honest epoch.
import {
  buildScheduleTree,
  buildTradeTree,
  epochCommitments,
  type ScheduleTree,
  type SettlementMode,
  type Tariff,
  type TradeEntry,
  type TradeTree,
  tradeValue,
} from '@gridmarket/contracts';
import type { ResultDocument } from '@gridmarket/clearing/result';

export class ConservationError extends Error {
  override name = 'ConservationError';
}

export interface OnchainEpoch {
  epochId: number;
  mode: SettlementMode;
  /** On-chain agent id of each market agent (document index order = network order). */
  agentIds: number[];
  /** Network position of the grid agent (the balancing party). */
  gridPosition: number;
  /** Scheduled Wh per agent (network order) and hour. */
  rows: number[][];
  tariff: Tariff;
  trades: TradeEntry[];
  scheduleTree: ScheduleTree;
  tradeTree: TradeTree | undefined;
  /** What posting locks and commits (ClearingLedger.postEpoch computes the same). */
  commitments: ReturnType<typeof epochCommitments>;
}

/** Throws unless every hour balances and every agent's trades add up to its schedule, exactly. */
export function checkConservation(doc: ResultDocument): void {
  if (doc.tradesOmitted) {
    throw new ConservationError(
      `the document lists no trades: its day pairs ${doc.tradesOmitted.pairs.toLocaleString('en-US')} sellers and buyers, more than the ${doc.tradesOmitted.limit.toLocaleString('en-US')} a document lists, and a day is posted with the trades that add up to its positions`,
    );
  }
  const T = doc.case.hours;
  for (let t = 0; t < T; t++) {
    const sum = doc.schedule.wh.reduce((s, row) => s + row[t]!, 0);
    if (sum !== 0) throw new ConservationError(`hour ${t}: the schedule sums to ${sum} Wh, not 0`);
  }
  const sold = doc.schedule.wh.map(() => new Array<number>(T).fill(0));
  const bought = doc.schedule.wh.map(() => new Array<number>(T).fill(0));
  doc.trades.forEach((tr, i) => {
    if (tr.index !== i) throw new ConservationError(`trade at position ${i} has index ${tr.index}`);
    sold[tr.seller]![tr.hour]! += tr.energyWh;
    bought[tr.buyer]![tr.hour]! += tr.energyWh;
  });
  doc.schedule.wh.forEach((row, a) =>
    row.forEach((wh, t) => {
      if (sold[a]![t] !== Math.max(wh, 0) || bought[a]![t] !== Math.max(-wh, 0)) {
        throw new ConservationError(`agent ${a} hour ${t}: scheduled ${wh} Wh, sold ${sold[a]![t]} Wh, bought ${bought[a]![t]} Wh`);
      }
    }),
  );
}

export function tokenUnitsPerMicroUsd(decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < 6) {
    throw new RangeError(`the settlement token must have at least 6 decimals to hold micro-dollars exactly, it has ${decimals}`);
  }
  return 10n ** BigInt(decimals - 6);
}

/** The document's tariff in the token's base units per kWh. */
export function tariffOf(doc: ResultDocument, tokenDecimals: number): Tariff {
  const per = tokenUnitsPerMicroUsd(tokenDecimals);
  const units = (v: readonly number[]) => v.map((p) => BigInt(p) * per);
  return { price: units(doc.tariff.priceMicroUsdPerKwh), shortfall: units(doc.tariff.shortfallMicroUsdPerKwh), surplus: units(doc.tariff.surplusMicroUsdPerKwh) };
}

export function toOnchain(
  doc: ResultDocument,
  options: {
    epochId: number;
    agentIds: readonly number[];
    tokenDecimals: number;
    mode: SettlementMode;
    /** Only for fault injection and for auditing a faulty document. */
    unchecked?: boolean;
  },
): OnchainEpoch {
  if (!options.unchecked) checkConservation(doc);
  const { epochId, agentIds } = options;
  if (agentIds.length !== doc.case.agents.length) {
    throw new RangeError(`need an on-chain id for each of the ${doc.case.agents.length} agents, got ${agentIds.length}`);
  }
  const gridPosition = doc.case.agents.findIndex((a) => a.kind === 'grid');
  if (gridPosition < 0) throw new RangeError('the document has no grid agent: the balancing party of settlement');
  const tariff = tariffOf(doc, options.tokenDecimals);
  const rows = doc.schedule.wh.map((r) => [...r]);
  const trades: TradeEntry[] = doc.trades.map((tr) => {
    const energyWh = BigInt(tr.energyWh);
    return { tradeIndex: tr.index, seller: agentIds[tr.seller]!, buyer: agentIds[tr.buyer]!, hour: tr.hour, energyWh, value: tradeValue(energyWh, tariff.price[tr.hour]!) };
  });
  return {
    epochId,
    mode: options.mode,
    agentIds: [...agentIds],
    gridPosition,
    rows,
    tariff,
    trades,
    scheduleTree: buildScheduleTree(
      epochId,
      rows.map((energyWh, k) => ({ agentId: agentIds[k]!, energyWh })),
    ),
    tradeTree: trades.length ? buildTradeTree(epochId, trades) : undefined,
    commitments: epochCommitments(rows, gridPosition, tariff, options.mode),
  };
}
