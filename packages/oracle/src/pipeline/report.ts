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

export interface ReportInput {
  day: number;
  epochId: number;
  mode: SettlementMode;
  status: DayReport['status'];
  doc: ResultDocument;
  onchain: OnchainEpoch;
  positions?: EpochPositions;
  relay: { submitted: number; rejected: { agentId: number; reason: string }[] };
  dispute?: DayReport['dispute'];
  refusal?: string;
  admmIterations: number;
  gasFrom: number;
  txFrom: number;
  stageMs: Record<string, number>;
}

export async function dayReport(ctx: ChainContext, r: ReportInput): Promise<DayReport> {
  const units = 10 ** (await tokenDecimals(ctx));
  const usd = (v: bigint) => Number(v) / units;
  const statuses =
    r.positions && r.status === 'settled'
      ? tradeStatuses(r.onchain.trades, r.positions, { voided: false, settlementMode: r.mode, gridAgent: r.onchain.agentIds[r.onchain.gridPosition]! })
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
  const book = r.status === 'settled' || r.status === 'voided' ? await readEpochBook(ctx, r.epochId) : undefined;
  const gas: Record<string, number> = {};
  const transactionsByStep: Record<string, number> = {};
  for (const g of ctx.gas.slice(r.gasFrom)) {
    gas[g.step] = (gas[g.step] ?? 0) + Number(g.gasUsed);
    transactionsByStep[g.step] = (transactionsByStep[g.step] ?? 0) + 1;
  }
  return {
    day: r.day,
    epochId: r.epochId,
    mode: r.mode,
    status: r.status,
    generated: r.onchain.trades.length,
    verified,
    settled,
    rejected,
    rejectedBy: { seller: rejected },
    // Per agent and reason (a report reader has no use for the refused signature).
    readings: { submitted: r.relay.submitted, rejected: r.relay.rejected.map(({ agentId, reason }) => ({ agentId, reason })) },
    money: {
      locked: r.status === 'refused' ? 0 : usd(r.onchain.commitments.lockedValue),
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
    ...(r.dispute ? { dispute: r.dispute } : {}),
    ...(r.refusal ? { refusal: r.refusal } : {}),
    welfareUsd: r.doc.welfareUsd,
    admmIterations: r.admmIterations,
    transactions: ctx.transactions - r.txFrom,
    transactionsByStep,
    gas,
    gasPerSettledTrade: settled > 0 ? Math.round((gas['settle positions'] ?? 0) / settled) : 0,
    stageMs: r.stageMs,
  };
}
