'use client';
// The thesis's figures for one epoch, as interactive charts (hover for values, legends toggle).
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import { useEffect, useRef, useState } from 'react';
import type { EpochCharts, HeatCell } from '@/lib/types';

// When the charting code has been evaluated, for the web bench (bench/web.ts) to split load from drawing.
performance.mark('gridmarket:figures-code');

const COLORS = ['#1f6feb', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7ea4', '#6e7781'];

/**
 * A figure whose chart is drawn when it comes near the viewport: the page is interactive as soon as
 * the figures on screen are drawn, and the others cost nothing until scrolled to.
 */
function Figure({ title, figure, children, testId }: { title: string; figure: string; children: React.ReactElement; testId: string }) {
  const ref = useRef<HTMLElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), { rootMargin: '200px' });
    io.observe(el);
    return () => io.disconnect();
  }, []);
  return (
    <section className="card" data-testid={testId} ref={ref}>
      <h2 style={{ marginTop: 0 }}>
        {title} <span className="muted">(Fig. {figure})</span>
      </h2>
      <div className="chart">
        {near && (
          <ResponsiveContainer width="100%" height="100%">
            {children}
          </ResponsiveContainer>
        )}
      </div>
    </section>
  );
}

/** Shades of the heat maps, light to dark; a cell takes the shade of its share of the largest. */
const SHADES = ['#dbe9fb', '#b3d1f7', '#85b4f0', '#5794e6', '#2f72d6', '#1553b0', '#0b3a80'];

/**
 * A heat map drawn as a scatter of squares, one series per shade (a series per colour keeps the
 * chart light: hundreds of cells, seven series).
 */
function Heatmap({ cells, xLabels, yLabels, xName }: { cells: HeatCell[]; xLabels: string[]; yLabels: string[]; xName: string }) {
  const max = Math.max(1e-9, ...cells.map((c) => c.kwh));
  const shade = (v: number) => Math.min(SHADES.length - 1, Math.floor(Math.sqrt(v / max) * SHADES.length));
  const series = SHADES.map((color, k) => ({ color, cells: cells.filter((c) => shade(c.kwh) === k) }));
  const ticks = (n: number) => Array.from({ length: n }, (_, i) => i);
  return (
    <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
      <XAxis type="number" dataKey="x" name={xName} domain={[-0.5, xLabels.length - 0.5]} ticks={ticks(xLabels.length)} tickFormatter={(i: number) => xLabels[i] ?? ''} interval={0} fontSize={10} />
      <YAxis type="number" dataKey="y" name="seller" domain={[-0.5, yLabels.length - 0.5]} ticks={ticks(yLabels.length)} tickFormatter={(i: number) => yLabels[i] ?? ''} interval={0} fontSize={10} reversed />
      <ZAxis type="number" dataKey="kwh" range={[150, 150]} name="energy (kWh)" />
      <Tooltip cursor={false} formatter={(v, name) => (name === xName ? (xLabels[Number(v)] ?? v) : name === 'seller' ? (yLabels[Number(v)] ?? v) : v)} />
      {series.map((s) => (
        <Scatter key={s.color} data={s.cells} fill={s.color} shape="square" isAnimationActive={false} />
      ))}
    </ScatterChart>
  );
}

export function EpochFigures({ charts }: { charts: EpochCharts }) {
  const hours = Array.from({ length: 24 }, (_, t) => t);
  return (
    <div className="grid2">
      <Figure title="Prices over the day" figure="6.13" testId="fig-prices">
        <LineChart data={charts.prices}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="hour" />
          <YAxis width={60} domain={['auto', 'auto']} tickFormatter={(v: number) => v.toFixed(3)} label={{ value: '$/kWh', angle: -90, position: 'insideLeft' }} />
          <Tooltip />
          <Legend />
          <Line type="stepAfter" dataKey="settlement" name="settlement price" stroke={COLORS[0]} dot={false} isAnimationActive={false} />
          <Line type="stepAfter" dataKey="system" name="system price (balance dual)" stroke={COLORS[1]} dot={false} strokeDasharray="4 3" isAnimationActive={false} />
        </LineChart>
      </Figure>
      <Figure title="Generation and consumption" figure="6.8" testId="fig-dispatch">
        <BarChart data={charts.dispatch}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="hour" />
          <YAxis unit=" kW" width={70} />
          <Tooltip />
          <Legend />
          <Bar dataKey="generation" stackId="supply" name="local generation" fill={COLORS[2]} isAnimationActive={false} />
          <Bar dataKey="discharge" stackId="supply" name="battery discharge" fill={COLORS[4]} isAnimationActive={false} />
          <Bar dataKey="gridImport" stackId="supply" name="grid import" fill={COLORS[7]} isAnimationActive={false} />
          <Bar dataKey="consumption" stackId="demand" name="consumption" fill={COLORS[1]} isAnimationActive={false} />
          <Bar dataKey="charge" stackId="demand" name="battery charge" fill={COLORS[3]} isAnimationActive={false} />
        </BarChart>
      </Figure>
      <Figure title="Battery state of charge" figure="6.9" testId="fig-soc">
        <LineChart data={charts.soc.rows}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="hour" />
          <YAxis unit=" kWh" width={70} />
          <Tooltip />
          <Legend />
          {charts.soc.agents.map((a, i) => (
            <Line key={a} type="monotone" dataKey={a} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} />
          ))}
        </LineChart>
      </Figure>
      <Figure title="Line utilization, constrained vs unconstrained" figure="6.7" testId="fig-lines">
        <BarChart data={charts.lines}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="line" fontSize={10} />
          <YAxis unit=" %" width={60} />
          <Tooltip />
          <Legend />
          <ReferenceLine y={100} stroke={COLORS[1]} strokeDasharray="4 3" />
          <Bar dataKey="constrained" name="network-constrained (posted)" fill={COLORS[0]} isAnimationActive={false} />
          {charts.lines.some((l) => l.unconstrained !== null) && <Bar dataKey="unconstrained" name="unconstrained" fill={COLORS[7]} isAnimationActive={false} />}
        </BarChart>
      </Figure>
      {charts.admm && (
        <Figure title="ADMM residuals" figure="6.3" testId="fig-admm">
          <LineChart data={charts.admm}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="iteration" />
            <YAxis scale="log" domain={['auto', 'auto']} allowDataOverflow width={70} tickFormatter={(v: number) => v.toExponential(0)} />
            <Tooltip formatter={(v) => Number(v).toExponential(3)} />
            <Legend />
            <Line dataKey="primal" name="primal residual ‖r‖" stroke={COLORS[0]} dot={false} isAnimationActive={false} />
            <Line dataKey="dual" name="dual residual ‖s‖" stroke={COLORS[1]} dot={false} isAnimationActive={false} />
            <Line dataKey="epsPrimal" name="ε primal" stroke={COLORS[0]} strokeDasharray="4 3" dot={false} isAnimationActive={false} />
            <Line dataKey="epsDual" name="ε dual" stroke={COLORS[1]} strokeDasharray="4 3" dot={false} isAnimationActive={false} />
          </LineChart>
        </Figure>
      )}
      <Figure title="Settlement per hour" figure="6.14, 6.15" testId="fig-settlement">
        <BarChart data={charts.settlementByHour}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="hour" />
          <YAxis unit=" kWh" width={70} />
          <Tooltip />
          <Legend />
          <Bar dataKey="settledKwh" stackId="e" name="settled" fill={COLORS[2]} isAnimationActive={false} />
          <Bar dataKey="rejectedKwh" stackId="e" name="rejected" fill={COLORS[1]} isAnimationActive={false} />
          <Bar dataKey="openKwh" stackId="e" name="not yet settled" fill={COLORS[7]} isAnimationActive={false} />
        </BarChart>
      </Figure>
      <Figure title="Bilateral trades, seller × buyer (kWh)" figure="6.11" testId="fig-seller-buyer">
        <Heatmap cells={charts.sellerBuyer.cells} xLabels={charts.sellerBuyer.buyers} yLabels={charts.sellerBuyer.sellers} xName="buyer" />
      </Figure>
      <Figure title="Bilateral trades, seller × hour (kWh)" figure="6.16" testId="fig-seller-hour">
        <Heatmap cells={charts.sellerHour.cells} xLabels={hours.map(String)} yLabels={charts.sellerHour.sellers} xName="hour" />
      </Figure>
    </div>
  );
}
