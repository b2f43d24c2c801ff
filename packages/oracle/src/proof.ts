// A participant's view of an epoch: its schedule leaves and its trades, each with a Merkle proof
// that anyone can check against the roots on chain (StandardMerkleTree leaves, sorted-pair hashing).
import { SCHEDULE_LEAF_TYPES, TRADE_LEAF_TYPES, verifyScheduleLeaf, verifyTradeLeaf } from '@gridmarket/contracts';
import type { Hex } from 'viem';
import type { ChainContext } from './context';
import { loadEpochData } from './epochData';
import type { DocumentStore } from './store';

export interface ParticipantProof {
  epochId: number;
  agentId: number;
  roots: { schedule: Hex; trades: Hex };
  leafEncoding: { schedule: readonly string[]; trade: readonly string[] };
  schedule: { hour: number; energyWh: string; leaf: (string | number)[]; proof: Hex[] }[];
  trades: { tradeIndex: number; role: 'seller' | 'buyer'; counterparty: number; hour: number; energyWh: string; value: string; leaf: (string | number)[]; proof: Hex[] }[];
  /** Every proof verified locally against the roots on chain. */
  verified: boolean;
}

export async function participantProof(ctx: ChainContext, store: DocumentStore, epochId: number, agentId: number): Promise<ParticipantProof> {
  const { epoch, onchain } = await loadEpochData(ctx, store, epochId);
  if (!onchain.agentIds.includes(agentId)) throw new RangeError(`agent ${agentId} is not in epoch ${epochId} (agents ${onchain.agentIds.join(', ')})`);
  const str = (v: readonly unknown[]) => v.map((x) => (typeof x === 'bigint' ? x.toString() : (x as number)));
  let verified = true;
  const schedule = onchain.schedule.flatMap((leaf, i) => {
    if (leaf.agentId !== agentId) return [];
    const values = [epochId, leaf.agentId, leaf.hour, leaf.energyWh];
    const proof = onchain.scheduleTree.getProof(i) as Hex[];
    verified &&= verifyScheduleLeaf(epoch.scheduleRoot, epochId, leaf, proof);
    return [{ hour: leaf.hour, energyWh: leaf.energyWh.toString(), leaf: str(values), proof }];
  });
  const trades = onchain.trades.flatMap((t, i) => {
    if (t.seller !== agentId && t.buyer !== agentId) return [];
    const values = [epochId, t.tradeIndex, t.seller, t.buyer, t.hour, t.energyWh, t.value];
    const proof = onchain.tradeTree!.getProof(i) as Hex[];
    verified &&= verifyTradeLeaf(epoch.tradeRoot, epochId, t, proof);
    return [
      {
        tradeIndex: t.tradeIndex,
        role: t.seller === agentId ? ('seller' as const) : ('buyer' as const),
        counterparty: t.seller === agentId ? t.buyer : t.seller,
        hour: t.hour,
        energyWh: t.energyWh.toString(),
        value: t.value.toString(),
        leaf: str(values),
        proof,
      },
    ];
  });
  return {
    epochId,
    agentId,
    roots: { schedule: epoch.scheduleRoot, trades: epoch.tradeRoot },
    leafEncoding: { schedule: SCHEDULE_LEAF_TYPES, trade: TRADE_LEAF_TYPES },
    schedule,
    trades,
    verified,
  };
}
