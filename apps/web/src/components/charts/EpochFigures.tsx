// The thesis's figures for one epoch, drawn on the server: the page arrives with them, and only the
// hover (values under the pointer) waits for the browser's JavaScript.
import type { EpochCharts } from '@/lib/types';
import { BarChart, type Categories, HeatMap, LineChart, type Series, XYChart } from './Plot';

const COLORS = ['#1f6feb', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7ea4', '#6e7781'];

const KWH = { kind: 'fixed', digits: 2, unit: 'kWh' } as const;

function Figure({ title, figure, testId, children }: { title: string; figure: string; testId: string; children: React.ReactNode }) {
  return (
    <section className="card figure" data-testid={testId}>
      <h2 style={{ marginTop: 0 }}>
        {title} <span className="muted">(Fig. {figure})</span>
      </h2>
      {children}
    </section>
  );
}

const byHour = (hours: number): Categories => ({
  title: 'hour of the day',
  labels: Array.from({ length: hours }, (_, t) => String(t)),
  name: (t) => `hour ${t} (${String(t).padStart(2, '0')}:00–${String(t + 1).padStart(2, '0')}:00)`,
  keep: 8,
});

export function EpochFigures({ charts }: { charts: EpochCharts }) {
  const hours = byHour(charts.prices.length);
  const column = <K extends string>(rows: Record<K, number | null>[], key: K) => rows.map((r) => r[key]);
  const d = charts.dispatch;
  const s = charts.settlementByHour;
  const hasUnconstrained = charts.lines.some((l) => l.unconstrained !== null);
  const sellers = (names: string[]): Categories => ({ title: 'seller', labels: names, name: (i) => `seller ${names[i]}`, keep: 12 });
  return (
    <div className="grid2">
      <Figure title="Prices over the day" figure="6.13" testId="fig-prices">
        <LineChart
          label="Settlement and system price per hour"
          step
          x={hours}
          y={{ title: 'price ($/kWh)', format: { kind: 'usd', digits: 4, per: 'kWh' }, zero: false }}
          series={[
            { name: 'settlement price', color: COLORS[0]!, values: charts.prices.map((p) => p.settlement) },
            { name: 'system price (balance dual)', color: COLORS[1]!, values: charts.prices.map((p) => p.system), dashed: true },
          ]}
        />
      </Figure>
      <Figure title="Generation and consumption" figure="6.8" testId="fig-dispatch">
        <BarChart
          label="Supply and demand per hour"
          categories={hours}
          value={{ title: 'power (kW)', format: { kind: 'fixed', digits: 2, unit: 'kW' } }}
          groups={[
            [
              { name: 'local generation', color: COLORS[2]!, values: column(d, 'generation') },
              { name: 'battery discharge', color: COLORS[4]!, values: column(d, 'discharge') },
              { name: 'grid import', color: COLORS[7]!, values: column(d, 'gridImport') },
            ],
            [
              { name: 'consumption', color: COLORS[1]!, values: column(d, 'consumption') },
              { name: 'battery charge', color: COLORS[3]!, values: column(d, 'charge') },
            ],
          ]}
        />
      </Figure>
      <Figure title="Battery state of charge" figure="6.9" testId="fig-soc">
        <LineChart
          label="State of charge of each battery at the end of each hour"
          x={hours}
          y={{ title: 'state of charge (kWh)', format: KWH }}
          series={charts.soc.agents.map((a, i): Series => ({ name: a, color: COLORS[i % COLORS.length]!, values: charts.soc.rows.map((r) => r[a] ?? null) }))}
        />
      </Figure>
      <Figure title="Line utilization, constrained vs unconstrained" figure="6.7" testId="fig-lines">
        <BarChart
          label="Peak flow of each line as a share of its limit"
          horizontal
          categories={{ title: 'line (from–to bus)', labels: charts.lines.map((l) => l.line), name: (i) => `line ${charts.lines[i]!.line}, limit ${charts.lines[i]!.limitKw} kW`, keep: 40 }}
          value={{ title: 'peak flow (% of the line limit)', tickUnit: ' %', format: { kind: 'fixed', digits: 1, unit: '%' } }}
          reference={{ value: 100, label: 'limit 100 %', color: COLORS[1]! }}
          groups={[
            [{ name: 'network-constrained (posted)', color: COLORS[0]!, values: charts.lines.map((l) => l.constrained) }],
            ...(hasUnconstrained ? [[{ name: 'unconstrained', color: COLORS[7]!, values: charts.lines.map((l) => l.unconstrained) }]] : []),
          ]}
        />
      </Figure>
      {charts.admm && (
        <Figure title="ADMM residuals" figure="6.3" testId="fig-admm">
          <XYChart
            label="Primal and dual residuals per ADMM iteration, with their tolerances"
            x={{ title: 'iteration', values: charts.admm.map((r) => r.iteration), name: (i) => `iteration ${charts.admm![i]!.iteration}` }}
            y={{ title: 'residual (log scale)', log: true, format: { kind: 'exp', digits: 3 } }}
            series={[
              { name: 'primal residual ‖r‖', color: COLORS[0]!, values: charts.admm.map((r) => r.primal) },
              { name: 'dual residual ‖s‖', color: COLORS[1]!, values: charts.admm.map((r) => r.dual) },
              { name: 'ε primal (tolerance)', color: COLORS[0]!, values: charts.admm.map((r) => r.epsPrimal), dashed: true },
              { name: 'ε dual (tolerance)', color: COLORS[1]!, values: charts.admm.map((r) => r.epsDual), dashed: true },
            ]}
          />
        </Figure>
      )}
      <Figure title="Settlement per hour" figure="6.14, 6.15" testId="fig-settlement">
        <BarChart
          label="Energy traded per hour by settlement status"
          categories={hours}
          value={{ title: 'energy (kWh)', format: KWH }}
          groups={[
            [
              { name: 'settled', color: COLORS[2]!, values: column(s, 'settledKwh') },
              { name: 'rejected', color: COLORS[1]!, values: column(s, 'rejectedKwh') },
              { name: 'not yet settled', color: COLORS[7]!, values: column(s, 'openKwh') },
            ],
          ]}
        />
      </Figure>
      <Figure title="Bilateral trades, seller × buyer" figure="6.11" testId="fig-seller-buyer">
        <HeatMap
          label="Energy each seller sold to each buyer over the day"
          x={{ title: 'buyer', labels: charts.sellerBuyer.buyers, name: (i) => `buyer ${charts.sellerBuyer.buyers[i]}`, keep: 12 }}
          y={sellers(charts.sellerBuyer.sellers)}
          cells={charts.sellerBuyer.cells.map((c) => ({ x: c.x, y: c.y, v: c.kwh }))}
          value={{ title: 'energy sold over the day (kWh)', format: KWH }}
        />
      </Figure>
      <Figure title="Bilateral trades, seller × hour" figure="6.16" testId="fig-seller-hour">
        <HeatMap
          label="Energy each seller sold in each hour"
          x={hours}
          y={sellers(charts.sellerHour.sellers)}
          cells={charts.sellerHour.cells.map((c) => ({ x: c.x, y: c.y, v: c.kwh }))}
          value={{ title: 'energy sold in the hour (kWh)', format: KWH }}
        />
      </Figure>
    </div>
  );
}
