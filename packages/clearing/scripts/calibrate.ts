// Prints the calibration targets of CALIBRATION.md for the built-in cases, both scenarios: from the
// centralized benchmark, welfare and its drop under congestion, the most loaded and the binding
// lines (the thesis's Table 6.6 and Fig. 6.7 come from its centralized runs); from ADMM, the market
// outputs (traded energy, value, price, trades), because the thesis's Fig. 6.11/6.12 and its
// Table 6.8 count the trades of its ADMM runs (2,834 constrained, 2,860 unconstrained on 14 buses).
// Run after `gen:cases`.
import { buildResult, loadCase, runAdmm, solveCentralized, thesisWelfare } from '../src/index';

for (const name of ['ieee14', 'ieee33']) {
  const market = loadCase(name);
  const rows = [false, true].map((constrained) => {
    const s = solveCentralized(market, { constrained });
    const central = buildResult(market, s, {});
    const admm = runAdmm(market, { constrained });
    const doc = buildResult(market, admm, {});
    const line = market.network.lines[central.network.maxUtilizationLine]!;
    return {
      constrained,
      welfare: s.welfareUsd,
      welfare320: thesisWelfare(s.welfare),
      admmStatus: `${admm.status} in ${admm.admm!.iterations} iterations`,
      energyKwh: doc.totals.energyWh / 1000,
      valueUsd: doc.totals.valueMicroUsd / 1e6,
      price: doc.totals.averagePriceUsdPerKwh,
      trades: doc.totals.trades,
      maxUtil: `${(central.network.maxUtilization * 100).toFixed(0)}% on ${line.from}-${line.to}`,
      binding: market.network.lines
        .filter((l, i) => Number.isFinite(l.limitKw) && s.flowsKw[i]!.some((f) => Math.abs(f) >= l.limitKw * (1 - 1e-6)))
        .map((l) => `${l.from}-${l.to}`)
        .join(' '),
    };
  });
  const drop = ((rows[0]!.welfare - rows[1]!.welfare) / rows[0]!.welfare) * 100;
  for (const r of rows) {
    const scenario = r.constrained ? 'constrained  ' : 'unconstrained';
    process.stdout.write(
      `${name} ${scenario} centralized: welfare $${r.welfare.toFixed(3)} ($${r.welfare320.toFixed(3)} as (3-20), without the storage penalty)  max ${r.maxUtil}${r.constrained ? `  binding: ${r.binding}` : ''}\n`,
    );
    process.stdout.write(`${name} ${scenario} ADMM (${r.admmStatus}): energy ${r.energyKwh.toFixed(1)} kWh  value $${r.valueUsd.toFixed(2)}  price $${r.price.toFixed(4)}/kWh  trades ${r.trades}\n`);
  }
  process.stdout.write(`${name} welfare drop under congestion (centralized): ${drop.toFixed(2)}%\n`);
}
