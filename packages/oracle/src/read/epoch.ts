// Reading a posted epoch from the ledger.
import { clearingLedgerAbi, SETTLEMENT_MODES, type SettlementMode } from '@gridmarket/contracts';
import type { ChainContext } from '../chain/context';
import { revertName } from '../chain/context';

export type EpochOnchain = Awaited<ReturnType<typeof readEpochRaw>> & { settlementMode: SettlementMode };

function readEpochRaw(ctx: ChainContext, epochId: number) {
  return ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'epoch', args: [epochId] });
}

export async function readEpoch(ctx: ChainContext, epochId: number): Promise<EpochOnchain> {
  const e = await readEpochRaw(ctx, epochId);
  return { ...e, settlementMode: SETTLEMENT_MODES[e.mode]! };
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
