// Tolerance checks: reveals every schedule leaf not yet checked, with multiproofs in gas-bounded
// batches. Leaves already checked on chain are skipped, so checking resumes.
import { meterReadingsAbi, scheduleMultiProof } from '@gridmarket/contracts';
import { sendInBatches } from './batching';
import type { ChainContext } from './context';
import type { OnchainEpoch } from './onchain';

/** Check bits per agent: bit h = hour h checked, bit 24 + h = passed. */
export async function checkBitsOf(ctx: ChainContext, epochId: number, agentIds: readonly number[]): Promise<bigint[]> {
  return Promise.all(
    agentIds.map(async (id) =>
      BigInt(await ctx.publicClient.readContract({ address: ctx.deployment.meterReadings, abi: meterReadingsAbi, functionName: 'checkBits', args: [epochId, id] })),
    ),
  );
}

export const isChecked = (bits: bigint, hour: number) => ((bits >> BigInt(hour)) & 1n) === 1n;
export const isPassed = (bits: bigint, hour: number) => ((bits >> BigInt(24 + hour)) & 1n) === 1n;

export async function checkSchedule(ctx: ChainContext, epoch: OnchainEpoch): Promise<{ checked: number; batches: number }> {
  const bits = await checkBitsOf(ctx, epoch.epochId, epoch.agentIds);
  const position = new Map(epoch.agentIds.map((id, i) => [id, i]));
  const pending: number[] = [];
  epoch.schedule.forEach((leaf, index) => {
    if (!isChecked(bits[position.get(leaf.agentId)!]!, leaf.hour)) pending.push(index);
  });
  if (pending.length === 0) return { checked: 0, batches: 0 };
  const { batches } = await sendInBatches(ctx, {
    step: 'check schedule',
    items: pending,
    build: (slice) => {
      const mp = scheduleMultiProof(epoch.scheduleTree, slice);
      return { address: ctx.deployment.meterReadings, abi: meterReadingsAbi, functionName: 'checkSchedule', args: [epoch.epochId, mp.leaves, mp.proof, mp.proofFlagBits] };
    },
  });
  return { checked: pending.length, batches };
}
