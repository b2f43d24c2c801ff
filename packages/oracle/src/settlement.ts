// Settlement: escrow for buyers, trades settled in gas-bounded batches of consecutive indices,
// proceeds withdrawn. Every step reads the chain first: processed trades are never sent again,
// escrow is only topped up to what open trades need, and only non-zero balances are withdrawn.
import { settlementAbi, settlementTokenAbi, tradeMultiProof } from '@gridmarket/contracts';
import { sendInBatches } from './batching';
import type { ChainContext } from './context';
import type { OnchainEpoch } from './onchain';

export const TRADE_STATUS = ['open', 'settled', 'rejected'] as const;
export type TradeStatusName = (typeof TRADE_STATUS)[number];

/** Statuses of all trades of an epoch, read in slices. */
export async function tradeStatuses(ctx: ChainContext, epochId: number, tradeCount: number): Promise<TradeStatusName[]> {
  const out: TradeStatusName[] = [];
  for (let from = 0; from < tradeCount; from += 2000) {
    const count = Math.min(2000, tradeCount - from);
    const part = await ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'tradeStatuses', args: [epochId, from, count] });
    for (const s of part) out.push(TRADE_STATUS[s]!);
  }
  return out;
}

/**
 * Buyers escrow what their open trades need. With the local test token the operator mints it to
 * them first; `shortfall` lets a test leave a buyer short (a share of what it needs, per agent).
 */
export async function fundBuyers(ctx: ChainContext, epoch: OnchainEpoch, options: { mint: boolean; shortfall?: Map<number, number> }): Promise<number> {
  const statuses = await tradeStatuses(ctx, epoch.epochId, epoch.trades.length);
  const needed = new Map<number, bigint>();
  epoch.trades.forEach((t, i) => {
    if (statuses[i] === 'open') needed.set(t.buyer, (needed.get(t.buyer) ?? 0n) + t.value);
  });
  let deposits = 0;
  for (const [buyer, amount] of needed) {
    const escrow = await ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'escrowOf', args: [buyer] });
    const share = options.shortfall?.get(buyer);
    const target = share === undefined ? amount : (amount * BigInt(Math.round(share * 1e6))) / 1_000_000n;
    if (escrow >= target) continue;
    const owner = ctx.owner(buyer);
    const top = target - escrow;
    if (options.mint) {
      await ctx.send('mint test tokens', { address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'mint', args: [owner.address, top] });
    }
    const allowance = await ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'allowance', args: [owner.address, ctx.deployment.settlement] });
    if (allowance < top) {
      await ctx.send('deposit escrow', { address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'approve', args: [ctx.deployment.settlement, top] }, owner);
    }
    await ctx.send('deposit escrow', { address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'deposit', args: [buyer, top] }, owner);
    deposits++;
  }
  return deposits;
}

/** Settles every open trade; returns how many were sent and in how many batches. */
export async function settleTrades(ctx: ChainContext, epoch: OnchainEpoch): Promise<{ sent: number; batches: number }> {
  if (!epoch.tradeTree) return { sent: 0, batches: 0 };
  const statuses = await tradeStatuses(ctx, epoch.epochId, epoch.trades.length);
  const open = statuses.flatMap((s, i) => (s === 'open' ? [i] : []));
  if (open.length === 0) return { sent: 0, batches: 0 };
  const tree = epoch.tradeTree;
  const { batches } = await sendInBatches(ctx, {
    step: 'settle trades',
    items: open,
    build: (slice) => {
      const mp = tradeMultiProof(tree, slice);
      return { address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'settleTrades', args: [epoch.epochId, mp.words, mp.proof, mp.proofFlagBits] };
    },
  });
  return { sent: open.length, batches };
}

/** Every agent with proceeds withdraws them to its owner. */
export async function withdrawProceeds(ctx: ChainContext, agentIds: readonly number[]): Promise<{ withdrawals: number; amount: bigint }> {
  let withdrawals = 0;
  let amount = 0n;
  for (const id of agentIds) {
    const due = await ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'claimableOf', args: [id] });
    if (due === 0n) continue;
    const owner = ctx.owner(id);
    await ctx.send('withdraw', { address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'withdraw', args: [id, owner.address] }, owner);
    withdrawals++;
    amount += due;
  }
  return { withdrawals, amount };
}
