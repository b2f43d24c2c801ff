// The key an agent's own transactions (deposits, withdrawals) come from: its registered owner's.
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { Account, ChainContext } from '../chain/context';
import { registeredAgent } from '../read/epochData';

/** A key that is not the registered owner of the agent it was given for. */
export class NotAgentOwnerError extends Error {
  override name = 'NotAgentOwnerError';
  constructor(
    readonly agentId: number,
    readonly address: Hex,
    readonly owner: Hex,
  ) {
    super(`the key is for ${address}; agent ${agentId} is owned by ${owner}`);
  }
}

/** The owner's account from its key; a NotAgentOwnerError unless the registry names it the agent's owner. */
export async function agentOwner(ctx: ChainContext, agentId: number, key: Hex): Promise<Account> {
  const owner = privateKeyToAccount(key);
  const registered = await registeredAgent(ctx, agentId);
  if (registered.owner.toLowerCase() !== owner.address.toLowerCase()) throw new NotAgentOwnerError(agentId, owner.address, registered.owner);
  return owner;
}
