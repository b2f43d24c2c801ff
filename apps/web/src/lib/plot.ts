// The arithmetic of the figures, shared by the server (which draws them) and the hover island:
// scales from data to a 0–1 position, readable ticks on linear and log axes, and value formats.

/** A position along an axis as a fraction, 0 at the start (left, or bottom for values). */
export type Scale = (v: number) => number;

export interface Tick {
  /** Position along the axis, 0–1. */
  at: number;
  label: string;
}

/** How a value is written in ticks and tooltips (plain data: it crosses to the browser). */
export type ValueFormat = { kind: 'fixed'; digits: number; unit?: string } | { kind: 'exp'; digits: number; unit?: string } | { kind: 'usd'; digits: number; per?: string };

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** 10 to the power `k`, as a person writes it: "10⁻³", "1", "10", "10²". */
export function powerOfTen(k: number): string {
  if (k === 0) return '1';
  if (k === 1) return '10';
  return `10${String(k)
    .split('')
    .map((c) => SUPERSCRIPT[c] ?? c)
    .join('')}`;
}

/** "1.23 × 10⁻⁴": scientific notation without the "e". */
export function scientific(v: number, digits: number): string {
  if (v === 0) return '0';
  const [mantissa, exponent] = v.toExponential(digits).split('e') as [string, string];
  const k = Number(exponent);
  return k === 0 ? mantissa : `${mantissa} × ${powerOfTen(k)}`;
}

export function formatValue(v: number | null, f: ValueFormat): string {
  if (v === null || !Number.isFinite(v)) return '—';
  if (f.kind === 'exp') return `${scientific(v, f.digits)}${f.unit ? ` ${f.unit}` : ''}`;
  const text = Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: f.digits, maximumFractionDigits: f.digits });
  const sign = v < 0 && Number(text.replace(/,/g, '')) !== 0 ? '-' : '';
  if (f.kind === 'usd') return `${sign}$${text}${f.per ? `/${f.per}` : ''}`;
  return `${sign}${text}${f.unit ? ` ${f.unit}` : ''}`;
}

/** The step of about `count` ticks over `span`: 1, 2 or 5 times a power of ten. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

/** Decimals needed to write multiples of `step` exactly. */
const stepDigits = (step: number) => Math.max(0, -Math.floor(Math.log10(step) + 1e-9));

export interface LinearAxis {
  scale: Scale;
  ticks: Tick[];
  min: number;
  max: number;
}

/**
 * A linear value axis over [lo, hi] widened to whole steps (and to 0 when `zero`), with about
 * `count` ticks labelled with just the decimals the step needs.
 */
export function linearAxis(lo: number, hi: number, { count = 5, zero = true, unit = '' }: { count?: number; zero?: boolean; unit?: string } = {}): LinearAxis {
  let a = zero ? Math.min(0, lo) : lo;
  let b = zero ? Math.max(0, hi) : hi;
  if (!(b > a)) {
    const pad = Math.abs(a) > 0 ? Math.abs(a) * 0.1 : 1;
    a -= zero && a === 0 ? 0 : pad;
    b += pad;
  }
  const step = niceStep(b - a, count);
  const min = Math.floor(a / step + 1e-9) * step;
  const max = Math.ceil(b / step - 1e-9) * step;
  const digits = stepDigits(step);
  const scale: Scale = (v) => (v - min) / (max - min);
  const ticks: Tick[] = [];
  for (let k = 0; min + k * step <= max + step * 1e-9; k++) {
    const v = min + k * step;
    const label = (Math.abs(v) < step * 1e-9 ? 0 : v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    ticks.push({ at: scale(v), label: unit ? `${label}${unit}` : label });
  }
  return { scale, ticks, min, max };
}

/**
 * A log axis over the decades that hold [lo, hi] (positive values): a grid line per decade, and a
 * label written as a power of ten on every decade, or every second or third one when there are more
 * than `maxLabels` (the others keep an empty label, so their grid line stays).
 */
export function logAxis(lo: number, hi: number, maxLabels = 6): LinearAxis {
  const positive = (v: number) => (v > 0 && Number.isFinite(v) ? v : undefined);
  const a = Math.floor(Math.log10(positive(lo) ?? 1e-12));
  let b = Math.ceil(Math.log10(positive(hi) ?? 1));
  if (b <= a) b = a + 1;
  const every = Math.ceil((b - a + 1) / maxLabels);
  const scale: Scale = (v) => (Math.log10(Math.max(v, 10 ** (a - 1))) - a) / (b - a);
  const ticks: Tick[] = [];
  for (let k = a; k <= b; k++) ticks.push({ at: (k - a) / (b - a), label: (k - a) % every === 0 ? powerOfTen(k) : '' });
  return { scale, ticks, min: 10 ** a, max: 10 ** b };
}

/**
 * Which of `n` category labels are written on a narrow chart: about `keep` of them, evenly, always
 * the first. (The others are still drawn where there is room: see the plot's CSS.)
 */
export function majorLabels(n: number, keep: number): boolean[] {
  const every = Math.max(1, Math.ceil(n / keep));
  return Array.from({ length: n }, (_, i) => i % every === 0);
}
