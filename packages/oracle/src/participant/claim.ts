// A participant's claim, one step at a time: settle its own position once both windows are over
// (or get its lock back if the epoch was voided), then withdraw its available balance. Each call
// reads the chain and returns the next transaction as plain calldata, so any wallet can sign it
// (the web app's Claim button, a script) and the claim resumes wherever it stopped. Settling is
// permissionless; only the withdrawal must come from the agent's owner.
import { settlementAbi, settlePosition } from '@gridmarket/contracts';
import { encodeFunctionData, type Hex } from 'viem';
import type { ChainContext } from '../chain/context';
import type { DocumentStore } from '../documents/store';
import { loadEpochData, positionOf, registeredAgent } from '../read/epochData';
import { readAccount } from '../read/positions';
import { readStoredReadings } from '../read/readings';
import { settleAgentsRequest } from '../settler/settle';
import { settlementOpensAt } from '../settler/settlePosted';

export interface ClaimTransaction {
  to: Hex;
  data: Hex;
}

export type ClaimStep =
  | { kind: 'settle'; description: string; tx: ClaimTransaction }
  | { kind: 'withdraw'; description: string; amount: string; tx: ClaimTransaction }
  | { kind: 'wait'; description: string; until: number }
  | { kind: 'done'; description: string };

export interface ClaimPlan {
  epochId: number;
  agentId: number;
  /** The account that must send a withdrawal. */
  owner: Hex;
  settled: boolean;
  /** What settling pays the agent (credits) and charges it (locks and imbalance), base units. */
  position: { credit: string; lock: string; surplusCredit: string; shortfallCharge: string; forfeit: string } | undefined;
  available: string;
  locked: string;
  next: ClaimStep;
}

export async function claimPlan(ctx: ChainContext, store: DocumentStore, epochId: number, agentId: number): Promise<ClaimPlan> {
  const { epoch, onchain } = await loadEpochData(ctx, store, epochId);
  const k = positionOf(agentId, onchain.agentIds, `epoch ${epochId}`);
  const read = ctx.publicClient;
  const agent = await registeredAgent(ctx, agentId);
  const account = await readAccount(ctx, agentId);
  const settled = await read.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'isSettled', args: [epochId, agentId] });
  const readings = await readStoredReadings(ctx, epochId, [agentId]);
  const p = epoch.voided
    ? undefined
    : settlePosition({ mode: onchain.mode, isGrid: k === onchain.gridPosition, toleranceWh: epoch.toleranceWh, row: onchain.rows[k]!, measured: readings.get(agentId)?.energyWh, tariff: onchain.tariff });
  const plan = (next: ClaimStep): ClaimPlan => ({
    epochId,
    agentId,
    owner: agent.owner,
    settled,
    position: p && { credit: p.credit.toString(), lock: p.lock.toString(), surplusCredit: p.surplusCredit.toString(), shortfallCharge: p.shortfallCharge.toString(), forfeit: p.forfeit.toString() },
    available: account.available.toString(),
    locked: account.locked.toString(),
    next,
  });
  const withdrawOr = (fallback: ClaimStep): ClaimPlan =>
    account.available > 0n
      ? plan({
          kind: 'withdraw',
          description: `withdraw ${account.available} token units to the owner`,
          amount: account.available.toString(),
          tx: { to: ctx.deployment.settlement, data: encodeFunctionData({ abi: settlementAbi, functionName: 'withdraw', args: [agentId, account.available, agent.owner] }) },
        })
      : plan(fallback);

  if (!settled) {
    if (!epoch.voided) {
      const now = (await read.getBlock()).timestamp;
      const opens = settlementOpensAt(epoch);
      if (now <= opens) {
        const what = now <= epoch.readingsCloseAt ? 'meter readings are still being submitted' : 'the challenge window is open';
        return withdrawOr({ kind: 'wait', description: `${what}: settlement opens after chain time ${opens}`, until: Number(opens) });
      }
    }
    const request = settleAgentsRequest(ctx, onchain, [k], readings);
    return plan({
      kind: 'settle',
      description: epoch.voided ? `take back the lock of voided epoch ${epochId}` : `settle agent ${agentId}'s position in epoch ${epochId}`,
      tx: { to: request.address, data: encodeFunctionData({ abi: request.abi, functionName: request.functionName, args: request.args }) },
    });
  }
  return withdrawOr({ kind: 'done', description: epoch.voided ? `epoch ${epochId} was voided; the lock was given back` : 'the position is settled and nothing is left to withdraw' });
}
