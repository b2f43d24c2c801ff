// Prints the calibration targets of CALIBRATION.md for the built-in cases (centralized benchmark,
// both scenarios): welfare and its drop under congestion, traded energy, settlement price and value,
// trades, and the most loaded line. Run after `gen:cases`.
import { buildResult, loadCase, solveCentralized } from '../src/index';

for (const name of ['ieee14', 'ieee33']) {
  const market = loadCase(name);
  const rows = [false, true].map((constrained) => {
    const s = solveCentralized(market, { constrained });
    const doc = buildResult(market, s, {});
    const line = market.network.lines[doc.network.maxUtilizationLine]!;
    return {
      constrained,
      welfare: s.welfareUsd,
      energyKwh: doc.totals.energyWh / 1000,
      valueUsd: doc.totals.valueMicroUsd / 1e6,
      price: doc.totals.averagePriceUsdPerKwh,
      trades: doc.totals.trades,
      maxUtil: `${(doc.network.maxUtilization * 100).toFixed(0)}% on ${line.from}-${line.to}`,
      binding: market.network.lines
        .filter((l, i) => Number.isFinite(l.limitKw) && s.flowsKw[i]!.some((f) => Math.abs(f) >= l.limitKw * (1 - 1e-6)))
        .map((l) => `${l.from}-${l.to}`)
        .join(' '),
    };
  });
  const drop = ((rows[0]!.welfare - rows[1]!.welfare) / rows[0]!.welfare) * 100;
  for (const r of rows) {
    process.stdout.write(
      `${name} ${r.constrained ? 'constrained  ' : 'unconstrained'} welfare $${r.welfare.toFixed(3)}  energy ${r.energyKwh.toFixed(1)} kWh  value $${r.valueUsd.toFixed(2)}  price $${r.price.toFixed(4)}/kWh  trades ${r.trades}  max ${r.maxUtil}${r.constrained ? `  binding: ${r.binding}` : ''}\n`,
    );
  }
  process.stdout.write(`${name} welfare drop under congestion: ${drop.toFixed(2)}%\n`);
}
