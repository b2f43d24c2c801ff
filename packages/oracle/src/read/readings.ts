// The meter readings of an epoch as they stand on chain. The contract stores a commitment per
// (epoch, agent), keccak256(meter ‖ energyWh packed), and emits the values; a reader takes the
// values from the ReadingsSubmitted logs and keeps, per agent, the one whose commitment is stored
// (a reading cleared by the registrar and replaced has two logs; only the standing one matches).
import { meterReadingsAbi, readingCommitment } from '@gridmarket/contracts';
import type { Hex } from 'viem';
import type { ChainContext } from '../chain/context';

export interface StoredReading {
  meter: Hex;
  energyWh: number[];
}

export class ReadingLogError extends Error {
  override name = 'ReadingLogError';
}

/** The standing reading of each agent that has one (agents without a reading are absent). */
export async function readStoredReadings(ctx: ChainContext, epochId: number, agentIds: readonly number[]): Promise<Map<number, StoredReading>> {
  const commitments = await ctx.publicClient.readContract({
    address: ctx.deployment.meterReadings,
    abi: meterReadingsAbi,
    functionName: 'commitments',
    args: [epochId, [...agentIds]],
  });
  const wanted = new Map<number, Hex>();
  agentIds.forEach((id, i) => {
    if (BigInt(commitments[i]!) !== 0n) wanted.set(id, commitments[i]!);
  });
  const out = new Map<number, StoredReading>();
  if (wanted.size === 0) return out;
  const logs = await ctx.publicClient.getContractEvents({
    address: ctx.deployment.meterReadings,
    abi: meterReadingsAbi,
    eventName: 'ReadingsSubmitted',
    args: { epochId },
    fromBlock: BigInt(ctx.deployment.startBlock),
  });
  for (const log of logs) {
    const { agentId, meter, energyWh } = log.args;
    if (agentId === undefined || !meter || !energyWh || !wanted.has(agentId)) continue;
    const values = [...energyWh];
    if (readingCommitment(meter, values) === wanted.get(agentId)) out.set(agentId, { meter, energyWh: values });
  }
  for (const id of wanted.keys()) {
    if (!out.has(id)) throw new ReadingLogError(`the chain commits to a reading of agent ${id} in epoch ${epochId}, but no ReadingsSubmitted log matches it (is the node pruning logs?)`);
  }
  return out;
}
