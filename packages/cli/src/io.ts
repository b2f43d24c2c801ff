// Output helpers shared by the commands: atomic file writes, tables, and user-facing errors.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NetworkError } from '@gridmarket/grid';

/** Writes a file atomically: a temporary file beside it, then a rename. */
export function writeFileAtomic(file: string, contents: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

/** A markdown table (readable in a terminal and in a file). */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((v, c) => v.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

export const fmt = {
  usd: (v: number, d = 2) => `$${v.toFixed(d)}`,
  pct: (v: number, d = 1) => `${(v * 100).toFixed(d)}%`,
  ms: (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`),
};

/** A mistake in the user's input: printed as one sentence, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Errors that name a field or a problem with the input (case, network, document, settings). */
const INPUT_ERRORS = new Set(['UsageError', 'CaseError', 'NetworkError', 'ResultDocumentError', 'QpDataError', 'RangeError', 'DeploymentFileError', 'StoreError', 'EpochConflictError', 'RegistrationError', 'ConservationError']);

export function reportError(err: unknown): number {
  const e = err as Error & { shortMessage?: string; metaMessages?: string[] };
  // viem's errors carry every call argument; the short message and its details say enough.
  if (e?.shortMessage) {
    const details = (e.metaMessages ?? []).filter((m) => !m.includes('args:')).join('\n');
    process.stderr.write(`error: ${e.shortMessage}${details ? `\n${details}` : ''}\n`);
    return 1;
  }
  // Every error of the grid package (bad network data, a MATPOWER file that cannot be read) extends NetworkError.
  if (INPUT_ERRORS.has(e?.name) || err instanceof NetworkError) {
    process.stderr.write(`error: ${e.message}\n`);
    return 2;
  }
  process.stderr.write(`gridmarket failed: ${e?.stack ?? String(err)}\n`);
  return 1;
}

export function parseNumber(name: string, value: string, check: (v: number) => boolean, what: string): number {
  const v = Number(value);
  if (!Number.isFinite(v) || !check(v)) throw new UsageError(`${name} must be ${what}, got "${value}"`);
  return v;
}

/** JSON with bigints as decimal strings (token amounts, gas, energy on chain). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}
