import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildResult, loadCase, runAdmm, scheduleWelfare, solveCentralized, thesisWelfare, welfareWithStoragePenalty } from '../src/index';

const close = (a: number, b: number, rel = 1e-12) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

describe('welfare is reported at the committed schedule, term by term', () => {
  const market = loadCase('ieee14');

  it('ADMM’s welfare is the agents’ own terms at z, not the trace’s surplus at their proposals p', () => {
    const run = runAdmm(market, { constrained: true });
    // dispatch[a].netKw is z; the battery's charge and discharge are its own proposal's.
    const atZ = scheduleWelfare(market.params, run.dispatch);
    for (const k of ['utilityUsd', 'generationCostUsd', 'importCostUsd', 'storagePenaltyUsd'] as const) assert.ok(close(run.welfare[k], atZ[k]), `${k}: ${run.welfare[k]} vs ${atZ[k]}`);
    assert.equal(run.welfareUsd, welfareWithStoragePenalty(run.welfare));
    assert.notEqual(run.welfareUsd, run.admm!.welfareUsd.at(-1), 'the last trace value is at p, which differs from z');
  });

  it('(3-20) as the thesis writes it leaves out the storage penalty λ_cd Σ(c + d), which the solvers include', () => {
    const s = solveCentralized(market, { constrained: true });
    let cd = 0;
    s.dispatch.forEach((d) => d.chargeKw?.forEach((c, t) => (cd += c + d.dischargeKw![t]!)));
    assert.ok(cd > 0, 'the batteries move');
    assert.ok(close(s.welfare.storagePenaltyUsd, market.case.storagePenaltyUsdPerKwh * cd, 1e-9));
    assert.ok(close(thesisWelfare(s.welfare) - s.welfareUsd, s.welfare.storagePenaltyUsd, 1e-9));
  });

  it('the result document carries both, labelled, with the terms', () => {
    const s = solveCentralized(market, { constrained: false });
    const doc = buildResult(market, s, {});
    assert.equal(doc.welfare!.withStoragePenaltyUsd, doc.welfareUsd);
    assert.equal(doc.welfare!.thesisUsd, thesisWelfare(s.welfare));
    assert.ok(close(doc.welfare!.thesisUsd - doc.welfare!.storagePenaltyUsd, doc.welfareUsd, 1e-12));
    assert.ok(close(doc.welfare!.utilityUsd - doc.welfare!.generationCostUsd - doc.welfare!.importCostUsd, doc.welfare!.thesisUsd, 1e-12));
  });
});
