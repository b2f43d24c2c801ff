// The relayer: submits signed meter readings in gas-bounded batches. Readings already on chain are
// skipped (so relaying resumes), and each reading is first simulated on its own, so that one bad
// reading (wrong signer, retired key, late, ...) is reported with its custom error instead of
// reverting the whole batch.
import { meterReadingsAbi } from '@gridmarket/contracts';
import { sendInBatches } from './batching';
import type { ChainContext } from './context';
import { revertName } from './context';
import type { SignedReading } from './meters';

export interface RelayResult {
  submitted: number;
  alreadyOnChain: number;
  rejected: { agentId: number; reason: string }[];
  batches: number;
}

export async function relayReadings(ctx: ChainContext, readings: readonly SignedReading[]): Promise<RelayResult> {
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
      rejected.push({ agentId: r.agentId, reason });
    }
  }
  const { batches } = fresh.length
    ? await sendInBatches(ctx, {
        step: 'relay readings',
        items: fresh,
        build: (slice) => ({ address, abi: meterReadingsAbi, functionName: 'submitReadings', args: [slice] }),
      })
    : { batches: 0 };
  return { submitted: fresh.length, alreadyOnChain, rejected, batches };
}
