// Posting an epoch, idempotently: an epoch already on chain with the same commitments is left as
// it is; one with different commitments is a conflict that stops the oracle. Every agent's lock
// (and the grid agent's reserve) must be in its available balance first: see agent/fund.ts.
import { clearingLedgerAbi, packRows, SETTLEMENT_MODES, tariffArgs, tariffHash } from '@gridmarket/contracts';
import type { Hex } from 'viem';
import type { ChainContext } from '../chain/context';
import type { OnchainEpoch } from '../documents/onchain';
import { type EpochOnchain, findEpoch, readEpoch } from '../read/epoch';

export class EpochConflictError extends Error {
  override name = 'EpochConflictError';
}

export interface PostMeta {
  networkId: number;
  documentHash: Hex;
  documentURI: string;
  toleranceWh: number;
}

/** The postEpoch call for an epoch (the bond is the deployment's minimum). */
export function postEpochRequest(ctx: ChainContext, epoch: OnchainEpoch, meta: PostMeta) {
  return {
    address: ctx.deployment.clearingLedger,
    abi: clearingLedgerAbi,
    functionName: 'postEpoch' as const,
    value: ctx.deployment.minBond,
    args: [
      {
        epochId: epoch.epochId,
        networkId: meta.networkId,
        mode: SETTLEMENT_MODES.indexOf(epoch.mode),
        tradeRoot: (epoch.tradeTree?.root ?? `0x${'00'.repeat(32)}`) as Hex,
        tradeCount: epoch.trades.length,
        documentHash: meta.documentHash,
        toleranceWh: meta.toleranceWh,
        documentURI: meta.documentURI,
      },
      packRows(epoch.rows),
      tariffArgs(epoch.tariff),
    ] as const,
  };
}

export async function ensureEpochPosted(ctx: ChainContext, epoch: OnchainEpoch, meta: PostMeta): Promise<{ epoch: EpochOnchain; posted: boolean }> {
  const existing = await findEpoch(ctx, epoch.epochId);
  if (existing) {
    const same =
      existing.scheduleRoot === epoch.scheduleTree.root &&
      existing.tradeRoot === (epoch.tradeTree?.root ?? `0x${'00'.repeat(32)}`) &&
      existing.tariffHash === tariffHash(epoch.tariff) &&
      existing.documentHash.toLowerCase() === meta.documentHash.toLowerCase();
    if (!same) {
      throw new EpochConflictError(
        `epoch ${epoch.epochId} is already posted with different commitments (schedule root ${existing.scheduleRoot}, ours ${epoch.scheduleTree.root}); posted epochs cannot change`,
      );
    }
    return { epoch: existing, posted: false };
  }
  await ctx.send('post epoch', postEpochRequest(ctx, epoch, meta));
  return { epoch: await readEpoch(ctx, epoch.epochId), posted: true };
}

/** The bond of an undisputed epoch back to the oracle, once its window is over (idempotent). */
export async function releaseBond(ctx: ChainContext, epochId: number): Promise<boolean> {
  const e = await readEpoch(ctx, epochId);
  if (e.bondReleased || e.voided) return false;
  await ctx.send('release bond', { address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'releaseBond', args: [epochId] });
  return true;
}
