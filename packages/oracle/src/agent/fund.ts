// Escrow before posting: every agent whose schedule buys energy deposits what posting will lock
// (its purchases at the hour's price, rounded up), and the grid agent the surplus reserve. Each
// deposit is the agent's own transaction, from its owner's account. Balances already available
// (proceeds of earlier days, an earlier deposit) count, so re-running deposits nothing twice.
import { settlementAbi, settlementTokenAbi } from '@gridmarket/contracts';
import { maxUint256 } from 'viem';
import type { ChainContext } from '../chain/context';
import type { OnchainEpoch } from '../documents/onchain';
import { findEpoch } from '../read/epoch';
import { readAccount } from '../read/positions';

/** What each agent must have available when the epoch is posted, by agent id. */
export function requiredBalances(epoch: OnchainEpoch): Map<number, bigint> {
  const need = new Map<number, bigint>();
  epoch.agentIds.forEach((id, k) => {
    const amount = epoch.commitments.locks[k]! + (k === epoch.gridPosition ? epoch.commitments.reserve : 0n);
    if (amount > 0n) need.set(id, amount);
  });
  return need;
}

/**
 * Tops every agent's available balance up to what the epoch locks (before it is posted). With the local test token the
 * operator mints it to the owner first (`mint`); otherwise an owner short of tokens is an error.
 * `shortfall` lets a test leave an agent short (a share of what it needs, by agent id).
 */
export async function fundPositions(ctx: ChainContext, epoch: OnchainEpoch, options: { mint: boolean; shortfall?: Map<number, number> }): Promise<number> {
  // Once the epoch is posted its locks are taken: nothing more to deposit for it.
  if (await findEpoch(ctx, epoch.epochId)) return 0;
  // What each agent still has to deposit, read for all agents at once.
  const tops = await Promise.all(
    [...requiredBalances(epoch)].map(async ([agentId, required]) => {
      const share = options.shortfall?.get(agentId);
      const target = share === undefined ? required : (required * BigInt(Math.round(share * 1e6))) / 1_000_000n;
      const { available } = await readAccount(ctx, agentId);
      const owner = ctx.owner(agentId);
      // Tokens already in the owner's wallet (minted by a run that stopped before depositing) count.
      const [wallet, allowance] = await Promise.all([
        ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [owner.address] }),
        ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'allowance', args: [owner.address, ctx.deployment.settlement] }),
      ]);
      return { agentId, owner, top: target - available, wallet, allowance };
    }),
  );
  const due = tops.filter((t) => t.top > 0n);
  // The test token's mints come from the operator's one account: one after the other.
  for (const { agentId, owner, top, wallet } of due) {
    if (wallet >= top) continue;
    if (!options.mint) throw new Error(`the owner of agent ${agentId} holds ${wallet} token units but must deposit ${top}`);
    await ctx.send('mint test tokens', { address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'mint', args: [owner.address, top - wallet] });
  }
  // Each owner approves (once for good: the contract only pulls what its owner deposits) and
  // deposits from its own account, so the owners go side by side. Every owner's sends end before
  // the first failure is raised, so a stopped run leaves nothing in flight.
  const results = await Promise.allSettled(
    due.map(async ({ agentId, owner, top, allowance }) => {
      if (allowance < top) {
        await ctx.send('deposit escrow', { address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'approve', args: [ctx.deployment.settlement, maxUint256] }, owner);
      }
      await ctx.send('deposit escrow', { address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'deposit', args: [agentId, top] }, owner);
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return due.length;
}
