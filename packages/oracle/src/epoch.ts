// Posting an epoch, idempotently: an epoch already on chain with the same commitments is left as it
// is; one with different commitments is a conflict that stops the oracle.
import { clearingLedgerAbi } from '@gridmarket/contracts';
import type { Hex } from 'viem';
import type { ChainContext } from './context';
import { revertName } from './context';
import type { OnchainEpoch } from './onchain';

export class EpochConflictError extends Error {
  override name = 'EpochConflictError';
}

export type EpochOnchain = Awaited<ReturnType<typeof readEpoch>>;

export async function readEpoch(ctx: ChainContext, epochId: number) {
  return ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'epoch', args: [epochId] });
}

/** The epoch if posted, undefined if not. */
export async function findEpoch(ctx: ChainContext, epochId: number): Promise<EpochOnchain | undefined> {
  try {
    return await readEpoch(ctx, epochId);
  } catch (err) {
    if (revertName(err) === 'EpochNotPosted') return undefined;
    throw err;
  }
}

export async function ensureEpochPosted(
  ctx: ChainContext,
  epoch: OnchainEpoch,
  meta: { networkId: number; documentHash: Hex; documentURI: string; toleranceWh: number },
): Promise<{ epoch: EpochOnchain; posted: boolean }> {
  const scheduleRoot = epoch.scheduleTree.root as Hex;
  const tradeRoot = (epoch.tradeTree?.root ?? `0x${'00'.repeat(32)}`) as Hex;
  const existing = await findEpoch(ctx, epoch.epochId);
  if (existing) {
    const same =
      existing.scheduleRoot === scheduleRoot && existing.tradeRoot === tradeRoot && existing.documentHash.toLowerCase() === meta.documentHash.toLowerCase();
    if (!same) {
      throw new EpochConflictError(
        `epoch ${epoch.epochId} is already posted with different commitments (schedule root ${existing.scheduleRoot}, ours ${scheduleRoot}); posted epochs cannot change`,
      );
    }
    return { epoch: existing, posted: false };
  }
  const minBond = await ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'minBond' });
  await ctx.send('post epoch', {
    address: ctx.deployment.clearingLedger,
    abi: clearingLedgerAbi,
    functionName: 'postEpoch',
    value: minBond,
    args: [
      {
        epochId: epoch.epochId,
        networkId: meta.networkId,
        scheduleRoot,
        tradeRoot,
        documentHash: meta.documentHash,
        toleranceWh: meta.toleranceWh,
        agentCount: epoch.agentIds.length,
        tradeCount: epoch.trades.length,
        totalEnergyWh: epoch.totalEnergyWh,
        totalValue: epoch.totalValue,
        documentURI: meta.documentURI,
      },
    ],
  });
  return { epoch: await readEpoch(ctx, epoch.epochId), posted: true };
}
