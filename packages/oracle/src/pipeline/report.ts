// The report of a market day: the thesis's Table 6.8 for the day (trades generated, verified,
// settled, rejected), the money the positions moved (day-ahead credits, imbalance charges and
// credits), gas and transactions by step, and wall time by stage.
import type { ResultDocument } from '@gridmarket/clearing/result';
import type { SettlementMode } from '@gridmarket/contracts';
import type { ChainContext } from '../chain/context';
import type { OnchainEpoch } from '../documents/onchain';
import { tokenDecimals } from '../read/epochData';
import { type EpochPositions, readEpochBook } from '../read/positions';
import { tradeStatuses } from '../read/trades';

export interface DayReport {
  day: number;
  epochId: number;
  mode: SettlementMode;
  /** settled: every position settled; voided: disputed; refused: the ledger refused the schedule; waiting: stopped before settling. */
  status: 'settled' | 'voided' | 'refused' | 'waiting';
  /** Table 6.8 for this day. */
  generated: number;
  verified: number;
  settled: number;
  rejected: number;
  rejectedBy: { seller: number };
  readings: { submitted: number; rejected: { agentId: number; reason: string }[] };
  /** Money moved by the positions, USD. */
  money: {
    locked: number;
    credited: number;
    forfeited: number;
    imbalance: { shortfallCharged: number; shortfallUncollected: number; surplusCredited: number };
  };
  settledEnergyKwh: number;
  settledValueUsd: number;
  averagePriceUsdPerKwh: number;
  dispute?: { kind: string; description: string };
  refusal?: string;
  welfareUsd: number;
  admmIterations: number;
  transactions: number;
  /** Transactions per step (a step sent in gas-bounded batches shows how many it took). */
  transactionsByStep: Record<string, number>;
  gas: Record<string, number>;
  /** Settlement gas divided by the trades its positions settled. */
  gasPerSettledTrade: number;
  stageMs: Record<string, number>;
}

/** What a day is about: fixed once its market is cleared and its on-chain form built. */
export interface DayFacts {
  day: number;
  epochId: number;
  mode: SettlementMode;
  doc: ResultDocument;
  onchain: OnchainEpoch;
  admmIterations: number;
}

/** How the day ended. */
export interface DayOutcome {
  status: DayReport['status'];
  /** Read once every position is settled. */
  positions?: EpochPositions;
  relay?: { submitted: number; rejected: { agentId: number; reason: string }[] };
  dispute?: DayReport['dispute'];
  refusal?: string;
}

/** A day in progress: wall time by stage, and where its gas and transactions begin in the context. */
export class DayLog {
  readonly stageMs: Record<string, number> = {};
  readonly #gasFrom: number;
  readonly #txFrom: number;

  constructor(readonly ctx: ChainContext) {
    this.#gasFrom = ctx.gas.length;
    this.#txFrom = ctx.transactions;
  }

  /** Runs a stage of the day and adds its wall time to the stage's. */
  async stage<T>(name: string, f: () => Promise<T> | T): Promise<T> {
    const s = performance.now();
    try {
      return await f();
    } finally {
      this.stageMs[name] = (this.stageMs[name] ?? 0) + performance.now() - s;
    }
  }

  report(facts: DayFacts, outcome: DayOutcome): Promise<DayReport> {
    return dayReport(this.ctx, facts, outcome, { gasFrom: this.#gasFrom, txFrom: this.#txFrom, stageMs: this.stageMs });
  }
}

async function dayReport(ctx: ChainContext, r: DayFacts, o: DayOutcome, log: { gasFrom: number; txFrom: number; stageMs: Record<string, number> }): Promise<DayReport> {
  const units = 10 ** (await tokenDecimals(ctx));
  const usd = (v: bigint) => Number(v) / units;
  const statuses =
    o.positions && o.status === 'settled'
      ? tradeStatuses(r.onchain.trades, o.positions, { voided: false, settlementMode: r.mode, gridAgent: r.onchain.agentIds[r.onchain.gridPosition]! })
      : [];
  let verified = 0;
  let settled = 0;
  let rejected = 0;
  let energyWh = 0n;
  let value = 0n;
  statuses.forEach((s, i) => {
    if (s.verified) verified++;
    if (s.status === 'settled') {
      settled++;
      energyWh += r.onchain.trades[i]!.energyWh;
      value += r.onchain.trades[i]!.value;
    } else if (s.status === 'rejected') rejected++;
  });
  const book = o.status === 'settled' || o.status === 'voided' ? await readEpochBook(ctx, r.epochId) : undefined;
  const gas: Record<string, number> = {};
  const transactionsByStep: Record<string, number> = {};
  for (const g of ctx.gas.slice(log.gasFrom)) {
    gas[g.step] = (gas[g.step] ?? 0) + Number(g.gasUsed);
    transactionsByStep[g.step] = (transactionsByStep[g.step] ?? 0) + 1;
  }
  return {
    day: r.day,
    epochId: r.epochId,
    mode: r.mode,
    status: o.status,
    generated: r.onchain.trades.length,
    verified,
    settled,
    rejected,
    rejectedBy: { seller: rejected },
    // Per agent and reason (a report reader has no use for the refused signature).
    readings: { submitted: o.relay?.submitted ?? 0, rejected: (o.relay?.rejected ?? []).map(({ agentId, reason }) => ({ agentId, reason })) },
    money: {
      locked: o.status === 'refused' ? 0 : usd(r.onchain.commitments.lockedValue),
      credited: book ? usd(book.credited) : 0,
      forfeited: book ? usd(book.forfeited) : 0,
      imbalance: {
        shortfallCharged: book ? usd(book.shortfallCharged) : 0,
        shortfallUncollected: book ? usd(book.shortfallUncollected) : 0,
        surplusCredited: book ? usd(book.surplusCredited) : 0,
      },
    },
    settledEnergyKwh: Number(energyWh) / 1000,
    settledValueUsd: usd(value),
    averagePriceUsdPerKwh: energyWh > 0n ? usd(value) / (Number(energyWh) / 1000) : 0,
    ...(o.dispute ? { dispute: o.dispute } : {}),
    ...(o.refusal ? { refusal: o.refusal } : {}),
    welfareUsd: r.doc.welfareUsd,
    admmIterations: r.admmIterations,
    transactions: ctx.transactions - log.txFrom,
    transactionsByStep,
    gas,
    gasPerSettledTrade: settled > 0 ? Math.round((gas['settle positions'] ?? 0) / settled) : 0,
    stageMs: log.stageMs,
  };
}
