// An epoch's life on chain, as the app names it:
//   challenge window — posted, and a dispute can still void it;
//   posted           — the window closed, no position settled yet (readings may still come in);
//   settling         — some agents' positions are settled, not all;
//   settled          — every position is settled;
//   voided           — a dispute proved the epoch faulty: nothing is paid, every lock goes back.
export const EPOCH_STATUSES = ['challenge window', 'posted', 'settling', 'settled', 'voided'] as const;
export type EpochStatus = (typeof EPOCH_STATUSES)[number];

export function epochStatus(
  epoch: { voided: boolean; challengeEndsAt: bigint; agentCount: number },
  book: { settledAgents: number },
  now: bigint,
): EpochStatus {
  if (epoch.voided) return 'voided';
  if (now <= epoch.challengeEndsAt) return 'challenge window';
  if (book.settledAgents >= epoch.agentCount) return 'settled';
  return book.settledAgents > 0 ? 'settling' : 'posted';
}
