// A participant's claim, one step at a time: reveal the schedule leaves its trades depend on (if
// the oracle has not), settle its decidable trades with a multiproof, withdraw its proceeds. Each
// call reads the chain and returns the next transaction as plain calldata, so any wallet can sign
// it (the web app's Claim button, a script) and the claim resumes wherever it stopped. Everything
// here is permissionless except the withdrawal, which only the agent's owner may make.
import { meterReadingsAbi, participantRegistryAbi, scheduleMultiProof, settlementAbi, tradeMultiProof } from '@gridmarket/contracts';
import { encodeFunctionData, type Hex } from 'viem';
import { checkBitsOf, isChecked, isPassed } from './checks';
import type { ChainContext } from './context';
import { loadEpochData } from './epochData';
import { tradeStatuses } from './settlement';
import type { DocumentStore } from './store';

/** Items per claim transaction: keeps a step well inside a block whatever the wallet's estimate. */
export const CLAIM_BATCH = 400;

export interface ClaimTransaction {
  to: Hex;
  data: Hex;
}

export type ClaimStep =
  | { kind: 'check'; description: string; leaves: number; tx: ClaimTransaction }
  | { kind: 'settle'; description: string; trades: number; tx: ClaimTransaction }
  | { kind: 'withdraw'; description: string; amount: string; tx: ClaimTransaction }
  | { kind: 'wait'; description: string; until: number }
  | { kind: 'done'; description: string };

export interface ClaimPlan {
  epochId: number;
  agentId: number;
  /** The account that must send a withdrawal. */
  owner: Hex;
  trades: { total: number; settled: number; rejected: number; open: number; awaitingEscrow: number };
  claimable: string;
  next: ClaimStep;
}

export async function claimPlan(ctx: ChainContext, store: DocumentStore, epochId: number, agentId: number): Promise<ClaimPlan> {
  const { epoch, onchain } = await loadEpochData(ctx, store, epochId);
  if (!onchain.agentIds.includes(agentId)) throw new RangeError(`agent ${agentId} is not in epoch ${epochId} (agents ${onchain.agentIds.join(', ')})`);
  const read = ctx.publicClient;
  const agent = await read.readContract({ address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'agent', args: [agentId] });
  const claimable = await read.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'claimableOf', args: [agentId] });
  const statuses = await tradeStatuses(ctx, epochId, onchain.trades.length);
  const mine = onchain.trades.flatMap((t, i) => (t.seller === agentId || t.buyer === agentId ? [i] : []));
  const count = (s: string) => mine.filter((i) => statuses[i] === s).length;
  const open = mine.filter((i) => statuses[i] === 'open');
  const plan = (next: ClaimStep, awaitingEscrow = 0): ClaimPlan => ({
    epochId,
    agentId,
    owner: agent.owner,
    trades: { total: mine.length, settled: count('settled'), rejected: count('rejected'), open: open.length, awaitingEscrow },
    claimable: claimable.toString(),
    next,
  });
  const withdrawOr = (fallback: ClaimStep, awaitingEscrow = 0): ClaimPlan =>
    claimable > 0n
      ? plan(
          {
            kind: 'withdraw',
            description: `withdraw ${claimable} token units to the owner`,
            amount: claimable.toString(),
            tx: { to: ctx.deployment.settlement, data: encodeFunctionData({ abi: settlementAbi, functionName: 'withdraw', args: [agentId, agent.owner] }) },
          },
          awaitingEscrow,
        )
      : plan(fallback, awaitingEscrow);

  if (epoch.voided) return withdrawOr({ kind: 'done', description: `epoch ${epochId} was voided by a dispute: its trades are never settled` });
  if (open.length === 0) return withdrawOr({ kind: 'done', description: 'every trade of this agent is settled or rejected' });
  const now = (await read.getBlock()).timestamp;
  if (now <= epoch.readingsCloseAt) {
    return withdrawOr({ kind: 'wait', description: 'meter readings are still being submitted', until: Number(epoch.readingsCloseAt) });
  }

  // 1. The schedule leaves the open trades are judged on: both parties, at each trade's hour.
  const bits = await checkBitsOf(ctx, epochId, onchain.agentIds);
  const bitsOf = new Map(onchain.agentIds.map((id, i) => [id, bits[i]!]));
  const needed = new Set<string>();
  for (const i of open) {
    const t = onchain.trades[i]!;
    for (const party of [t.seller, t.buyer]) if (!isChecked(bitsOf.get(party)!, t.hour)) needed.add(`${party}:${t.hour}`);
  }
  if (needed.size > 0) {
    const leaves = onchain.schedule.flatMap((l, i) => (needed.has(`${l.agentId}:${l.hour}`) ? [i] : [])).slice(0, CLAIM_BATCH);
    const mp = scheduleMultiProof(onchain.scheduleTree, leaves);
    return plan({
      kind: 'check',
      description: `reveal ${leaves.length} schedule values against the meter readings`,
      leaves: leaves.length,
      tx: { to: ctx.deployment.meterReadings, data: encodeFunctionData({ abi: meterReadingsAbi, functionName: 'checkSchedule', args: [epochId, mp.leaves, mp.proof, mp.proofFlagBits] }) },
    });
  }
  if (now <= epoch.challengeEndsAt) {
    return withdrawOr({ kind: 'wait', description: 'the challenge window is open', until: Number(epoch.challengeEndsAt) });
  }

  // 2. Trades that will be decided: a party failed its check (rejected), or the buyer's escrow
  // covers it (paid, in index order). The others would stay unpaid: not sent.
  const escrow = new Map<number, bigint>();
  const decided: number[] = [];
  let awaitingEscrow = 0;
  for (const i of open) {
    const t = onchain.trades[i]!;
    const passed = isPassed(bitsOf.get(t.seller)!, t.hour) && isPassed(bitsOf.get(t.buyer)!, t.hour);
    if (passed) {
      if (!escrow.has(t.buyer)) escrow.set(t.buyer, await read.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'escrowOf', args: [t.buyer] }));
      const left = escrow.get(t.buyer)!;
      if (left < t.value) {
        awaitingEscrow++;
        continue;
      }
      escrow.set(t.buyer, left - t.value);
    }
    decided.push(i);
  }
  if (decided.length > 0) {
    const slice = decided.slice(0, CLAIM_BATCH);
    const mp = tradeMultiProof(onchain.tradeTree!, slice);
    return plan(
      {
        kind: 'settle',
        description: `settle ${slice.length} trades with a multiproof`,
        trades: slice.length,
        tx: { to: ctx.deployment.settlement, data: encodeFunctionData({ abi: settlementAbi, functionName: 'settleTrades', args: [epochId, mp.words, mp.proof, mp.proofFlagBits] }) },
      },
      awaitingEscrow,
    );
  }
  return withdrawOr({ kind: 'done', description: `${awaitingEscrow} trades wait for their buyers' escrow` }, awaitingEscrow);
}
