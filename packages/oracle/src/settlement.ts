// Settlement: escrow for buyers, trades settled in gas-bounded batches of consecutive indices,
// proceeds withdrawn. Every step reads the chain first: processed trades are never sent again,
// escrow is only topped up to what open trades need, and only non-zero balances are withdrawn.
import { settlementAbi, settlementTokenAbi, tradeMultiProof } from '@gridmarket/contracts';
import { sendInBatches } from './batching';
import { checkBitsOf, isPassed } from './checks';
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
    // Tokens already in the owner's wallet (minted by a run that stopped before depositing) count.
    const wallet = await ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [owner.address] });
    if (wallet < top) {
      if (!options.mint) throw new Error(`the owner of agent ${buyer} holds ${wallet} token units but must escrow ${top}`);
      await ctx.send('mint test tokens', { address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'mint', args: [owner.address, top - wallet] });
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

/**
 * Settles every open trade that will be decided: a trade whose party failed its check (it will be
 * rejected) or whose buyer's escrow covers it (taking the buyer's trades in index order). Trades
 * that would stay unpaid are not sent, so a re-run with nothing new sends nothing.
 */
export async function settleTrades(ctx: ChainContext, epoch: OnchainEpoch): Promise<{ sent: number; batches: number }> {
  if (!epoch.tradeTree) return { sent: 0, batches: 0 };
  const statuses = await tradeStatuses(ctx, epoch.epochId, epoch.trades.length);
  const bits = await checkBitsOf(ctx, epoch.epochId, epoch.agentIds);
  const bitsOf = new Map(epoch.agentIds.map((id, i) => [id, bits[i]!]));
  const escrow = new Map<number, bigint>();
  const decided: number[] = [];
  for (const [i, t] of epoch.trades.entries()) {
    if (statuses[i] !== 'open') continue;
    const rejected = !isPassed(bitsOf.get(t.seller)!, t.hour) || !isPassed(bitsOf.get(t.buyer)!, t.hour);
    if (!rejected) {
      if (!escrow.has(t.buyer)) {
        escrow.set(t.buyer, await ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'escrowOf', args: [t.buyer] }));
      }
      const left = escrow.get(t.buyer)!;
      if (left < t.value) continue; // would stay unpaid
      escrow.set(t.buyer, left - t.value);
    }
    decided.push(i);
  }
  if (decided.length === 0) return { sent: 0, batches: 0 };
  const tree = epoch.tradeTree;
  const { batches } = await sendInBatches(ctx, {
    step: 'settle trades',
    items: decided,
    build: (slice) => {
      const mp = tradeMultiProof(tree, slice);
      return { address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'settleTrades', args: [epoch.epochId, mp.words, mp.proof, mp.proofFlagBits] };
    },
  });
  return { sent: decided.length, batches };
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
