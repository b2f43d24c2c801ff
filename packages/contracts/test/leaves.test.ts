import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rng } from '@gridmarket/bench';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { encodeAbiParameters, hexToBytes, keccak256, parseAbiParameters } from 'viem';
import {
  buildScheduleTree,
  buildTradeTree,
  LeafEncodingError,
  packProofFlags,
  packRows,
  SCHEDULE_LEAF_TYPES,
  scheduleMultiProof,
  scheduleRowValues,
  TRADE_LEAF_TYPES,
  type TradeEntry,
  tradeLeafValues,
} from '../src/leaves';

const trade: TradeEntry = { tradeIndex: 7, seller: 1, buyer: 3, hour: 12, energyWh: 500n, value: 30_000n };

describe('leaves', () => {
  it('hash like the contract: keccak256(keccak256(abi.encode(values)))', () => {
    const tree = buildTradeTree(9, [{ ...trade, tradeIndex: 0 }]);
    const inner = keccak256(
      encodeAbiParameters(parseAbiParameters('uint32, uint32, uint16, uint16, uint8, uint64, uint120'), [9, 0, 1, 3, 12, 500n, 30_000n]),
    );
    // A one-leaf tree's root is its leaf.
    assert.equal(tree.root, keccak256(inner));
  });

  it('hash a schedule row like the contract: the abi encoding of (uint32, uint16, int32[24])', () => {
    const energyWh = Array.from({ length: 24 }, (_, h) => (h - 12) * 1000);
    const tree = buildScheduleTree(9, [{ agentId: 4, energyWh }]);
    const inner = keccak256(encodeAbiParameters(parseAbiParameters('uint32, uint16, int32[24]'), [9, 4, energyWh as never]));
    assert.equal(tree.root, keccak256(inner));
  });

  it("give a multiproof's rows in proof order with their network positions", () => {
    const rows = Array.from({ length: 9 }, (_, k) => ({ agentId: 100 + k, energyWh: Array.from({ length: 24 }, () => k) }));
    const mp = scheduleMultiProof(buildScheduleTree(1, rows), [7, 2, 5]);
    assert.deepEqual([...mp.positions].sort(), [2, 5, 7]);
    mp.positions.forEach((p, i) => {
      assert.equal(mp.agentIds[i], 100 + p);
      assert.deepEqual(mp.rows[i], rows[p]!.energyWh);
    });
    assert.equal(mp.scheduleWh, packRows(mp.rows));
  });

  it('refuse trades whose index is not their position', () => {
    assert.throws(() => buildTradeTree(1, [{ ...trade, tradeIndex: 1 }]), /position 0 has tradeIndex 1/);
  });

  it('refuse an empty schedule and rows that are not 24 int32', () => {
    assert.throws(() => buildScheduleTree(1, []), LeafEncodingError);
    assert.throws(() => buildScheduleTree(1, [{ agentId: 1, energyWh: [1, 2] }]), /agent 1 energyWh must hold 24/);
    assert.throws(() => buildScheduleTree(1, [{ agentId: 1, energyWh: Array.from({ length: 24 }, (_, h) => (h === 3 ? 2 ** 31 : 0)) }]), /energyWh\[3\] must be an int32/);
  });
});

describe('packed rows', () => {
  it("are 24 int32 big-endian per row, negative values in two's complement", () => {
    const bytes = hexToBytes(packRows([Array.from({ length: 24 }, (_, h) => (h === 0 ? -2 : h === 23 ? 258 : 0))]));
    assert.equal(bytes.length, 96);
    assert.deepEqual([...bytes.slice(0, 4)], [0xff, 0xff, 0xff, 0xfe]);
    assert.deepEqual([...bytes.slice(92, 96)], [0, 0, 1, 2]);
  });
});

describe('proof flags', () => {
  it('pack one bit each, flag i at bit i % 256 of word i / 256', () => {
    const flags = Array.from({ length: 300 }, (_, i) => i % 3 === 0);
    const words = packProofFlags(flags);
    assert.equal(words.length, 2);
    flags.forEach((f, i) => assert.equal(((words[i >> 8]! >> BigInt(i & 0xff)) & 1n) === 1n, f));
  });

  it('pack nothing into no words', () => {
    assert.deepEqual(packProofFlags([]), []);
  });
});

describe('tree builders', () => {
  // The builders hash on bytes; the library is the reference: same nodes, same leaf positions, for
  // sizes that are and are not powers of two, negative Wh, and values up to their type's maximum.
  const random = rng(20261202);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  for (const n of [1, 2, 3, 7, 8, 33, 257]) {
    it(`build the library's tree for ${n} trades and ${n} schedule rows`, () => {
      const trades: TradeEntry[] = Array.from({ length: n }, (_, i) => ({
        tradeIndex: i,
        seller: int(0, 65_535),
        buyer: int(0, 65_535),
        hour: int(0, 23),
        energyWh: i === 0 ? (1n << 64n) - 1n : BigInt(int(1, 10_000)),
        value: i === 0 ? (1n << 120n) - 1n : BigInt(int(0, 1_000_000)),
      }));
      const epochId = int(1, 2 ** 32 - 1);
      const reference = StandardMerkleTree.of(trades.map((t) => tradeLeafValues(epochId, t)), [...TRADE_LEAF_TYPES], { sortLeaves: false });
      assert.deepEqual(buildTradeTree(epochId, trades).dump(), reference.dump());
      const rows = Array.from({ length: n }, (_, i) => ({ agentId: i, energyWh: Array.from({ length: 24 }, () => int(-(2 ** 31), 2 ** 31 - 1)) }));
      const schedule = StandardMerkleTree.of(rows.map((r) => scheduleRowValues(epochId, r)), [...SCHEDULE_LEAF_TYPES], { sortLeaves: false });
      const built = buildScheduleTree(epochId, rows);
      assert.deepEqual(built.dump(), schedule.dump());
      // And the trees answer like the library's: proofs of a leaf, a multiproof.
      assert.deepEqual(built.getProof(n - 1), schedule.getProof(n - 1));
      const some = [...new Set([0, n - 1])];
      assert.deepEqual(built.getMultiProof(some), schedule.getMultiProof(some));
    });
  }
});
