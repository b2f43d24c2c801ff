// The fast proof verifier against the reference (StandardMerkleTree.verify): same verdict on every
// proof of random trees (schedule rows and trades), and on proofs with a changed value, sibling,
// root or length.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rng } from '@gridmarket/bench';
import type { Hex } from 'viem';
import { buildScheduleTree, buildTradeTree, createProofVerifier, type ScheduleRow, type TradeEntry, verifyScheduleRow, verifyTradeLeaf } from '../src/index';


describe('createProofVerifier', async () => {
  const v = await createProofVerifier();
  const r = rng(42);
  const hourly = () => Array.from({ length: 24 }, () => Math.round((r() - 0.5) * 2e6));
  const schedule: ScheduleRow[] = Array.from({ length: 300 }, (_, i) => ({ agentId: i, energyWh: hourly() }));
  schedule.push({ agentId: 65535, energyWh: Array.from({ length: 24 }, (_, h) => (h % 2 ? -(2 ** 31) : 2 ** 31 - 1)) });
  const trades: TradeEntry[] = Array.from({ length: 517 }, (_, i) => ({
    tradeIndex: i,
    seller: 1 + Math.floor(r() * 12),
    buyer: 13 + Math.floor(r() * 13),
    hour: Math.floor(r() * 24),
    energyWh: BigInt(1 + Math.floor(r() * 5000)),
    value: BigInt(Math.floor(r() * 1e9)),
  }));
  trades.push({ tradeIndex: trades.length, seller: 65535, buyer: 65535, hour: 23, energyWh: (1n << 64n) - 1n, value: (1n << 120n) - 1n });
  const epochId = 4_000_000_000;
  const sTree = buildScheduleTree(epochId, schedule);
  const tTree = buildTradeTree(epochId, trades);
  const sRoot = sTree.root as Hex;
  const tRoot = tTree.root as Hex;

  it('accepts every proof the reference accepts', () => {
    schedule.forEach((e, i) => {
      const proof = sTree.getProof(i) as Hex[];
      assert.equal(verifyScheduleRow(sRoot, epochId, e, proof), true);
      assert.equal(v.schedule(sRoot, epochId, e, proof), true, `schedule row ${i}`);
    });
    trades.forEach((t, i) => {
      const proof = tTree.getProof(i) as Hex[];
      assert.equal(v.trade(tRoot, epochId, t, proof), true, `trade ${i}`);
    });
  });

  it('rejects what the reference rejects: a changed value, sibling, root, epoch or proof length', () => {
    const cases: [string, () => [TradeEntry, Hex[], Hex, number]][] = [];
    for (const i of [0, 7, 300, trades.length - 1]) {
      const t = trades[i]!;
      const proof = tTree.getProof(i) as Hex[];
      cases.push(
        ['energy + 1', () => [{ ...t, energyWh: t.energyWh === 0n ? 1n : t.energyWh - 1n }, proof, tRoot, epochId]],
        ['value changed', () => [{ ...t, value: t.value ^ 1n }, proof, tRoot, epochId]],
        ['seller and buyer swapped', () => [{ ...t, seller: t.buyer, buyer: t.seller === t.buyer ? t.seller - 1 : t.seller }, proof, tRoot, epochId]],
        ['sibling changed', () => [t, proof.map((p, k) => (k === 0 ? (`0x${(BigInt(p) ^ 1n).toString(16).padStart(64, '0')}` as Hex) : p)), tRoot, epochId]],
        ['proof shortened', () => [t, proof.slice(1), tRoot, epochId]],
        ['other root', () => [t, proof, sRoot, epochId]],
        ['other epoch', () => [t, proof, tRoot, epochId - 1]],
      );
    }
    for (const [name, make] of cases) {
      const [t, proof, root, epoch] = make();
      const expected = verifyTradeLeaf(root, epoch, t, proof);
      assert.equal(expected, false, `reference accepts ${name}?`);
      assert.equal(v.trade(root, epoch, t, proof), expected, name);
    }
    const e = schedule[3]!;
    const proof = sTree.getProof(3) as Hex[];
    const changed = { ...e, energyWh: e.energyWh.map((v, h) => (h === 17 ? v + 1 : v)) };
    assert.equal(v.schedule(sRoot, epochId, changed, proof), verifyScheduleRow(sRoot, epochId, changed, proof));
    assert.equal(v.schedule(sRoot, epochId, changed, proof), false);
    assert.equal(v.schedule(sRoot, epochId, { ...e, agentId: e.agentId + 1 }, proof), false);
  });

  it('rejects malformed roots and siblings instead of throwing', () => {
    const proof = tTree.getProof(1) as Hex[];
    assert.equal(v.trade('0x1234' as Hex, epochId, trades[1]!, proof), false);
    assert.equal(v.trade(tRoot, epochId, trades[1]!, ['0xzz' as Hex, ...proof.slice(1)]), false);
  });
});
