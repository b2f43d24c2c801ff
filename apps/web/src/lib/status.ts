// An epoch's life on chain, as the app names it:
//   challenge window — posted, and a dispute can still void it;
//   posted           — the window closed, nothing decided yet (readings, checks, escrow pending);
//   settling         — some trades are settled or rejected, not all;
//   settled          — every trade is settled or rejected;
//   voided           — a dispute proved the schedule infeasible: nothing is ever paid.
export const EPOCH_STATUSES = ['challenge window', 'posted', 'settling', 'settled', 'voided'] as const;
export type EpochStatus = (typeof EPOCH_STATUSES)[number];

export function epochStatus(
  epoch: { voided: boolean; challengeEndsAt: bigint; tradeCount: number },
  decided: { settled: number; rejected: number },
  now: bigint,
): EpochStatus {
  if (epoch.voided) return 'voided';
  if (now <= epoch.challengeEndsAt) return 'challenge window';
  const done = decided.settled + decided.rejected;
  if (done >= epoch.tradeCount) return 'settled';
  return done > 0 ? 'settling' : 'posted';
}
