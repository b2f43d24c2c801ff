// The watcher: right after an epoch is posted, looks for what the ledger accepts as proof against
// it (an overloaded line, an unjustified trade) and disputes the first while the challenge window
// is open. A voided epoch returns every lock.
import type { ChainContext } from '../chain/context';
import type { OnchainEpoch } from '../documents/onchain';
import { ensureGas } from '../operator/registration';
import { type EpochOnchain, readEpoch } from '../read/epoch';
import { describeViolation, dispute, findViolations } from './dispute';

export interface WatchEpochResult {
  /** The epoch as it stands after the watch (voided if the dispute went through). */
  epoch: EpochOnchain;
  /** The violation found, whether or not it could still be disputed. */
  dispute?: { kind: string; description: string };
}

/** `epoch` is the posted epoch as read (ensureEpochPosted returns it). */
export async function watchEpoch(ctx: ChainContext, p: { epoch: EpochOnchain; onchain: OnchainEpoch; networkId: number; onProgress?: (line: string) => void }): Promise<WatchEpochResult> {
  const { epoch } = p;
  if (epoch.voided) return { epoch };
  const violation = (await findViolations(ctx, p.onchain, p.networkId))[0];
  if (!violation) return { epoch };
  const found = { kind: violation.kind, description: describeViolation(violation) };
  const now = (await ctx.publicClient.getBlock()).timestamp;
  if (now > epoch.challengeEndsAt) return { epoch, dispute: found };
  p.onProgress?.(`  ${found.description}: disputing\n`);
  const watcher = ctx.challenger();
  await ensureGas(ctx, watcher.address);
  await dispute(ctx, p.onchain, violation, watcher);
  return { epoch: await readEpoch(ctx, p.onchain.epochId), dispute: found };
}
