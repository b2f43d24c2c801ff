// The settler as its own party: anyone can settle a posted epoch once its reading and challenge
// windows are over (a voided epoch at any time: every lock goes back). Reads the epoch, its
// document and the readings on chain, and settles what is not settled yet, so a second settler, or
// the same one started again, sends nothing twice.
import type { Hex } from 'viem';
import type { ChainContext } from '../chain/context';
import type { DocumentStore } from '../documents/store';
import type { EpochOnchain } from '../read/epoch';
import { loadEpochData } from '../read/epochData';
import { readStoredReadings } from '../read/readings';
import { settleEpoch } from './settle';

/** The chain time after which an epoch's positions can be settled: both windows closed. */
export function settlementOpensAt(epoch: Pick<EpochOnchain, 'readingsCloseAt' | 'challengeEndsAt'>): bigint {
  return epoch.readingsCloseAt > epoch.challengeEndsAt ? epoch.readingsCloseAt : epoch.challengeEndsAt;
}

/** Settlement asked for before the epoch's windows closed. */
export class SettlementNotOpenError extends Error {
  override name = 'SettlementNotOpenError';
  constructor(
    readonly epochId: number,
    readonly opensAt: bigint,
    readonly now: bigint,
  ) {
    super(`epoch ${epochId} cannot be settled yet: its windows close at chain time ${opensAt}, ${opensAt - now + 1n} s from now`);
  }
}

export interface SettlePostedResult {
  /** Positions settled now (0 when every one was settled already). */
  settled: number;
  batches: number;
  hashes: Hex[];
}

/**
 * Sent from the context's operator account (any funded account: settlement is anyone's to send).
 * Errors: EpochNotPostedError, StoreError (the document), SettlementNotOpenError.
 */
export async function settlePosted(ctx: ChainContext, p: { store: DocumentStore; epochId: number }): Promise<SettlePostedResult> {
  const { epoch, onchain } = await loadEpochData(ctx, p.store, p.epochId);
  if (!epoch.voided) {
    const now = (await ctx.publicClient.getBlock()).timestamp;
    const opens = settlementOpensAt(epoch);
    if (now <= opens) throw new SettlementNotOpenError(p.epochId, opens, now);
  }
  const readings = epoch.voided ? new Map() : await readStoredReadings(ctx, p.epochId, onchain.agentIds);
  const before = ctx.gas.length;
  const r = await settleEpoch(ctx, onchain, readings);
  return { ...r, hashes: ctx.gas.slice(before).map((g) => g.hash) };
}
