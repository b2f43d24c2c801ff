// Reading a posted epoch from the ledger.
import { clearingLedgerAbi, SETTLEMENT_MODES, type SettlementMode } from '@gridmarket/contracts';
import type { ChainContext } from '../chain/context';
import { revertName } from '../chain/context';

export type EpochOnchain = Awaited<ReturnType<typeof readEpochRaw>> & { settlementMode: SettlementMode };

function readEpochRaw(ctx: ChainContext, epochId: number) {
  return ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'epoch', args: [epochId] });
}

/** An epoch the ledger has not posted: its id, the ledger, and the epochs it holds. */
export class EpochNotPostedError extends Error {
  override name = 'EpochNotPostedError';
  constructor(
    readonly epochId: number,
    readonly ledger: string,
    readonly posted: readonly number[],
    options?: { cause?: unknown },
  ) {
    super(`epoch ${epochId} is not posted on the ledger at ${ledger} (${describeIds(posted)})`, options);
  }
}

/** The posted epoch; an EpochNotPostedError naming what the ledger holds if it is not posted. */
export async function readEpoch(ctx: ChainContext, epochId: number): Promise<EpochOnchain> {
  try {
    const e = await readEpochRaw(ctx, epochId);
    return { ...e, settlementMode: SETTLEMENT_MODES[e.mode]! };
  } catch (err) {
    if (revertName(err) !== 'EpochNotPosted') throw err;
    const posted = await ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'epochIds' });
    throw new EpochNotPostedError(epochId, ctx.deployment.clearingLedger, posted, { cause: err });
  }
}

/** The epoch if posted, undefined if not. */
export async function findEpoch(ctx: ChainContext, epochId: number): Promise<EpochOnchain | undefined> {
  try {
    return await readEpoch(ctx, epochId);
  } catch (err) {
    if (err instanceof EpochNotPostedError) return undefined;
    throw err;
  }
}

function describeIds(ids: readonly number[]): string {
  if (ids.length === 0) return 'it holds no epoch yet';
  if (ids.length <= 8) return `it holds epoch${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`;
  return `it holds ${ids.length} epochs, ${ids[0]} to ${ids[ids.length - 1]}`;
}
