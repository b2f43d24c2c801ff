// The relayer's off-chain check of a reading before it spends a chain call on it: is it signed by
// the meter key registered for its agent? Anyone can send readings for any agent; only the meter's
// own can pass this (a reading that fails it is still submitted, one at a time per agent, so that a
// meter with a wrong key learns the contract's reason). Keys are read once per relayer: a key
// rotated since only sends that agent's readings down the slow path.
import { meterReadingTypedData, participantRegistryAbi } from '@gridmarket/contracts';
import { type Hex, recoverTypedDataAddress } from 'viem';
import type { ChainContext } from '../chain/context';

export async function signedByMeterCheck(ctx: ChainContext, agentIds: readonly number[]): Promise<(reading: { epochId: number; agentId: number; energyWh: readonly number[]; signature: Hex }) => Promise<boolean>> {
  const meters = new Map<number, string>();
  await Promise.all(
    agentIds.map(async (id) => {
      const a = await ctx.publicClient.readContract({ address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'agent', args: [id] });
      meters.set(id, a.meter.toLowerCase());
    }),
  );
  return async (r) => {
    const meter = meters.get(r.agentId);
    if (!meter) return false;
    try {
      const signer = await recoverTypedDataAddress({ ...meterReadingTypedData(ctx.deployment.chainId, ctx.deployment.meterReadings, r), signature: r.signature });
      return signer.toLowerCase() === meter;
    } catch {
      return false; // not a signature at all, or values out of range
    }
  };
}
