// Where each bilateral trade of an epoch stands, from its parties' settled positions and the
// shared rule (tradeOutcome in @gridmarket/contracts): trades explain the schedule; money follows
// the positions.
import { type SettlementMode, type TradeEntry, tradeOutcome } from '@gridmarket/contracts';
import type { EpochPositions } from './positions';

export type TradeStatusName = 'open' | 'settled' | 'rejected' | 'voided';

export interface TradeStatus {
  status: TradeStatusName;
  /** Both parties metered within the tolerance in the trade's hour. */
  verified: boolean;
  reason?: string;
}

export function tradeStatuses(
  trades: readonly TradeEntry[],
  positions: EpochPositions,
  epoch: { voided: boolean; settlementMode: SettlementMode; gridAgent: number },
): TradeStatus[] {
  return trades.map((t) => {
    if (epoch.voided) return { status: 'voided', verified: false, reason: 'the epoch was voided by a dispute' };
    const seller = positions.settled.get(t.seller);
    const buyer = positions.settled.get(t.buyer);
    if (!seller || !buyer) return { status: 'open', verified: false };
    const o = tradeOutcome(epoch.settlementMode, seller.passed[t.hour]!, buyer.passed[t.hour]!, t.seller === epoch.gridAgent);
    return { status: o.status, verified: o.verified, ...(o.reason ? { reason: o.reason } : {}) };
  });
}
