// The token books of a market: every base unit of the settlement token is somewhere — in an
// agent's available balance inside the settlement contract, in an open epoch's pot or reserve (which
// the agents' locked balances mirror), or with an agent's owner. The tests and the soak bench check
// the three equations.
import { settlementAbi, settlementTokenAbi } from '@gridmarket/contracts';
import type { ChainContext } from '../chain/context';

export interface TokenBooks {
  /** Agents' available balances in the settlement contract. */
  available: bigint;
  /** Agents' balances locked for open epochs (each lock is in its epoch's pot or reserve). */
  locked: bigint;
  /** Every given epoch's pot and reserve. */
  pots: bigint;
  /** What the settlement contract holds. */
  held: bigint;
  /** The token's total supply. */
  supply: bigint;
  /** What the agents' owners hold outside the contract. */
  owners: bigint;
}

/**
 * Token books of an epoch's agents: what the settlement contract holds, the agents' available and
 * locked balances, every epoch's pot and reserve, the token's supply and what the owners hold.
 */
export async function tokenBooks(ctx: ChainContext, agentIds: readonly number[], epochIds: readonly number[]): Promise<TokenBooks> {
  let available = 0n;
  let locked = 0n;
  for (const id of agentIds) {
    const a = await ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'accountOf', args: [id] });
    available += a.available;
    locked += a.locked;
  }
  let pots = 0n;
  for (const e of epochIds) {
    const b = await ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'epochBook', args: [e] });
    pots += b.pot + b.reserve;
  }
  const held = await ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [ctx.deployment.settlement] });
  const supply = await ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'totalSupply' });
  let owners = 0n;
  for (const id of agentIds) {
    owners += await ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [ctx.owner(id).address] });
  }
  return { available, locked, pots, held, supply, owners };
}

/**
 * Where the books do not balance, a sentence per equation; empty when every base unit is accounted
 * for. The books must cover every agent and every epoch still open.
 */
export function unbalancedBooks(b: TokenBooks): string[] {
  const out: string[] = [];
  if (b.held !== b.available + b.pots) out.push(`the settlement contract holds ${b.held}, but the available balances and the epochs' pots add up to ${b.available + b.pots}`);
  if (b.locked !== b.pots) out.push(`the agents' locked balances add up to ${b.locked}, but the epochs' pots and reserves to ${b.pots}`);
  if (b.supply !== b.held + b.owners) out.push(`the token's supply is ${b.supply}, but the contract and the owners hold ${b.held + b.owners}`);
  return out;
}
