import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildResult, loadCase, marketOutputs, parseResult, proportionalIntegerSplit, ResultDocumentError, roundScheduleWh, runAdmm, solveCentralized } from '../src/index';
import { rng } from '@gridmarket/bench';

describe('integer rounding', () => {
  it('rounds each hour to whole Wh that sum to exactly zero, moving no value by 1 Wh or more', () => {
    const r = rng(3);
    for (let k = 0; k < 200; k++) {
      const n = 2 + Math.floor(r() * 30);
      const kw = Array.from({ length: n }, () => [r() * 4 - 2]);
      const mean = kw.reduce((s, v) => s + v[0]!, 0) / n;
      kw.forEach((v) => (v[0] = v[0]! - mean));
      const wh = roundScheduleWh(kw);
      assert.equal(wh.reduce((s, v) => s + v[0]!, 0), 0);
      wh.forEach((v, a) => assert.ok(Math.abs(v[0]! - kw[a]![0]! * 1000) < 1));
    }
  });

  it('refuses an unbalanced hour', () => {
    assert.throws(() => roundScheduleWh([[1], [-0.9]]), /hour 0 does not balance/);
  });

  it('splits supply over demand in integers with exact row and column sums', () => {
    const r = rng(4);
    for (let k = 0; k < 300; k++) {
      const supply = Array.from({ length: 1 + Math.floor(r() * 12) }, () => Math.floor(r() * 3000));
      const total = supply.reduce((a, b) => a + b, 0);
      // Random demand vector with the same total.
      const cuts = Array.from({ length: Math.floor(r() * 14) }, () => Math.floor(r() * (total + 1))).sort((a, b) => a - b);
      const demand = [...cuts, total].map((c, i, arr) => c - (i === 0 ? 0 : arr[i - 1]!));
      const q = proportionalIntegerSplit(supply, demand);
      q.forEach((row, i) => assert.equal(row.reduce((a, b) => a + b, 0), supply[i]));
      demand.forEach((d, j) => assert.equal(q.reduce((a, row) => a + row[j]!, 0), d));
      q.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - (total ? (supply[i]! * demand[j]!) / total : 0)) < 1)));
    }
  });
});

describe('market outputs', () => {
  for (const method of ['admm', 'centralized'] as const) {
    it(`conserve energy exactly per hour and per agent (${method}, ieee14 constrained)`, () => {
      const market = loadCase('ieee14');
      const solution = method === 'admm' ? runAdmm(market, { constrained: true }) : solveCentralized(market, { constrained: true });
      const doc = buildResult(market, solution, {});
      const T = 24;
      for (let t = 0; t < T; t++) {
        assert.equal(doc.schedule.wh.reduce((s, row) => s + row[t]!, 0), 0, `hour ${t} balance`);
        market.agents.forEach((_, a) => {
          const sold = doc.trades.filter((x) => x.hour === t && x.seller === a).reduce((s, x) => s + x.energyWh, 0);
          const bought = doc.trades.filter((x) => x.hour === t && x.buyer === a).reduce((s, x) => s + x.energyWh, 0);
          const wh = doc.schedule.wh[a]![t]!;
          assert.equal(sold, Math.max(wh, 0), `agent ${a} hour ${t} supply`);
          assert.equal(bought, Math.max(-wh, 0), `agent ${a} hour ${t} demand`);
        });
      }
      assert.equal(doc.totals.energyWh, doc.trades.reduce((s, x) => s + x.energyWh, 0));
      assert.equal(doc.totals.valueMicroUsd, doc.trades.reduce((s, x) => s + x.valueMicroUsd, 0));
      // The committed price is the hour's settlement price in whole µUSD/kWh; each trade's value is its
      // energy at that integer price, rounded half up in integers (as the contracts compute it).
      doc.tariff.priceMicroUsdPerKwh.forEach((p, t) => assert.equal(p, Math.round(doc.prices.settlementUsdPerKwh[t]! * 1e6), `hour ${t} price`));
      for (const tr of doc.trades) {
        const p = doc.tariff.priceMicroUsdPerKwh[tr.hour]!;
        assert.equal(tr.valueMicroUsd, Math.floor((tr.energyWh * p + 500) / 1000), `trade ${tr.index}`);
      }
      assert.ok(doc.trades.every((x) => x.energyWh >= 1 && x.seller !== x.buyer));
      assert.deepEqual(
        doc.trades.map((x) => x.index),
        doc.trades.map((_, i) => i),
      );
    });
  }

  it('list no trades, and say so, when the day pairs more sellers and buyers than the limit', () => {
    const market = loadCase('ieee14');
    const solution = solveCentralized(market, { constrained: true });
    const full = marketOutputs(market, solution);
    let pairs = 0;
    for (let t = 0; t < 24; t++) pairs += full.scheduleWh.filter((r) => r[t]! > 0).length * full.scheduleWh.filter((r) => r[t]! < 0).length;
    assert.ok(full.trades.length > 0 && full.trades.length <= pairs, `${full.trades.length} trades, ${pairs} pairs`);
    const atLimit = marketOutputs(market, solution, pairs);
    assert.equal(atLimit.omitted, undefined);
    assert.deepEqual(atLimit.trades, full.trades);
    const over = marketOutputs(market, solution, pairs - 1);
    assert.deepEqual(over.omitted, { pairs, limit: pairs - 1 });
    assert.deepEqual(over.trades, []);
    assert.equal(over.totals.trades, 0);
    // What does not depend on the split is the same.
    assert.deepEqual(over.scheduleWh, full.scheduleWh);
    assert.deepEqual(over.tariff, full.tariff);
  });

  it('compute the settlement price (5-2) as the generation-weighted marginal cost', () => {
    const market = loadCase('ieee14');
    const s = solveCentralized(market, { constrained: false });
    const doc = buildResult(market, s, {});
    const t = 12;
    let num = 0;
    let den = 0;
    market.params.forEach((p, a) => {
      if (p.kind !== 'seller') return;
      const x = s.dispatch[a]!.generationKw![t]!;
      num += (2 * p.alpha * x + p.beta) * x;
      den += x;
    });
    assert.ok(Math.abs(doc.prices.settlementUsdPerKwh[t]! - num / den) < 1e-12);
  });
});

describe('result document', () => {
  it('round-trips through JSON and its schema', () => {
    const market = loadCase('ieee33');
    const doc = buildResult(market, runAdmm(market, { constrained: true }), { rho: 0.1 });
    const again = parseResult(JSON.parse(JSON.stringify(doc)));
    assert.equal(again.case.inputHash, market.inputHash);
    assert.equal(again.trades.length, doc.trades.length);
    assert.equal(again.admm!.status, 'converged');
  });

  it('says when its trades are not listed, and lists none then', () => {
    const market = loadCase('ieee14');
    const doc: any = JSON.parse(JSON.stringify(buildResult(market, solveCentralized(market, { constrained: true }), {})));
    doc.tradesOmitted = { pairs: 7_000_000, limit: 5_000_000 };
    assert.throws(() => parseResult(doc), (e: Error) => e instanceof ResultDocumentError && /^tradesOmitted: is set, but trades are listed/.test(e.message));
    doc.trades = [];
    assert.equal(parseResult(doc).tradesOmitted!.pairs, 7_000_000);
    doc.tradesOmitted.pairs = 4_000_000;
    assert.throws(() => parseResult(doc), /tradesOmitted\.pairs: is within the limit/);
  });

  it('names the field of a malformed document', () => {
    const market = loadCase('ieee14');
    const doc: any = JSON.parse(JSON.stringify(buildResult(market, solveCentralized(market, { constrained: true }), {})));
    doc.trades[3].energyWh = -5;
    assert.throws(() => parseResult(doc), (e: Error) => e instanceof ResultDocumentError && /^trades\.3\.energyWh/.test(e.message));
  });
});
