// Charts as plain markup, drawn wherever React renders (on the server for the epoch page, so the
// figures arrive with the HTML): the marks are one SVG stretched over the plot area, the text
// (ticks, axis titles, legends) is HTML around it, so it stays readable at any width. Hovering
// (PlotHover, the only client code) shows the values under the pointer. The SVG is written as a
// string and set as inner HTML: React neither sends its elements one by one nor hydrates them
// (hundreds of cells and bars per page, which hydration would otherwise walk).
import type { ReactNode } from 'react';
import { formatValue, type LinearAxis, linearAxis, logAxis, majorLabels, type Tick, type ValueFormat } from '@/lib/plot';
import { type HoverSpec, PlotHover } from './PlotHover';

/** The SVG's own coordinates: 0–W across, 0–H down, stretched to the plot area. */
const W = 1000;
const H = 1000;
const X = (f: number) => +(f * W).toFixed(1);
const Y = (f: number) => +((1 - f) * H).toFixed(1);

export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
  dashed?: boolean;
}

export interface ValueAxis {
  title: string;
  format: ValueFormat;
  /** Tick labels' unit suffix ("%"); the title carries the unit otherwise. */
  tickUnit?: string;
  log?: boolean;
  /** Include zero (default true on linear axes). */
  zero?: boolean;
  /** Values the axis must reach even if no series does (a limit line). */
  include?: number[];
}

/** Category labels along an axis: every one is written where there is room, `keep` on a phone. */
export interface Categories {
  title: string;
  labels: string[];
  /** What one category is called in a tooltip ("hour 5", "line L3 (2–4)"). */
  name: (i: number) => string;
  keep?: number;
}

function valueAxis(axis: ValueAxis, series: Series[], stackedMax?: number): LinearAxis {
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const all = [...values, ...(axis.include ?? []), ...(stackedMax === undefined ? [] : [stackedMax])];
  if (axis.log) {
    const positive = all.filter((v) => v > 0);
    return logAxis(Math.min(...positive), Math.max(...positive));
  }
  if (all.length === 0) return linearAxis(0, 1, { unit: axis.tickUnit });
  return linearAxis(Math.min(...all), Math.max(...all), { zero: axis.zero ?? true, unit: axis.tickUnit });
}

function ValueTicks({ ticks, side }: { ticks: Tick[]; side: 'y' | 'x' }) {
  const width = Math.max(2, ...ticks.map((t) => t.label.length));
  return (
    <div className={`plot-${side}ticks`} style={side === 'y' ? { width: `${width + 0.8}ch` } : undefined} aria-hidden>
      {ticks.map((t) =>
        t.label ? (
          <span key={t.at} className={side === 'x' && t.at > 0.999 ? 'end' : undefined} style={side === 'y' ? { top: `${(1 - t.at) * 100}%` } : { left: `${t.at * 100}%` }}>
            {t.label}
          </span>
        ) : null,
      )}
    </div>
  );
}

function CategoryTicks({ c, side }: { c: Categories; side: 'x' | 'y' }) {
  const major = majorLabels(c.labels.length, c.keep ?? 8);
  const n = c.labels.length;
  const width = Math.max(2, ...c.labels.map((l) => l.length));
  return (
    <div className={`plot-${side}ticks`} style={side === 'y' ? { width: `${width + 0.8}ch` } : undefined} aria-hidden>
      {c.labels.map((label, i) => (
        <span key={i} className={major[i] ? undefined : 'minor'} style={side === 'y' ? { top: `${((i + 0.5) / n) * 100}%` } : { left: `${((i + 0.5) / n) * 100}%` }}>
          {label}
        </span>
      ))}
    </div>
  );
}

/** Attribute values here are numbers, our colours and our labels: only labels need escaping. */
const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function gridLines(ticks: Tick[], side: 'x' | 'y'): string {
  const lines = ticks.map((t) => (side === 'y' ? `<line x1="0" x2="${W}" y1="${Y(t.at)}" y2="${Y(t.at)}"/>` : `<line x1="${X(t.at)}" x2="${X(t.at)}" y1="0" y2="${H}"/>`));
  return `<g class="plot-gridlines">${lines.join('')}</g>`;
}

const path = (d: string, color: string, dashed?: boolean) => `<path class="plot-line${dashed ? ' dashed' : ''}" stroke="${esc(color)}" d="${d}"/>`;
const rect = (x: number, y: number, width: number, height: number, fill: string) => `<rect x="${+x.toFixed(1)}" y="${+y.toFixed(1)}" width="${+width.toFixed(1)}" height="${+height.toFixed(1)}" fill="${esc(fill)}"/>`;

export interface LegendItem {
  name: string;
  color: string;
  mark: 'line' | 'dashed' | 'box';
}

function Legend({ items }: { items: LegendItem[] }) {
  return (
    <ul className="plot-legend">
      {items.map((i) => (
        <li key={i.name}>
          <svg width="18" height="10" aria-hidden>
            {i.mark === 'box' ? <rect x="3" y="0" width="12" height="10" fill={i.color} /> : <line x1="0" x2="18" y1="5" y2="5" stroke={i.color} strokeWidth="2.5" strokeDasharray={i.mark === 'dashed' ? '4 3' : undefined} />}
          </svg>
          {i.name}
        </li>
      ))}
    </ul>
  );
}

/** The layout every chart shares: legend, y title, y ticks, plot area, x ticks, x title. */
function Frame({ label, legend, yTitle, yTicks, xTicks, xTitle, hover, height, marks, overlay }: { label: string; legend?: ReactNode; yTitle: string; yTicks: ReactNode; xTicks: ReactNode; xTitle: string; hover: HoverSpec; height?: number; marks: string; overlay?: ReactNode }) {
  return (
    <figure className="plot">
      {legend}
      <div className="plot-grid">
        <div className="plot-ytitle">
          <span>{yTitle}</span>
        </div>
        {yTicks}
        <PlotHover spec={hover} label={label} height={height}>
          <div dangerouslySetInnerHTML={{ __html: `<svg class="plot-marks" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="${esc(label)}">${marks}</svg>` }} />
          {overlay}
        </PlotHover>
        {xTicks}
        <div className="plot-xtitle">{xTitle}</div>
      </div>
    </figure>
  );
}

/** `d` of a line through `values` (gaps at nulls); `step` holds each value across its category. */
function linePath(values: (number | null)[], x: (i: number) => number, y: (v: number) => number, step: { width: number } | undefined): string {
  let d = '';
  let open = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      open = false;
      return;
    }
    const yy = Y(y(v));
    if (step) {
      const x0 = X(x(i) - step.width / 2);
      d += open ? `V${yy}H${X(x(i) + step.width / 2)}` : `M${x0} ${yy}H${X(x(i) + step.width / 2)}`;
    } else d += `${open ? 'L' : 'M'}${X(x(i))} ${yy}`;
    open = true;
  });
  return d;
}

/** Lines over categories (hours: `step` draws each hour's value across the hour). */
export function LineChart({ label, x, series, y, step = false }: { label: string; x: Categories; series: Series[]; y: ValueAxis; step?: boolean }) {
  const axis = valueAxis(y, series);
  const n = x.labels.length;
  return (
    <Frame
      label={label}
      legend={<Legend items={series.map((s) => ({ name: s.name, color: s.color, mark: s.dashed ? 'dashed' : 'line' }))} />}
      yTitle={y.title}
      yTicks={<ValueTicks ticks={axis.ticks} side="y" />}
      xTicks={<CategoryTicks c={x} side="x" />}
      xTitle={x.title}
      hover={{ kind: 'columns', count: n, titles: x.labels.map((_, i) => x.name(i)), series: series.map((s) => ({ name: s.name, color: s.color, values: s.values })), format: y.format }}
      marks={gridLines(axis.ticks, 'y') + series.map((s) => path(linePath(s.values, (i) => (i + 0.5) / n, axis.scale, step ? { width: 1 / n } : undefined), s.color, s.dashed)).join('')}
    />
  );
}

/** Lines over a numeric x (iterations), each point an x value; the log scale for residuals. */
export function XYChart({ label, x, series, y }: { label: string; x: { title: string; values: number[]; name: (i: number) => string }; series: Series[]; y: ValueAxis }) {
  const axis = valueAxis(y, series);
  const xAxis = linearAxis(Math.min(...x.values), Math.max(...x.values), { zero: false, count: 6 });
  return (
    <Frame
      label={label}
      legend={<Legend items={series.map((s) => ({ name: s.name, color: s.color, mark: s.dashed ? 'dashed' : 'line' }))} />}
      yTitle={y.title}
      yTicks={<ValueTicks ticks={axis.ticks} side="y" />}
      xTicks={<ValueTicks ticks={xAxis.ticks} side="x" />}
      xTitle={x.title}
      hover={{ kind: 'points', positions: x.values.map((v) => +xAxis.scale(v).toFixed(5)), titles: x.values.map((_, i) => x.name(i)), series: series.map((s) => ({ name: s.name, color: s.color, values: s.values })), format: y.format }}
      marks={gridLines(axis.ticks, 'y') + gridLines(xAxis.ticks, 'x') + series.map((s) => path(linePath(s.values, (i) => xAxis.scale(x.values[i]!), axis.scale, undefined), s.color, s.dashed)).join('')}
    />
  );
}

/**
 * Bars per category: `groups` stand side by side in a category, the series of a group are stacked.
 * `horizontal` puts the categories down the side (one row per category, every label written).
 */
export function BarChart({ label, categories, groups, value, horizontal = false, reference }: { label: string; categories: Categories; groups: Series[][]; value: ValueAxis; horizontal?: boolean; reference?: { value: number; label: string; color: string } }) {
  const n = categories.labels.length;
  const stackedMax = Math.max(0, ...groups.flatMap((g) => Array.from({ length: n }, (_, i) => g.reduce((s, x) => s + (x.values[i] ?? 0), 0))));
  const axis = valueAxis({ ...value, include: [...(value.include ?? []), ...(reference ? [reference.value] : [])] }, groups.flat(), stackedMax);
  const band = 1 / n;
  const inner = band * 0.78;
  const width = inner / groups.length;
  const rects: string[] = [];
  groups.forEach((group, g) => {
    for (let i = 0; i < n; i++) {
      let base = 0;
      for (const s of group) {
        const v = s.values[i];
        if (v === null || v === undefined || v === 0) continue;
        const from = axis.scale(base);
        const to = axis.scale(base + v);
        base += v;
        const c0 = i * band + (band - inner) / 2 + g * width;
        rects.push(horizontal ? rect(Math.min(from, to) * W, c0 * H, Math.abs(to - from) * W, width * H, s.color) : rect(c0 * W, (1 - Math.max(from, to)) * H, width * W, Math.abs(to - from) * H, s.color));
      }
    }
  });
  const series = groups.flat();
  const ref = reference ? axis.scale(reference.value) : undefined;
  const valueTicks = <ValueTicks ticks={axis.ticks} side={horizontal ? 'x' : 'y'} />;
  const categoryTicks = <CategoryTicks c={categories} side={horizontal ? 'y' : 'x'} />;
  return (
    <Frame
      label={label}
      legend={<Legend items={[...series.map((s) => ({ name: s.name, color: s.color, mark: 'box' as const })), ...(reference ? [{ name: reference.label, color: reference.color, mark: 'dashed' as const }] : [])]} />}
      yTitle={horizontal ? categories.title : value.title}
      yTicks={horizontal ? categoryTicks : valueTicks}
      xTicks={horizontal ? valueTicks : categoryTicks}
      xTitle={horizontal ? value.title : categories.title}
      height={horizontal ? Math.max(160, n * 17) : undefined}
      hover={{ kind: horizontal ? 'rows' : 'columns', count: n, titles: categories.labels.map((_, i) => categories.name(i)), series: series.map((s) => ({ name: s.name, color: s.color, values: s.values })), format: value.format }}
      overlay={
        reference && ref !== undefined ? (
          <span className={`plot-reflabel ${horizontal ? `v${ref > 0.5 ? ' end' : ''}` : 'h'}`} style={horizontal ? { left: `${ref * 100}%`, color: reference.color } : { top: `${(1 - ref) * 100}%`, color: reference.color }}>
            {reference.label}
          </span>
        ) : undefined
      }
      marks={
        gridLines(axis.ticks, horizontal ? 'x' : 'y') +
        `<g shape-rendering="crispEdges">${rects.join('')}</g>` +
        (reference && ref !== undefined
          ? horizontal
            ? `<line class="plot-line dashed" stroke="${esc(reference.color)}" x1="${X(ref)}" x2="${X(ref)}" y1="0" y2="${H}"/>`
            : `<line class="plot-line dashed" stroke="${esc(reference.color)}" x1="0" x2="${W}" y1="${Y(ref)}" y2="${Y(ref)}"/>`
          : '')
      }
    />
  );
}

/** Light to dark: a cell's shade follows the square root of its share of the largest cell. */
const SHADES = [
  [219, 233, 251],
  [133, 180, 240],
  [47, 114, 214],
  [11, 58, 128],
] as const;

export function shade(share: number): string {
  const f = Math.sqrt(Math.min(1, Math.max(0, share))) * (SHADES.length - 1);
  const k = Math.min(SHADES.length - 2, Math.floor(f));
  const t = f - k;
  const [a, b] = [SHADES[k]!, SHADES[k + 1]!];
  return `rgb(${a.map((c, j) => Math.round(c + (b[j]! - c) * t)).join(',')})`;
}

/** The colour scale of a heat map: the shades from 0 to the largest cell, with value ticks. */
function ColourScale({ max, title, format }: { max: number; title: string; format: ValueFormat }) {
  const axis = linearAxis(0, max, { count: 4 });
  const ticks = axis.ticks.map((t) => ({ value: t.at * axis.max, label: t.label })).filter((t) => t.value <= max * (1 + 1e-9));
  const stops = Array.from({ length: 11 }, (_, k) => `${shade((k / 10) ** 2)} ${k * 10}%`);
  return (
    <div className="plot-colourscale" data-testid="colour-scale">
      <span className="plot-colourscale-title">
        {title} <span className="muted">(largest {formatValue(max, format)})</span>
      </span>
      <div className="plot-colourscale-bar">
        <div style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />
        <div className="plot-xticks">
          {ticks.map((t) => (
            <span key={t.value} style={{ left: `${Math.sqrt(t.value / max) * 100}%` }}>
              {t.label}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}

/** A heat map: one cell per (x, y) category pair, its shade its value; empty cells are left blank. */
export function HeatMap({ label, x, y, cells, value }: { label: string; x: Categories; y: Categories; cells: { x: number; y: number; v: number }[]; value: { title: string; format: ValueFormat } }) {
  const nx = x.labels.length;
  const ny = y.labels.length;
  const max = Math.max(1e-9, ...cells.map((c) => c.v));
  const grid: (number | null)[][] = Array.from({ length: ny }, () => Array<number | null>(nx).fill(null));
  for (const c of cells) grid[c.y]![c.x] = c.v;
  const cw = W / nx;
  const ch = H / ny;
  return (
    <Frame
      label={label}
      legend={<ColourScale max={max} title={value.title} format={value.format} />}
      yTitle={y.title}
      yTicks={<CategoryTicks c={y} side="y" />}
      xTicks={<CategoryTicks c={x} side="x" />}
      xTitle={x.title}
      height={Math.max(160, Math.min(320, ny * 24))}
      hover={{ kind: 'cells', xTitles: x.labels.map((_, i) => x.name(i)), yTitles: y.labels.map((_, i) => y.name(i)), values: grid, name: value.title, format: value.format }}
      marks={`<g shape-rendering="crispEdges">${cells.map((c) => rect(c.x * cw + cw * 0.04, c.y * ch + ch * 0.04, cw * 0.92, ch * 0.92, shade(c.v / max))).join('')}</g>`}
    />
  );
}
