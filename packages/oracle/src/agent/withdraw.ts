// Each agent's owner withdraws its available balance (proceeds, refunds, unspent escrow).
import { settlementAbi } from '@gridmarket/contracts';
import type { ChainContext } from '../chain/context';
import { readAccount } from '../read/positions';

export async function withdrawAvailable(ctx: ChainContext, agentIds: readonly number[]): Promise<{ withdrawals: number; amount: bigint }> {
  let withdrawals = 0;
  let amount = 0n;
  for (const id of agentIds) {
    const { available } = await readAccount(ctx, id);
    if (available === 0n) continue;
    const owner = ctx.owner(id);
    await ctx.send('withdraw', { address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'withdraw', args: [id, available, owner.address] }, owner);
    withdrawals++;
    amount += available;
  }
  return { withdrawals, amount };
}
