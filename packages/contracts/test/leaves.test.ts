import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAbiParameters, keccak256, parseAbiParameters } from 'viem';
import {
  buildScheduleTree,
  buildTradeTree,
  LeafEncodingError,
  packProofFlags,
  packTrade,
  type TradeEntry,
  tradeMultiProof,
  unpackTrade,
} from '../src/leaves';

const trade: TradeEntry = { tradeIndex: 7, seller: 1, buyer: 3, hour: 12, energyWh: 500n, value: 30_000n };

describe('trade packing', () => {
  it('packs the fields at the documented bit offsets', () => {
    const word = packTrade(trade);
    assert.equal(word & 0xffffffffn, 7n);
    assert.equal((word >> 32n) & 0xffffn, 1n);
    assert.equal((word >> 48n) & 0xffffn, 3n);
    assert.equal((word >> 64n) & 0xffn, 12n);
    assert.equal((word >> 72n) & ((1n << 64n) - 1n), 500n);
    assert.equal(word >> 136n, 30_000n);
  });

  it('round-trips extreme values', () => {
    const max: TradeEntry = {
      tradeIndex: 2 ** 32 - 1,
      seller: 65535,
      buyer: 65535,
      hour: 23,
      energyWh: (1n << 64n) - 1n,
      value: (1n << 120n) - 1n,
    };
    assert.deepEqual(unpackTrade(packTrade(max)), max);
    assert.deepEqual(unpackTrade(packTrade(trade)), trade);
  });

  it('names the field that does not fit', () => {
    assert.throws(() => packTrade({ ...trade, hour: 24 }), (e: Error) => e instanceof LeafEncodingError && /hour/.test(e.message));
    assert.throws(() => packTrade({ ...trade, value: 1n << 120n }), /value/);
    assert.throws(() => packTrade({ ...trade, energyWh: -1n }), /energyWh/);
    assert.throws(() => packTrade({ ...trade, seller: 70000 }), /seller/);
  });
});

describe('leaves', () => {
  it('hash like the contract: keccak256(keccak256(abi.encode(values)))', () => {
    const tree = buildTradeTree(9, [{ ...trade, tradeIndex: 0 }]);
    const inner = keccak256(
      encodeAbiParameters(parseAbiParameters('uint32, uint32, uint16, uint16, uint8, uint64, uint120'), [9, 0, 1, 3, 12, 500n, 30_000n]),
    );
    // A one-leaf tree's root is its leaf.
    assert.equal(tree.root, keccak256(inner));
  });

  it('keep insertion order so that consecutive trades come out ascending', () => {
    const trades = Array.from({ length: 50 }, (_, i) => ({ ...trade, tradeIndex: i, energyWh: BigInt(i + 1) }));
    const mp = tradeMultiProof(buildTradeTree(1, trades), [10, 11, 12, 13, 14, 15, 16, 17]);
    assert.deepEqual(
      mp.trades.map((t) => t.tradeIndex),
      [10, 11, 12, 13, 14, 15, 16, 17],
    );
  });

  it('refuse trades whose index is not their position', () => {
    assert.throws(() => buildTradeTree(1, [{ ...trade, tradeIndex: 1 }]), /position 0 has tradeIndex 1/);
  });

  it('refuse an empty schedule', () => {
    assert.throws(() => buildScheduleTree(1, []), LeafEncodingError);
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
