// Where a meter's signed reading stands on chain: taken, refused for good, or still to be relayed.
// A meter asks this before it gives up waiting for a relayer's answer, and after a restart.
import { meterReadingsAbi } from '@gridmarket/contracts';
import { type ChainContext, revertName } from '../chain/context';
import { readStoredReadings } from '../read/readings';
import { readingSigner, type SignedReading } from './meters';

export type ReadingOutcome = { state: 'on-chain' } | { state: 'refused'; reason: string } | { state: 'pending' };

export async function readingOutcome(ctx: ChainContext, reading: SignedReading): Promise<ReadingOutcome> {
  const stored = (await readStoredReadings(ctx, reading.epochId, [reading.agentId])).get(reading.agentId);
  if (!stored) {
    // Not on chain: would the chain take it? A refusal is final (any relayer would get the same).
    try {
      await ctx.publicClient.simulateContract({ address: ctx.deployment.meterReadings, abi: meterReadingsAbi, functionName: 'submitReadings', args: [[reading as never]], account: ctx.operator });
      return { state: 'pending' };
    } catch (err) {
      const reason = revertName(err);
      return reason ? { state: 'refused', reason } : { state: 'pending' };
    }
  }
  const signer = await readingSigner(ctx, reading);
  const ours = stored.meter.toLowerCase() === signer.toLowerCase() && stored.energyWh.every((v, t) => v === reading.energyWh[t]);
  return ours ? { state: 'on-chain' } : { state: 'refused', reason: `another reading of agent ${reading.agentId} is on chain (signed by ${stored.meter})` };
}
