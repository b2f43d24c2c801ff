// Each agent's owner withdraws its available balance (proceeds, refunds, unspent escrow).
import { settlementAbi } from '@gridmarket/contracts';
import type { Hex } from 'viem';
import type { Account, ChainContext } from '../chain/context';
import { readAccount } from '../read/positions';

/** One agent's withdrawal of everything available, from its owner's account; nothing when there is nothing. */
export async function withdrawOwn(ctx: ChainContext, agentId: number, owner: Account, to: Hex = owner.address): Promise<{ amount: bigint; hash?: Hex }> {
  const { available } = await readAccount(ctx, agentId);
  if (available === 0n) return { amount: 0n };
  const receipt = await ctx.send('withdraw', { address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'withdraw', args: [agentId, available, to] }, owner);
  return { amount: available, hash: receipt.transactionHash };
}

export async function withdrawAvailable(ctx: ChainContext, agentIds: readonly number[]): Promise<{ withdrawals: number; amount: bigint }> {
  let withdrawals = 0;
  let amount = 0n;
  for (const id of agentIds) {
    const w = await withdrawOwn(ctx, id, ctx.owner(id));
    if (!w.hash) continue;
    withdrawals++;
    amount += w.amount;
  }
  return { withdrawals, amount };
}
