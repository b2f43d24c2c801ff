// Everything about a posted epoch that the proof, audit and dispute commands need: the epoch from
// the chain, its document from the store (checked against the committed hash), the network's
// on-chain agent ids and the rebuilt trees.
import { clearingLedgerAbi, participantRegistryAbi, settlementTokenAbi } from '@gridmarket/contracts';
import type { ResultDocument } from '@gridmarket/clearing';
import type { ChainContext } from './context';
import { readEpoch, type EpochOnchain } from './epoch';
import { type OnchainEpoch, toOnchain } from './onchain';
import type { DocumentStore } from './store';

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

export async function tokenDecimals(ctx: ChainContext): Promise<number> {
  return ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'decimals' });
}

export async function loadEpochData(ctx: ChainContext, store: DocumentStore, epochId: number): Promise<EpochData> {
  const epoch = await readEpoch(ctx, epochId);
  const uri = await ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'documentURI', args: [epochId] });
  const doc = store.get(uri, epoch.documentHash);
  const agentIds = (await networkAgentIds(ctx, epoch.networkId)).slice(0, epoch.agentCount);
  // The trees depend only on the document (whose bytes were just checked against the committed
  // hash), the epoch and the agent ids: rebuilt once per process, not per request.
  const key = `${ctx.deployment.clearingLedger}:${epochId}:${epoch.documentHash}:${agentIds.join(',')}`;
  let onchain = trees.get(key);
  if (!onchain) {
    // Unchecked: an auditor must be able to rebuild a faulty document's trees too (audit reports
    // conservation separately).
    onchain = toOnchain(doc, { epochId, agentIds, tokenDecimals: await tokenDecimals(ctx), unchecked: true });
    trees.set(key, onchain);
    if (trees.size > 16) trees.delete(trees.keys().next().value!);
  }
  return { epoch, uri, doc, onchain };
}

const trees = new Map<string, OnchainEpoch>();
