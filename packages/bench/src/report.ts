// Benchmark reports: a Markdown table padded so it reads as well in a terminal as rendered, and the
// report printed and written atomically (a reader never sees half a file) under the repo root.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** A Markdown table; every row must have one cell per header. */
export function markdownTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  cells.forEach((r, i) => {
    if (r.length !== headers.length) throw new Error(`table row ${i} has ${r.length} cells, expected ${headers.length}`);
  });
  const width = headers.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((v, c) => v.padEnd(width[c]!)).join(' | ')} |`;
  return [line(headers), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/**
 * Prints a report on stdout and writes it to `file` (relative to the repo root unless absolute),
 * through a temporary file and a rename. Returns the absolute path written.
 */
export function writeReport(file: string, text: string, root = REPO_ROOT): string {
  const target = path.resolve(root, file);
  const body = text.endsWith('\n') ? text : `${text}\n`;
  process.stdout.write(body);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(`${target}.tmp`, body);
  renameSync(`${target}.tmp`, target);
  process.stdout.write(`\nwritten to ${path.relative(process.cwd(), target) || target}\n`);
  return target;
}
