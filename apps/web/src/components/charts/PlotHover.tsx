'use client';
// The one interactive part of a chart: the values under the pointer (or the finger, or the arrow
// keys once the plot has focus), with the column, row or cell they belong to highlighted.
import { type KeyboardEvent, type PointerEvent, type ReactNode, useEffect, useState } from 'react';
import { formatValue, type ValueFormat } from '@/lib/plot';

interface HoverSeries {
  name: string;
  color: string;
  values: (number | null)[];
}

/** What can be pointed at: a column per category, a row per category, the nearest point, or a cell. */
export type HoverSpec =
  | { kind: 'columns' | 'rows'; count: number; titles: string[]; series: HoverSeries[]; format: ValueFormat }
  | { kind: 'points'; positions: number[]; titles: string[]; series: HoverSeries[]; format: ValueFormat }
  | { kind: 'cells'; xTitles: string[]; yTitles: string[]; values: (number | null)[][]; name: string; format: ValueFormat };

type Target = { i: number; j: number; fx: number; fy: number };

const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));

function nearest(positions: number[], f: number): number {
  let lo = 0;
  let hi = positions.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (positions[mid]! < f) lo = mid;
    else hi = mid;
  }
  return Math.abs(positions[lo]! - f) <= Math.abs(positions[hi]! - f) ? lo : hi;
}

/** The category under a point of the plot (fx, fy in 0–1 from the top left). */
function locate(spec: HoverSpec, fx: number, fy: number): Target {
  switch (spec.kind) {
    case 'columns':
      return { i: clamp(Math.floor(fx * spec.count), spec.count), j: 0, fx, fy };
    case 'rows':
      return { i: clamp(Math.floor(fy * spec.count), spec.count), j: 0, fx, fy };
    case 'points':
      return { i: nearest(spec.positions, fx), j: 0, fx, fy };
    case 'cells':
      return { i: clamp(Math.floor(fx * spec.xTitles.length), spec.xTitles.length), j: clamp(Math.floor(fy * spec.yTitles.length), spec.yTitles.length), fx, fy };
  }
}

function Tip({ spec, at }: { spec: HoverSpec; at: Target }) {
  const style = {
    left: `${at.fx * 100}%`,
    top: `${at.fy * 100}%`,
    transform: `translate(${at.fx > 0.5 ? 'calc(-100% - 12px)' : '12px'}, ${at.fy > 0.5 ? 'calc(-100% - 8px)' : '8px'})`,
  };
  if (spec.kind === 'cells') {
    const v = spec.values[at.j]?.[at.i] ?? null;
    return (
      <div className="plot-tip" style={style} role="status" data-testid="plot-tip">
        <strong>
          {spec.yTitles[at.j]} → {spec.xTitles[at.i]}
        </strong>
        <div>
          {spec.name}: {v === null ? 'no trade' : formatValue(v, spec.format)}
        </div>
      </div>
    );
  }
  return (
    <div className="plot-tip" style={style} role="status" data-testid="plot-tip">
      <strong>{spec.titles[at.i]}</strong>
      {spec.series.map((s) => (
        <div key={s.name}>
          <i style={{ background: s.color }} /> {s.name}: {formatValue(s.values[at.i] ?? null, spec.format)}
        </div>
      ))}
    </div>
  );
}

function Highlight({ spec, at }: { spec: HoverSpec; at: Target }) {
  switch (spec.kind) {
    case 'columns':
      return <div className="plot-highlight" style={{ left: `${(at.i / spec.count) * 100}%`, width: `${100 / spec.count}%`, top: 0, bottom: 0 }} />;
    case 'rows':
      return <div className="plot-highlight" style={{ top: `${(at.i / spec.count) * 100}%`, height: `${100 / spec.count}%`, left: 0, right: 0 }} />;
    case 'points':
      return <div className="plot-highlight line" style={{ left: `${spec.positions[at.i]! * 100}%`, top: 0, bottom: 0 }} />;
    case 'cells': {
      const [nx, ny] = [spec.xTitles.length, spec.yTitles.length];
      return <div className="plot-highlight cell" style={{ left: `${(at.i / nx) * 100}%`, width: `${100 / nx}%`, top: `${(at.j / ny) * 100}%`, height: `${100 / ny}%` }} />;
    }
  }
}

export function PlotHover({ spec, label, height, children }: { spec: HoverSpec; label: string; height?: number; children: ReactNode }) {
  const [at, setAt] = useState<Target>();
  const [ready, setReady] = useState(false);
  // Marks the plot as answering the pointer (the bench and the browser tests wait for it).
  useEffect(() => setReady(true), []);

  const point = (e: PointerEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    setAt(locate(spec, clamp01((e.clientX - r.left) / r.width), clamp01((e.clientY - r.top) / r.height)));
  };
  const key = (e: KeyboardEvent<HTMLDivElement>) => {
    const dx = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const dy = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
    if (e.key === 'Escape') return setAt(undefined);
    if (dx === 0 && dy === 0) return;
    e.preventDefault();
    const cur = at ?? { i: -1, j: 0, fx: 0, fy: 0 };
    const [nx, ny] = spec.kind === 'cells' ? [spec.xTitles.length, spec.yTitles.length] : spec.kind === 'points' ? [spec.positions.length, 1] : spec.kind === 'columns' ? [spec.count, 1] : [1, spec.count];
    const along = spec.kind === 'rows' ? { i: clamp(cur.i + (dy || dx), ny), j: 0 } : { i: clamp(cur.i + dx, nx), j: clamp(cur.j + dy, ny) };
    const fx = spec.kind === 'points' ? spec.positions[along.i]! : spec.kind === 'rows' ? 0.5 : (along.i + 0.5) / nx;
    const fy = spec.kind === 'rows' ? (along.i + 0.5) / ny : spec.kind === 'cells' ? (along.j + 0.5) / ny : 0.5;
    setAt({ ...along, fx, fy });
  };
  return (
    <div
      className="plot-area"
      style={height ? { height } : undefined}
      tabIndex={0}
      aria-label={`${label}: use the arrow keys to read the values`}
      data-hover-ready={ready ? '' : undefined}
      onPointerMove={point}
      onPointerDown={point}
      onPointerLeave={(e) => e.pointerType === 'mouse' && setAt(undefined)}
      onBlur={() => setAt(undefined)}
      onKeyDown={key}
    >
      {children}
      {at && <Highlight spec={spec} at={at} />}
      {at && <Tip spec={spec} at={at} />}
    </div>
  );
}

const clamp01 = (f: number) => Math.min(1, Math.max(0, f));
