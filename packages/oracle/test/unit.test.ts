import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildResult, loadCase, runAdmm } from '@gridmarket/clearing';
import { checkConservation, ConservationError, DocumentStore, simulateReadings, StoreError, tokenUnitsPerMicroUsd, toOnchain } from '../src/index';

const market = loadCase('ieee14');
const doc = buildResult(market, runAdmm(market, { constrained: true }), {});
const ids = market.agents.map((_, i) => 100 + i);

describe('on-chain form', () => {
  it('maps agents to on-chain ids and values to token units, conserving energy and money', () => {
    const e = toOnchain(doc, { epochId: 7, agentIds: ids, tokenDecimals: 18 });
    assert.equal(e.schedule.length, market.agents.length * 24);
    assert.equal(e.trades.length, doc.trades.length);
    assert.equal(e.trades[5]!.seller, 100 + doc.trades[5]!.seller);
    assert.equal(e.trades[5]!.value, BigInt(doc.trades[5]!.valueMicroUsd) * 10n ** 12n);
    assert.equal(e.totalEnergyWh, BigInt(doc.totals.energyWh));
    assert.equal(e.totalValue, BigInt(doc.totals.valueMicroUsd) * 10n ** 12n);
    for (let h = 0; h < 24; h++) assert.equal(e.schedule.filter((l) => l.hour === h).reduce((s, l) => s + l.energyWh, 0n), 0n);
  });

  it('refuses tokens that cannot hold micro-dollars exactly', () => {
    assert.throws(() => tokenUnitsPerMicroUsd(2), /at least 6 decimals/);
    assert.equal(tokenUnitsPerMicroUsd(6), 1n);
  });

  it('refuses a document whose trades do not add up to its schedule', () => {
    const bad = structuredClone(doc);
    bad.trades[0]!.energyWh += 1;
    assert.throws(() => checkConservation(bad), ConservationError);
    const unbalanced = structuredClone(doc);
    unbalanced.schedule.wh[1]![3]! += 1;
    assert.throws(() => toOnchain(unbalanced, { epochId: 1, agentIds: ids, tokenDecimals: 6 }), /hour 3: the schedule sums to 1 Wh/);
  });
});

describe('document store', () => {
  it('returns a stored document only while its bytes match the committed hash', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-store-'));
    try {
      const store = new DocumentStore(dir);
      const { hash, uri, file } = store.put(doc);
      assert.equal(store.get(uri, hash).totals.trades, doc.totals.trades);
      // Another document under the same name is refused.
      const tampered = readFileSync(file, 'utf8').replace(`"welfareUsd":${doc.welfareUsd}`, '"welfareUsd":99');
      writeFileSync(file, tampered);
      assert.throws(() => store.get(uri, hash), (e: Error) => e instanceof StoreError && /does not match the chain/.test(e.message));
      assert.throws(() => store.get(`${uri.slice(0, -4)}beef`, hash), /not found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('meter simulator', () => {
  const schedule = Array.from({ length: 24 }, (_, h) => (h - 12) * 100);
  it('is deterministic for a seed and noisy around the schedule', () => {
    const a = simulateReadings(schedule, { seed: 5, noiseWh: 10 })!;
    assert.deepEqual(a, simulateReadings(schedule, { seed: 5, noiseWh: 10 }));
    assert.ok(a.every((v, h) => Math.abs(v - schedule[h]!) < 60));
    assert.deepEqual(simulateReadings(schedule, { seed: 5, noiseWh: 0 }), schedule);
  });
  it('applies faults', () => {
    assert.equal(simulateReadings(schedule, { seed: 1, noiseWh: 0, fault: { agent: 0, kind: 'outage' } }), undefined);
    const stuck = simulateReadings(schedule, { seed: 1, noiseWh: 0, fault: { agent: 0, kind: 'stuck', hour: 10 } })!;
    assert.ok(stuck.slice(10).every((v) => v === schedule[10]));
    const bias = simulateReadings(schedule, { seed: 1, noiseWh: 0, fault: { agent: 0, kind: 'bias', amountWh: 300 } })!;
    assert.ok(bias.every((v, h) => v === schedule[h]! + 300));
    const spike = simulateReadings(schedule, { seed: 1, noiseWh: 0, fault: { agent: 0, kind: 'spike', hour: 3, amountWh: 999 } })!;
    assert.equal(spike[3], schedule[3]! + 999);
    assert.equal(spike[4], schedule[4]);
  });
});
