// From a clearing result document to the form the contracts commit: integer leaves, Merkle trees,
// counts and totals.
//
// Units and rounding (conservation is exact by construction and re-checked here):
//   energy — whole Wh, as the document's schedule.wh and trades carry them: each hour's schedule
//            sums to 0 and each agent's trades add up to its scheduled Wh (the clearing package's
//            largest-remainder and matrix rounding);
//   money  — the settlement token's base units: value = valueMicroUsd · 10^(decimals − 6), exact
//            for tokens with 6 or more decimals (the local test token has 6: one unit is 1 µUSD).
//            A trade's value is one integer moved from the buyer's escrow to the seller, so what
//            buyers pay is exactly what sellers receive.
import {
  buildScheduleTree,
  buildTradeTree,
  type ScheduleEntry,
  type ScheduleTree,
  type TradeEntry,
  type TradeTree,
} from '@gridmarket/contracts';
import type { ResultDocument } from '@gridmarket/clearing';

export class ConservationError extends Error {
  override name = 'ConservationError';
}

export interface OnchainEpoch {
  epochId: number;
  /** On-chain agent id of each market agent (document index order). */
  agentIds: number[];
  schedule: ScheduleEntry[];
  trades: TradeEntry[];
  scheduleTree: ScheduleTree;
  tradeTree: TradeTree | undefined;
  totalEnergyWh: bigint;
  totalValue: bigint;
}

/** Throws unless every hour balances and every agent's trades add up to its schedule, exactly. */
export function checkConservation(doc: ResultDocument): void {
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

export function toOnchain(
  doc: ResultDocument,
  options: { epochId: number; agentIds: readonly number[]; tokenDecimals: number; /** Only for fault injection. */ unchecked?: boolean },
): OnchainEpoch {
  if (!options.unchecked) checkConservation(doc);
  const { epochId, agentIds } = options;
  if (agentIds.length !== doc.case.agents.length) {
    throw new RangeError(`need an on-chain id for each of the ${doc.case.agents.length} agents, got ${agentIds.length}`);
  }
  const perMicro = tokenUnitsPerMicroUsd(options.tokenDecimals);
  const schedule: ScheduleEntry[] = [];
  for (let t = 0; t < doc.case.hours; t++) {
    doc.schedule.wh.forEach((row, a) => schedule.push({ agentId: agentIds[a]!, hour: t, energyWh: BigInt(row[t]!) }));
  }
  const trades: TradeEntry[] = doc.trades.map((tr) => ({
    tradeIndex: tr.index,
    seller: agentIds[tr.seller]!,
    buyer: agentIds[tr.buyer]!,
    hour: tr.hour,
    energyWh: BigInt(tr.energyWh),
    value: BigInt(tr.valueMicroUsd) * perMicro,
  }));
  return {
    epochId,
    agentIds: [...agentIds],
    schedule,
    trades,
    scheduleTree: buildScheduleTree(epochId, schedule),
    tradeTree: trades.length ? buildTradeTree(epochId, trades) : undefined,
    totalEnergyWh: trades.reduce((s, t) => s + t.energyWh, 0n),
    totalValue: trades.reduce((s, t) => s + t.value, 0n),
  };
}

/** Schedule leaves are laid out hour by hour, agent by agent: the index of (agent position, hour). */
export const scheduleIndex = (agentCount: number, agentPosition: number, hour: number) => hour * agentCount + agentPosition;
