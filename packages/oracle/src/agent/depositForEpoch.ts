// An agent's own deposit before an epoch is posted, from its own process: it reads the day's
// document (checked against the hash the operator announced, which the epoch will commit to),
// computes what posting will lock for it, and deposits what is still missing from its owner's key.
import type { ResultDocument } from '@gridmarket/clearing/result';
import type { SettlementMode } from '@gridmarket/contracts';
import type { Hex } from 'viem';
import type { Account, ChainContext } from '../chain/context';
import { toOnchain } from '../documents/onchain';
import { networkAgentIds, positionOf, tokenDecimals } from '../read/epochData';
import { depositOwn, depositsDue, WalletShortError } from './fund';

export interface DepositForEpochParameters {
  doc: ResultDocument;
  epochId: number;
  agentId: number;
  /** The network the epoch's agents are registered in. */
  networkId: number;
  mode: SettlementMode;
  /** The agent's owner (see agentOwner). */
  owner: Account;
}

export interface DepositForEpochResult {
  /** Token units deposited now: 0 when enough was already available. */
  deposited: bigint;
  hashes: Hex[];
}

/** Errors: AgentNotInEpochError (not an agent of the network in this document), WalletShortError. */
export async function depositForEpoch(ctx: ChainContext, p: DepositForEpochParameters): Promise<DepositForEpochResult> {
  const agentIds = (await networkAgentIds(ctx, p.networkId)).slice(0, p.doc.case.agents.length);
  positionOf(p.agentId, agentIds, `network ${p.networkId} in this document`);
  const onchain = toOnchain(p.doc, { epochId: p.epochId, agentIds, tokenDecimals: await tokenDecimals(ctx), mode: p.mode });
  const [due] = await depositsDue(ctx, onchain, { only: { agentId: p.agentId, owner: p.owner } });
  if (!due) return { deposited: 0n, hashes: [] };
  if (due.wallet < due.top) throw new WalletShortError(p.agentId, due.wallet, due.top);
  return { deposited: due.top, hashes: await depositOwn(ctx, due) };
}
