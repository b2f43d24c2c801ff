// Agents with the names the documents give them, and the development accounts offered on a local
// chain: every agent's owner, and an auditor.
import 'server-only';
import { type ChainContext, type DocumentStore, networkAgentIds } from '@gridmarket/oracle/read';
import type { AgentInfo, DevAccount, EpochSummary } from '@/lib/types';
import { readDocument } from './epochs';
import { listAgents } from './participant';

/** Anvil's second development account (public key of the well-known test mnemonic). */
export const DEV_AUDITOR = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

export async function namedAgents(ctx: ChainContext, store: DocumentStore, epochs: readonly EpochSummary[]): Promise<AgentInfo[]> {
  const names = new Map<number, string>();
  // Oldest first, so that the newest document's names win.
  for (const e of [...epochs].reverse()) {
    const { doc } = await readDocument(store, e);
    if (!doc) continue;
    const ids = await networkAgentIds(ctx, e.networkId);
    doc.case.agents.forEach((a, i) => ids[i] !== undefined && names.set(ids[i]!, a.id));
  }
  return listAgents(ctx, names);
}

export function devAccountsOf(agents: readonly AgentInfo[], withAuditor: boolean): DevAccount[] {
  const owners = agents.filter((a) => a.kind !== 'grid').map((a) => ({ address: a.owner, label: `${a.name} (${a.kind}, agent ${a.id})` }));
  return withAuditor ? [{ address: DEV_AUDITOR, label: 'auditor' }, ...owners] : owners;
}
