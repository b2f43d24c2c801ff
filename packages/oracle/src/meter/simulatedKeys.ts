// The keys of the simulated meters (derived from the development mnemonic, see ChainContext.meter):
// the one registered for the agent now, or a stranger's for a wrong-key fault.
import type { Account, ChainContext } from '../chain/context';
import { registeredAgent } from '../read/epochData';
import type { MeterFaultKind } from './meters';

export async function meterSigner(ctx: ChainContext, agentId: number, fault?: { kind: MeterFaultKind }): Promise<Account> {
  return fault?.kind === 'wrong-key' ? ctx.meter(agentId, 97) : currentMeter(ctx, agentId);
}

/** The simulated meter whose key is registered for the agent now (keys rotate by generation). */
async function currentMeter(ctx: ChainContext, agentId: number): Promise<Account> {
  const a = await registeredAgent(ctx, agentId);
  for (let g = 0; g < 8; g++) if (ctx.meter(agentId, g).address === a.meter) return ctx.meter(agentId, g);
  return ctx.meter(agentId, 0); // revoked or unknown key: the contract will say so
}
