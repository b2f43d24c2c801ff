// Everything about a posted epoch that the proof, audit, claim and dispute tools need: the epoch
// from the chain, its document from the store (checked against the committed hash), the network's
// on-chain agent ids and the rebuilt rows, tariff, trades and trees.
import { clearingLedgerAbi, participantRegistryAbi, settlementTokenAbi } from '@gridmarket/contracts';
import type { ResultDocument } from '@gridmarket/clearing/result';
import type { ChainContext } from '../chain/context';
import { type OnchainEpoch, toOnchain } from '../documents/onchain';
import type { DocumentStore } from '../documents/store';
import { type EpochOnchain, readEpoch } from './epoch';

export interface EpochData {
  epoch: EpochOnchain;
  uri: string;
  doc: ResultDocument;
  onchain: OnchainEpoch;
}

export async function networkAgentIds(ctx: ChainContext, networkId: number): Promise<number[]> {
  const ids = await ctx.publicClient.readContract({ address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'networkAgents', args: [networkId] });
  return [...ids];
}

/** The registry's record of an agent: owner, meter key, network, bus, kind, storage. */
export async function registeredAgent(ctx: ChainContext, agentId: number) {
  return ctx.publicClient.readContract({ address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'agent', args: [agentId] });
}

export async function tokenDecimals(ctx: ChainContext): Promise<number> {
  return ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'decimals' });
}

export async function loadEpochData(ctx: ChainContext, store: DocumentStore, epochId: number): Promise<EpochData> {
  const epoch = await readEpoch(ctx, epochId);
  const uri = await ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'documentURI', args: [epochId] });
  const doc = await store.get(uri, epoch.documentHash);
  const agentIds = (await networkAgentIds(ctx, epoch.networkId)).slice(0, epoch.agentCount);
  // The rows and trees depend only on the document (whose bytes were just checked against the
  // committed hash), the epoch's id and mode, the agent ids and the token: rebuilt once per
  // process, not per request. (Two chains can hold the same document under the same ledger
  // address and epoch id, so everything the form depends on is in the key.)
  const decimals = await tokenDecimals(ctx);
  const key = [ctx.deployment.chainId, ctx.deployment.clearingLedger, epochId, epoch.documentHash, epoch.scheduleRoot, epoch.settlementMode, decimals, agentIds.join(',')].join(':');
  let onchain = built.get(key);
  if (!onchain) {
    // Unchecked: an auditor must be able to rebuild a faulty document too (audit reports
    // conservation separately).
    onchain = toOnchain(doc, { epochId, agentIds, tokenDecimals: decimals, mode: epoch.settlementMode, unchecked: true });
    built.set(key, onchain);
    if (built.size > 16) built.delete(built.keys().next().value!);
  }
  return { epoch, uri, doc, onchain };
}

const built = new Map<string, OnchainEpoch>();

/** An agent that is not among an epoch's (or a network's) agents: a RangeError, as every reader has always raised it. */
export class AgentNotInEpochError extends RangeError {
  override name = 'AgentNotInEpochError';
  constructor(
    readonly agentId: number,
    /** Where it was looked for, e.g. "epoch 4" or "network 1 in this document". */
    readonly where: string,
    readonly agentIds: readonly number[],
  ) {
    super(`agent ${agentId} is not an agent of ${where} (its agents are ${agentIds.join(', ')})`);
  }
}

/** The agent's position (document order) among `agentIds`; an AgentNotInEpochError if it has none. */
export function positionOf(agentId: number, agentIds: readonly number[], where: string): number {
  const pos = agentIds.indexOf(agentId);
  if (pos < 0) throw new AgentNotInEpochError(agentId, where, agentIds);
  return pos;
}
