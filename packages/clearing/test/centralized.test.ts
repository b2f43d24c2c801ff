import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMarket, describeInfeasibleConstraint, type InfeasibleConstraint, loadCase, solveCentralized, solveCentralizedHighs } from '../src/index';

describe('centralized benchmark', () => {
  for (const name of ['ieee14', 'ieee33']) {
    for (const constrained of [false, true]) {
      it(`${name} ${constrained ? 'with' : 'without'} the network: interior point agrees with HiGHS to 1e-7`, async () => {
        const market = loadCase(name);
        const ipm = solveCentralized(market, { constrained });
        const ref = await solveCentralizedHighs(market, { constrained });
        const rel = Math.abs(ipm.welfareUsd - ref.welfareUsd) / Math.abs(ref.welfareUsd);
        assert.ok(rel <= 1e-7, `welfare ${ipm.welfareUsd} vs ${ref.welfareUsd} (${rel})`);
        // HiGHS's solution is feasible, so its welfare cannot beat the optimum by more than the IPM's accuracy.
        assert.ok(ref.welfareUsd <= ipm.welfareUsd + 1e-7 * Math.abs(ipm.welfareUsd));
        ipm.systemPriceUsdPerKwh.forEach((p, t) => assert.ok(Math.abs(p - ref.systemPriceUsdPerKwh[t]!) < 1e-4, `price at ${t}`));
        // The interior point reads nodal prices from bus balances (Kirchhoff form), HiGHS from the PTDF
        // form (λ + Σ_ℓ H_ℓi μ_ℓ): the same prices by two routes.
        ipm.nodalPriceUsdPerKwh.forEach((row, a) =>
          row.forEach((p, t) => assert.ok(Math.abs(p - ref.nodalPriceUsdPerKwh[a]![t]!) < 1e-4, `nodal price of agent ${a} at ${t}: ${p} vs ${ref.nodalPriceUsdPerKwh[a]![t]}`)),
        );
        if (constrained) {
          market.network.lines.forEach((l, i) => ipm.flowsKw[i]!.forEach((f) => assert.ok(Math.abs(f) <= l.limitKw + 1e-7)));
        }
      });
    }
  }

  it('matches a hand-solved two-agent market: equal marginal cost and utility', () => {
    // One seller (C = 0.01x² + 0.03x) and one buyer (U = 0.2 ln(1+y) − 0.02y) on two buses, no
    // binding limits, ample bounds: at the optimum 0.02x + 0.03 = 0.2/(1+y) − 0.02 with x = y,
    // i.e. 0.02y² + 0.07y − 0.15 = 0, so y = 1.5 kW at a price of 0.06 USD/kWh.
    const hours = 24;
    const market = buildMarket({
      name: 'two-agents',
      network: { lines: [{ from: 1, to: 2, x: 0.1, limitKw: 100 }] },
      grid: { importCostUsdPerKwh: 10 },
      sellers: [{ id: 's', bus: 1, alpha: 0.01, beta: 0.03, xMaxKw: 50 }],
      buyers: [{ id: 'b', bus: 2, omega: 0.2, delta: 0.02, yMinKw: Array(hours).fill(0), yMaxKw: Array(hours).fill(50) }],
    });
    const s = solveCentralized(market, { constrained: true });
    const y = 1.5;
    for (let t = 0; t < hours; t++) {
      assert.ok(Math.abs(s.dispatch[2]!.consumptionKw![t]! - y) < 1e-7);
      assert.ok(Math.abs(s.systemPriceUsdPerKwh[t]! - (0.02 * y + 0.03)) < 1e-7);
    }
  });

  it('agrees with HiGHS on a meshed network with an unlimited line (a free flow in a cycle)', async () => {
    // Triangle 1–2–3 with 1–3 unlimited: one cycle row x₁₂w₁₂ + x₂₃w₂₃ − x₁₃w₁₃ = 0 and a free w₁₃.
    const hours = 24;
    const market = buildMarket({
      name: 'triangle',
      network: {
        lines: [
          { from: 1, to: 2, x: 0.1, limitKw: 1.5 },
          { from: 2, to: 3, x: 0.2, limitKw: 1 },
          { from: 1, to: 3, x: 0.15 },
        ],
      },
      grid: { importCostUsdPerKwh: 0.3 },
      sellers: [{ id: 's', bus: 1, alpha: 0.01, beta: 0.03, xMaxKw: 8 }],
      buyers: [
        { id: 'b2', bus: 2, omega: 0.5, delta: 0.02, yMinKw: Array(hours).fill(0), yMaxKw: Array(hours).fill(4) },
        { id: 'b3', bus: 3, omega: 0.6, delta: 0.02, yMinKw: Array(hours).fill(0), yMaxKw: Array(hours).fill(4) },
      ],
    });
    const ipm = solveCentralized(market, { constrained: true });
    const ref = await solveCentralizedHighs(market, { constrained: true });
    assert.equal(ipm.status, 'solved');
    assert.ok(Math.abs(ipm.welfareUsd - ref.welfareUsd) <= 1e-7 * Math.abs(ref.welfareUsd), `${ipm.welfareUsd} vs ${ref.welfareUsd}`);
    market.network.lines.forEach((l, i) => ipm.flowsKw[i]!.forEach((f) => assert.ok(Math.abs(f) <= l.limitKw + 1e-7)));
    ipm.nodalPriceUsdPerKwh.forEach((row, a) => row.forEach((p, t) => assert.ok(Math.abs(p - ref.nodalPriceUsdPerKwh[a]![t]!) < 1e-4, `agent ${a} hour ${t}`)));
  });

  it('reports a congestion price only on binding lines', () => {
    const market = loadCase('ieee14');
    const s = solveCentralized(market, { constrained: true });
    market.network.lines.forEach((l, i) => {
      s.lineDualUsdPerKwh[i]!.forEach((mu, t) => {
        if (Math.abs(mu) > 1e-6) assert.ok(Math.abs(Math.abs(s.flowsKw[i]![t]!) - l.limitKw) < 1e-6, `line ${l.from}-${l.to} hour ${t}`);
      });
    });
  });
});

describe('centralized benchmark: infeasible days', () => {
  const hours = 24;
  /** One seller (≤ 2 kW) at bus 1, one buyer at bus 2 with a minimum demand only in `hour`. */
  const twoBus = (opts: { minKw: number; hour: number; maxImportKw?: number; lineLimitKw: number }) => {
    const yMin = Array(hours).fill(0);
    yMin[opts.hour] = opts.minKw;
    return buildMarket({
      name: 'two-bus',
      network: { lines: [{ from: 1, to: 2, x: 0.1, limitKw: opts.lineLimitKw }] },
      grid: { importCostUsdPerKwh: 0.3, ...(opts.maxImportKw !== undefined ? { maxImportKw: opts.maxImportKw } : {}) },
      sellers: [{ id: 's', bus: 1, alpha: 0.01, beta: 0.03, xMaxKw: 2 }],
      buyers: [{ id: 'b', bus: 2, omega: 0.2, delta: 0.02, yMinKw: yMin, yMaxKw: Array(hours).fill(6) }],
    });
  };
  const has = (s: ReturnType<typeof solveCentralized>, c: Partial<InfeasibleConstraint>) =>
    s.infeasibility!.constraints.some((k) => Object.entries(c).every(([key, v]) => k[key as keyof InfeasibleConstraint] === v));

  it("names the hour, the balance and the bounds when buyers' minimum demand exceeds supply plus import", async () => {
    // Hour 7: y ≥ 5 but x ≤ 2 and g ≤ 1, with x + g = y.
    const market = twoBus({ minKw: 5, hour: 7, maxImportKw: 1, lineLimitKw: 100 });
    for (const constrained of [false, true]) {
      const s = solveCentralized(market, { constrained });
      assert.equal(s.status, 'infeasible');
      assert.deepEqual(s.infeasibility!.hours, [7]);
      assert.ok(has(s, { kind: 'bound', hour: 7, agent: 'b', variable: 'consumption', side: 'lower', bound: 5 }));
      assert.ok(has(s, { kind: 'bound', hour: 7, agent: 's', variable: 'generation', side: 'upper', bound: 2 }));
      assert.ok(has(s, { kind: 'bound', hour: 7, agent: 'grid', variable: 'import', side: 'upper', bound: 1 }));
      assert.ok(has(s, { kind: constrained ? 'busBalance' : 'balance', hour: 7 }));
      assert.ok(s.infeasibility!.margin > 0);
      assert.equal(s.dispatch.length, 0);
    }
    // The independent solver agrees that no schedule exists.
    await assert.rejects(solveCentralizedHighs(market, { constrained: false }), /infeasible/);
  });

  it('names the line whose limit cannot be met, and only with the network', () => {
    // Hour 12: the buyer at bus 2 needs 3 kW, all supply is at bus 1 behind a 2 kW line.
    const market = twoBus({ minKw: 3, hour: 12, lineLimitKw: 2 });
    const s = solveCentralized(market, { constrained: true });
    assert.equal(s.status, 'infeasible');
    assert.deepEqual(s.infeasibility!.hours, [12]);
    assert.ok(has(s, { kind: 'bound', hour: 12, variable: 'flow', line: 0, side: 'upper', bound: 2 }));
    assert.ok(has(s, { kind: 'bound', hour: 12, agent: 'b', variable: 'consumption', side: 'lower', bound: 3 }));
    assert.equal(solveCentralized(market, { constrained: false }).status, 'solved');
  });

  it('says each constraint of the certificate in words: the agent or the line, the bound and its unit', () => {
    const market = twoBus({ minKw: 3, hour: 12, lineLimitKw: 2 });
    const words = solveCentralized(market, { constrained: true }).infeasibility!.constraints.map((c) => describeInfeasibleConstraint(c, market));
    assert.ok(words.includes('hour 12: line 1–2\'s flow ≤ 2 kW'), words.join('; '));
    assert.ok(words.includes("hour 12: b's consumption ≥ 3 kW"), words.join('; '));
    assert.ok(words.some((w) => /^hour 12: bus [12]'s power balance$/.test(w)), words.join('; '));
  });
});
