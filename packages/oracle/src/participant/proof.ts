// A participant's view of an epoch: its schedule row and its trades, each with a Merkle proof
// that anyone can check against the roots on chain (StandardMerkleTree leaves, sorted-pair
// hashing), and its position as settled (or as the shared rule says it will settle).
import { SCHEDULE_LEAF_TYPES, TRADE_LEAF_TYPES, verifyScheduleRow, verifyTradeLeaf } from '@gridmarket/contracts';
import type { Hex } from 'viem';
import type { ChainContext } from '../chain/context';
import type { DocumentStore } from '../documents/store';
import { loadEpochData, positionOf } from '../read/epochData';

export interface ParticipantProof {
  epochId: number;
  agentId: number;
  roots: { schedule: Hex; trades: Hex };
  leafEncoding: { schedule: readonly string[]; trade: readonly string[] };
  schedule: { energyWh: number[]; leaf: (string | number | number[])[]; proof: Hex[] };
  trades: { tradeIndex: number; role: 'seller' | 'buyer'; counterparty: number; hour: number; energyWh: string; value: string; leaf: (string | number)[]; proof: Hex[] }[];
  /** Every proof verified locally against the roots on chain. */
  verified: boolean;
}

export async function participantProof(ctx: ChainContext, store: DocumentStore, epochId: number, agentId: number): Promise<ParticipantProof> {
  const { epoch, onchain } = await loadEpochData(ctx, store, epochId);
  const k = positionOf(agentId, onchain.agentIds, `epoch ${epochId}`);
  const str = (v: readonly unknown[]) => v.map((x) => (typeof x === 'bigint' ? x.toString() : (x as number)));
  const row = { agentId, energyWh: onchain.rows[k]! };
  const rowProof = onchain.scheduleTree.getProof(k) as Hex[];
  let verified = verifyScheduleRow(epoch.scheduleRoot, epochId, row, rowProof);
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
    schedule: { energyWh: row.energyWh, leaf: [epochId, agentId, row.energyWh], proof: rowProof },
    trades,
    verified,
  };
}
