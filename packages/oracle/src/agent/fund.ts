// Escrow before posting: every agent whose schedule buys energy deposits what posting will lock
// (its purchases at the hour's price, rounded up), and the grid agent the surplus reserve. Each
// deposit is the agent's own transaction, from its owner's account. Balances already available
// (proceeds of earlier days, an earlier deposit) count, so re-running deposits nothing twice.
import { settlementAbi, settlementTokenAbi } from '@gridmarket/contracts';
import { type Hex, maxUint256 } from 'viem';
import type { Account, ChainContext } from '../chain/context';
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

/** An agent that must deposit before posting: how much more, from which owner, what its wallet holds. */
export interface DepositDue {
  agentId: number;
  owner: Account;
  top: bigint;
  wallet: bigint;
  allowance: bigint;
}

/**
 * Who still has to deposit for the epoch (before it is posted), and how much: each agent's
 * requirement minus what it has available. `shortfall` lets a test leave an agent short (a share of
 * what it needs, by agent id). `only` asks for one agent, whose owner is given (an agent's own process).
 */
export async function depositsDue(ctx: ChainContext, epoch: OnchainEpoch, options: { shortfall?: Map<number, number>; only?: { agentId: number; owner: Account } } = {}): Promise<DepositDue[]> {
  // Once the epoch is posted its locks are taken: nothing more to deposit for it.
  if (await findEpoch(ctx, epoch.epochId)) return [];
  const tops = await Promise.all(
    [...requiredBalances(epoch)].filter(([agentId]) => options.only === undefined || agentId === options.only.agentId).map(async ([agentId, required]) => {
      const share = options.shortfall?.get(agentId);
      const target = share === undefined ? required : (required * BigInt(Math.round(share * 1e6))) / 1_000_000n;
      const { available } = await readAccount(ctx, agentId);
      const owner = options.only?.owner ?? ctx.owner(agentId);
      // Tokens already in the owner's wallet (minted by a run that stopped before depositing) count.
      const [wallet, allowance] = await Promise.all([
        ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [owner.address] }),
        ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'allowance', args: [owner.address, ctx.deployment.settlement] }),
      ]);
      return { agentId, owner, top: target - available, wallet, allowance };
    }),
  );
  return tops.filter((t) => t.top > 0n);
}

/** An owner whose wallet holds fewer tokens than its agent must deposit. */
export class WalletShortError extends Error {
  override name = 'WalletShortError';
  constructor(
    readonly agentId: number,
    readonly wallet: bigint,
    readonly top: bigint,
  ) {
    super(`the owner of agent ${agentId} holds ${wallet} token units but must deposit ${top}`);
  }
}

/** The operator of a local chain mints the test token to every owner short of what it must deposit. */
export async function mintTestTokens(ctx: ChainContext, due: readonly DepositDue[]): Promise<void> {
  // The test token's mints come from the operator's one account: one after the other.
  for (const { owner, top, wallet } of due) {
    if (wallet >= top) continue;
    await ctx.send('mint test tokens', { address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'mint', args: [owner.address, top - wallet] });
  }
}

/** An agent's own deposit, from its owner's account: approves once for good, then deposits `top`. Returns the transactions. */
export async function depositOwn(ctx: ChainContext, d: Pick<DepositDue, 'agentId' | 'owner' | 'top' | 'allowance'>): Promise<Hex[]> {
  const hashes: Hex[] = [];
  if (d.allowance < d.top) {
    const r = await ctx.send('deposit escrow', { address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'approve', args: [ctx.deployment.settlement, maxUint256] }, d.owner);
    hashes.push(r.transactionHash);
  }
  hashes.push((await ctx.send('deposit escrow', { address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'deposit', args: [d.agentId, d.top] }, d.owner)).transactionHash);
  return hashes;
}

/**
 * Tops every agent's available balance up to what the epoch locks (before it is posted). With the local test token the
 * operator mints it to the owner first (`mint`); otherwise an owner short of tokens is an error.
 */
export async function fundPositions(ctx: ChainContext, epoch: OnchainEpoch, options: { mint: boolean; shortfall?: Map<number, number> }): Promise<number> {
  const due = await depositsDue(ctx, epoch, options.shortfall ? { shortfall: options.shortfall } : {});
  if (options.mint) await mintTestTokens(ctx, due);
  else {
    const short = due.find((d) => d.wallet < d.top);
    if (short) throw new WalletShortError(short.agentId, short.wallet, short.top);
  }
  // The owners go side by side. Every owner's sends end before the first failure is raised, so a
  // stopped run leaves nothing in flight.
  const results = await Promise.allSettled(due.map((d) => depositOwn(ctx, d)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return due.length;
}
