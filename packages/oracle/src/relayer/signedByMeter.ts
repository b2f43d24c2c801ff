// The relayer's off-chain check of a reading before it spends a chain call on it: is it signed by
// the meter key registered for its agent? Anyone can send readings for any agent; only the meter's
// own can pass this (a reading that fails it is still submitted, one at a time per agent, so that a
// meter with a wrong key learns the contract's reason). Keys are read once per relayer: a key
// rotated since only sends that agent's readings down the slow path.
import type { Hex } from 'viem';
import type { ChainContext } from '../chain/context';
import { readingSigner } from '../meter/meters';
import { registeredAgent } from '../read/epochData';

export async function signedByMeterCheck(ctx: ChainContext, agentIds: readonly number[]): Promise<(reading: { epochId: number; agentId: number; energyWh: readonly number[]; signature: Hex }) => Promise<boolean>> {
  const meters = new Map(await Promise.all(agentIds.map(async (id) => [id, (await registeredAgent(ctx, id)).meter.toLowerCase()] as const)));
  return async (r) => {
    const meter = meters.get(r.agentId);
    if (!meter) return false;
    try {
      return (await readingSigner(ctx, r)).toLowerCase() === meter;
    } catch {
      return false; // not a signature at all, or values out of range
    }
  };
}
