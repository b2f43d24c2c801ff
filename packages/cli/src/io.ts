// Output helpers shared by the commands: tables, number formats, flag parsing, JSON.
import { UsageError } from './errors';

export { UsageError };

/** A markdown table (readable in a terminal and in a file). */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((v, c) => v.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

export const fmt = {
  usd: (v: number, d = 2) => (Number.isFinite(v) ? `$${v.toFixed(d)}` : '—'),
  pct: (v: number, d = 1) => `${(v * 100).toFixed(d)}%`,
  ms: (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`),
};

/** A decimal number as people type it (no hex, no separators, no Infinity or NaN). */
const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

export function parseNumber(name: string, value: string, check: (v: number) => boolean, what: string): number {
  const v = DECIMAL.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isFinite(v) || !check(v)) throw new UsageError(`${name} must be ${what}, got "${value}"`);
  return v;
}

/** JSON with bigints as decimal strings (token amounts, gas, energy on chain). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** --documents-url: an http(s) URL, without a trailing slash. */
export function documentsUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--documents-url must be an http(s) URL such as http://operator.example:8600, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--documents-url must be an http(s) URL, got the scheme ${url.protocol}`);
  return value.replace(/\/+$/, '');
}

/** An integer flag between `min` and `max` (a uint32 by default). */
export function intFlag(flag: string, value: string, min = 0, max = 2 ** 32 - 1): number {
  return parseNumber(flag, value, (n) => Number.isInteger(n) && n >= min && n <= max, `an integer from ${min} to ${max}`);
}
