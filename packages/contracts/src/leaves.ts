// The on-chain encoding of schedules and trades: StandardMerkleTree leaf types identical to
// contracts/libraries/Leaves.sol, the one-word calldata packing of a trade, and tree builders.
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import type { Hex } from 'viem';

/** Leaf types of the schedule tree: (epochId, agentId, hour, energyWh). */
export const SCHEDULE_LEAF_TYPES = ['uint32', 'uint16', 'uint8', 'int64'] as const;
/** Leaf types of the trade tree: (epochId, tradeIndex, seller, buyer, hour, energyWh, value). */
export const TRADE_LEAF_TYPES = ['uint32', 'uint32', 'uint16', 'uint16', 'uint8', 'uint64', 'uint120'] as const;

/** One agent's scheduled net injection for one hour, in Wh (positive = supplies energy). */
export interface ScheduleEntry {
  agentId: number;
  hour: number;
  energyWh: bigint;
}

/** One bilateral trade as committed on chain; `value` is in settlement-token base units. */
export interface TradeEntry {
  tradeIndex: number;
  seller: number;
  buyer: number;
  hour: number;
  energyWh: bigint;
  value: bigint;
}

export type ScheduleLeafValues = [number, number, number, bigint];
export type TradeLeafValues = [number, number, number, number, number, bigint, bigint];

const U16 = 0xffff;
const U32 = 0xffffffff;
const U64 = (1n << 64n) - 1n;
const U120 = (1n << 120n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

export class LeafEncodingError extends Error {
  override name = 'LeafEncodingError';
}

function checkUint(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new LeafEncodingError(`${field} must be an integer in [0, ${max}], got ${value}`);
  }
}

function checkBig(field: string, value: bigint, min: bigint, max: bigint): void {
  if (value < min || value > max) throw new LeafEncodingError(`${field} must be in [${min}, ${max}], got ${value}`);
}

export function scheduleLeafValues(epochId: number, e: ScheduleEntry): ScheduleLeafValues {
  checkUint('epochId', epochId, U32);
  checkUint('agentId', e.agentId, U16);
  checkUint('hour', e.hour, 23);
  checkBig('energyWh', e.energyWh, I64_MIN, I64_MAX);
  return [epochId, e.agentId, e.hour, e.energyWh];
}

export function tradeLeafValues(epochId: number, t: TradeEntry): TradeLeafValues {
  checkUint('epochId', epochId, U32);
  checkUint('tradeIndex', t.tradeIndex, U32);
  checkUint('seller', t.seller, U16);
  checkUint('buyer', t.buyer, U16);
  checkUint('hour', t.hour, 23);
  checkBig('energyWh', t.energyWh, 0n, U64);
  checkBig('value', t.value, 0n, U120);
  return [epochId, t.tradeIndex, t.seller, t.buyer, t.hour, t.energyWh, t.value];
}

/**
 * Packs a trade into the calldata word Settlement.settleTrades takes, least significant bits
 * first: tradeIndex (32) | seller (16) | buyer (16) | hour (8) | energyWh (64) | value (120).
 */
export function packTrade(t: TradeEntry): bigint {
  tradeLeafValues(0, t);
  return (
    BigInt(t.tradeIndex) |
    (BigInt(t.seller) << 32n) |
    (BigInt(t.buyer) << 48n) |
    (BigInt(t.hour) << 64n) |
    (t.energyWh << 72n) |
    (t.value << 136n)
  );
}

export function unpackTrade(word: bigint): TradeEntry {
  return {
    tradeIndex: Number(word & BigInt(U32)),
    seller: Number((word >> 32n) & BigInt(U16)),
    buyer: Number((word >> 48n) & BigInt(U16)),
    hour: Number((word >> 64n) & 0xffn),
    energyWh: (word >> 72n) & U64,
    value: (word >> 136n) & U120,
  };
}

// Trees keep insertion order (sortLeaves: false): a trade's tree position follows its index, so a
// batch of consecutive trades has a short multiproof and reaches the contract in ascending index
// order, which keeps its bitmap word cached. The contract is told the leaves in proof order by
// getMultiProof, so it never needs to replicate an ordering itself.
const TREE_OPTIONS = { sortLeaves: false };

export type ScheduleTree = StandardMerkleTree<ScheduleLeafValues>;
export type TradeTree = StandardMerkleTree<TradeLeafValues>;

export function buildScheduleTree(epochId: number, entries: readonly ScheduleEntry[]): ScheduleTree {
  if (entries.length === 0) throw new LeafEncodingError('a schedule tree needs at least one entry');
  return StandardMerkleTree.of(
    entries.map((e) => scheduleLeafValues(epochId, e)),
    [...SCHEDULE_LEAF_TYPES],
    TREE_OPTIONS,
  );
}

export function buildTradeTree(epochId: number, trades: readonly TradeEntry[]): TradeTree {
  if (trades.length === 0) throw new LeafEncodingError('a trade tree needs at least one trade');
  trades.forEach((t, i) => {
    if (t.tradeIndex !== i) throw new LeafEncodingError(`trade at position ${i} has tradeIndex ${t.tradeIndex}`);
  });
  return StandardMerkleTree.of(
    trades.map((t) => tradeLeafValues(epochId, t)),
    [...TRADE_LEAF_TYPES],
    TREE_OPTIONS,
  );
}

/** Packs multiproof flags one bit each, flag i at bit i % 256 of word i / 256 (MultiProof.sol). */
export function packProofFlags(flags: readonly boolean[]): bigint[] {
  const words = Array.from({ length: Math.ceil(flags.length / 256) }, () => 0n);
  flags.forEach((flag, i) => {
    if (flag) words[i >> 8]! |= 1n << BigInt(i & 0xff);
  });
  return words;
}

/** A schedule multiproof in the argument shape of checkSchedule and disputeHour. */
export function scheduleMultiProof(tree: ScheduleTree, indices: readonly number[]) {
  const mp = tree.getMultiProof([...indices]);
  return {
    leaves: mp.leaves.map(([, agentId, hour, energyWh]) => ({ agentId, hour, energyWh: BigInt(energyWh) })),
    proof: mp.proof as Hex[],
    proofFlagBits: packProofFlags(mp.proofFlags),
  };
}

/** A trade multiproof in the argument shape of settleTrades (packed words in proof order). */
export function tradeMultiProof(tree: TradeTree, indices: readonly number[]) {
  const mp = tree.getMultiProof([...indices]);
  const trades = mp.leaves.map(([, tradeIndex, seller, buyer, hour, energyWh, value]) => ({
    tradeIndex,
    seller,
    buyer,
    hour,
    energyWh: BigInt(energyWh),
    value: BigInt(value),
  }));
  return { trades, words: trades.map(packTrade), proof: mp.proof as Hex[], proofFlagBits: packProofFlags(mp.proofFlags) };
}

/** Checks a schedule leaf's single proof against a schedule root. */
export function verifyScheduleLeaf(root: Hex, epochId: number, entry: ScheduleEntry, proof: readonly Hex[]): boolean {
  return StandardMerkleTree.verify(root, [...SCHEDULE_LEAF_TYPES], scheduleLeafValues(epochId, entry), [...proof]);
}

/** Checks a trade leaf's single proof against a trade root. */
export function verifyTradeLeaf(root: Hex, epochId: number, trade: TradeEntry, proof: readonly Hex[]): boolean {
  return StandardMerkleTree.verify(root, [...TRADE_LEAF_TYPES], tradeLeafValues(epochId, trade), [...proof]);
}
