// After posting: an agent checks that its posted schedule row is the one the operator signed, and
// if it is not, disputes on chain with the operator's signature (disputeSignedSchedule), committing
// to the dispute first (commitChallenge with a random salt, in an earlier block) as every dispute
// does, so that nobody who copies the transaction earns the challenger's share.
import { randomBytes } from 'node:crypto';
import { clearingLedgerAbi, rowProof } from '@gridmarket/contracts';
import { type Account, type ChainContext, challengeCommitment, type DocumentStore, loadEpochData, readEpoch } from '@gridmarket/oracle/read';
import { bytesToHex, type Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import type { SignedSchedule } from './schedule';

export type ScheduleCheck =
  | { epochId: number; agentId: number; outcome: 'matches' }
  | { epochId: number; agentId: number; outcome: 'disputed'; hour: number; postedWh: number; signedWh: number; voided: boolean }
  | { epochId: number; agentId: number; outcome: 'already voided' | 'not in epoch' | 'document does not match the root' | 'signed for another agent'; detail: string };

export async function checkPostedSchedule(
  ctx: ChainContext,
  store: DocumentStore,
  signed: SignedSchedule,
  challenger: LocalAccount,
  options: { dispute?: boolean; /** The agent's index in the case: its row's position in the epoch. */ position?: number } = {},
): Promise<ScheduleCheck> {
  const { epochId, agentId } = signed;
  const data = await loadEpochData(ctx, store, epochId);
  if (options.position !== undefined && data.onchain.agentIds[options.position] !== agentId) {
    return { epochId, agentId, outcome: 'signed for another agent', detail: `the schedule names agent ${agentId}, the epoch's row ${options.position} is agent ${data.onchain.agentIds[options.position]}` };
  }
  const position = data.onchain.agentIds.indexOf(agentId);
  if (position < 0) return { epochId, agentId, outcome: 'not in epoch', detail: `agent ${agentId} has no row in epoch ${epochId}` };
  if (data.onchain.scheduleTree.root !== data.epoch.scheduleRoot) {
    return { epochId, agentId, outcome: 'document does not match the root', detail: `the document's schedule root ${data.onchain.scheduleTree.root} is not the posted ${data.epoch.scheduleRoot}` };
  }
  const posted = rowProof(data.onchain.scheduleTree, position);
  const hour = signed.energyWh.findIndex((w, t) => Number(posted.energyWh[t]) !== w);
  if (hour < 0) return { epochId, agentId, outcome: 'matches' };
  const mismatch = { hour, postedWh: Number(posted.energyWh[hour]), signedWh: signed.energyWh[hour]! };
  if (data.epoch.voided) return { epochId, agentId, outcome: 'already voided', detail: `hour ${hour}: posted ${mismatch.postedWh} Wh, signed ${mismatch.signedWh} Wh` };
  if (options.dispute === false) return { epochId, agentId, outcome: 'disputed', ...mismatch, voided: false };
  const salt = bytesToHex(randomBytes(32)) as Hex;
  const ledger = ctx.deployment.clearingLedger;
  await ctx.send('commit a challenge', { address: ledger, abi: clearingLedgerAbi, functionName: 'commitChallenge', args: [challengeCommitment(challenger.address, epochId, salt)] }, challenger as Account);
  try {
    await ctx.send(
      'dispute a signed schedule',
      { address: ledger, abi: clearingLedgerAbi, functionName: 'disputeSignedSchedule', args: [epochId, agentId, signed.energyWh, signed.signature, posted, salt] },
      challenger as Account,
    );
  } catch (err) {
    // Another agent's dispute may have voided the epoch first.
    if ((await readEpoch(ctx, epochId)).voided) return { epochId, agentId, outcome: 'already voided', detail: `hour ${hour}: posted ${mismatch.postedWh} Wh, signed ${mismatch.signedWh} Wh` };
    throw err;
  }
  return { epochId, agentId, outcome: 'disputed', ...mismatch, voided: (await readEpoch(ctx, epochId)).voided };
}
