import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { markdownTable, rng, writeReport } from '../src/index';

test('rng: same seed, same sequence; another seed, another; values in [0, 1)', () => {
  const a = rng(7);
  const b = rng(7);
  const c = rng(8);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(
    xs,
    Array.from({ length: 1000 }, () => b()),
  );
  assert.notDeepEqual(
    xs.slice(0, 10),
    Array.from({ length: 10 }, () => c()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  // Roughly uniform: the mean of 1,000 draws is within 0.05 of 1/2.
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});

test('rng: mulberry32 of seed 1', () => {
  // First output computed independently (Python, 32-bit arithmetic by hand): 2693262067 / 2^32.
  assert.equal(rng(1)(), 0.6270739405881613);
});

test('markdownTable pads columns and rejects ragged rows', () => {
  const t = markdownTable(['a', 'long header'], [['xyz', 1]]);
  assert.equal(t, ['| a   | long header |', '|-----|-------------|', '| xyz | 1           |'].join('\n'));
  assert.throws(() => markdownTable(['a', 'b'], [['only one']]), /row 1 has 1 cells, expected 2/);
});

test('writeReport writes the whole file and leaves no temporary file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-bench-test-'));
  try {
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    let file: string;
    try {
      file = writeReport('out/report.md', '# title', dir);
    } finally {
      process.stdout.write = write;
    }
    assert.equal(file, path.join(dir, 'out', 'report.md'));
    assert.equal(readFileSync(file, 'utf8'), '# title\n');
    assert.ok(!existsSync(`${file}.tmp`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
