// The relayer: submits signed meter readings in gas-bounded batches. Readings already on chain are
// skipped (so relaying resumes; the contract also skips a reading someone else relayed first),
// and each reading is first simulated on its own, so that one bad reading (wrong signer, retired
// key, late, ...) is reported with its custom error instead of reverting the whole batch.
import { meterReadingsAbi } from '@gridmarket/contracts';
import { decodeEventLog, type Hex } from 'viem';
import { sendInBatches } from '../chain/batching';
import type { ChainContext } from '../chain/context';
import { revertName } from '../chain/context';
import type { SignedReading } from '../meter/meters';

export interface RelayResult {
  submitted: number;
  /** Already on chain before this relay (or relayed first by someone else: skipped by the contract). */
  alreadyOnChain: number;
  /** Readings the contract refuses, with its reason (told apart by signature: anyone can send one for any agent). */
  rejected: { agentId: number; signature: Hex; reason: string }[];
  batches: number;
  /** The batches' transactions. */
  hashes: Hex[];
}

export async function relayReadings(ctx: ChainContext, readings: readonly SignedReading[], options: { maxBatch?: number } = {}): Promise<RelayResult> {
  const address = ctx.deployment.meterReadings;
  const fresh: SignedReading[] = [];
  const rejected: RelayResult['rejected'] = [];
  let alreadyOnChain = 0;
  for (const r of readings) {
    const has = await ctx.publicClient.readContract({ address, abi: meterReadingsAbi, functionName: 'hasReadings', args: [r.epochId, r.agentId] });
    if (has) {
      alreadyOnChain++;
      continue;
    }
    try {
      await ctx.publicClient.simulateContract({ address, abi: meterReadingsAbi, functionName: 'submitReadings', args: [[r as never]], account: ctx.operator });
      fresh.push(r);
    } catch (err) {
      const reason = revertName(err);
      if (!reason) throw err;
      rejected.push({ agentId: r.agentId, signature: r.signature, reason });
    }
  }
  const before = ctx.gas.length;
  const { batches } = fresh.length
    ? await sendInBatches(ctx, {
        step: 'relay readings',
        items: fresh,
        build: (slice) => ({ address, abi: meterReadingsAbi, functionName: 'submitReadings', args: [slice] }),
        ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
      })
    : { batches: 0 };
  // Readings someone else got in between the check and the batch were skipped by the contract.
  let skipped = 0;
  for (const g of ctx.gas.slice(before)) {
    for (const log of g.receipt?.logs ?? []) {
      try {
        if (decodeEventLog({ abi: meterReadingsAbi, data: log.data, topics: log.topics }).eventName === 'ReadingSkipped') skipped++;
      } catch {
        // another contract's log
      }
    }
  }
  return { submitted: fresh.length - skipped, alreadyOnChain: alreadyOnChain + skipped, rejected, batches, hashes: ctx.gas.slice(before).map((g) => g.hash) };
}

/** What the relayer answers each sender of `readings` after relaying them: refused (with the contract's reason) or on chain. */
export function relayAnswers(readings: readonly SignedReading[], result: RelayResult): ({ state: 'on-chain' } | { state: 'refused'; reason: string })[] {
  const refused = new Map(result.rejected.map((x) => [x.signature.toLowerCase(), x.reason]));
  return readings.map((x) => {
    const reason = refused.get(x.signature.toLowerCase());
    return reason === undefined ? { state: 'on-chain' } : { state: 'refused', reason };
  });
}
