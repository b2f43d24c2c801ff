// The commands as a user runs them: real processes, exit codes, files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseResult } from '@gridmarket/clearing';

const BIN = fileURLToPath(new URL('../bin/gridmarket.mjs', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('gridmarket CLI', () => {
  it('prints help for every command', () => {
    for (const cmd of [[], ['network'], ['clear'], ['compare']]) {
      const r = run(...cmd, '--help');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Usage: gridmarket/);
    }
  });

  it('network --json gives buses, lines, limits, slack and the bus-level PTDF', () => {
    const r = run('network', '--case', 'ieee14', '--json');
    assert.equal(r.status, 0, r.stderr);
    const n = JSON.parse(r.stdout);
    assert.equal(n.slack, 1);
    assert.equal(n.buses.length, 14);
    assert.equal(n.lines.length, 20);
    assert.deepEqual(n.lines[7], { from: 4, to: 7, r: 0, x: 0.20912, limitKw: 1.2 });
    assert.equal(n.ptdf.values.length, 20);
    assert.equal(n.ptdf.values[0].length, 14);
    assert.ok(n.ptdf.values.every((row: number[]) => row[0] === 0));
  });

  it('clear writes a valid result document and reports progress on stderr', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-cli-'));
    try {
      const out = path.join(dir, 'result.json');
      const r = run('clear', '--case', 'ieee14', '--out', out, '--json');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /iter +1 +r_pri/);
      const summary = JSON.parse(r.stdout);
      assert.equal(summary.status, 'converged');
      const doc = parseResult(JSON.parse(readFileSync(out, 'utf8')));
      assert.equal(doc.method, 'admm');
      assert.equal(doc.constrained, true);
      assert.equal(doc.totals.trades, summary.trades);
      const central = run('clear', '--case', 'ieee14', '--method', 'centralized', '--no-network', '--out', out, '--quiet');
      assert.equal(central.status, 0, central.stderr);
      assert.equal(central.stderr, '');
      const doc2 = parseResult(JSON.parse(readFileSync(out, 'utf8')));
      assert.equal(doc2.method, 'centralized');
      assert.equal(doc2.constrained, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a run that did not converge with exit code 3', () => {
    const r = run('clear', '--case', 'ieee14', '--max-iter', '3', '--quiet');
    assert.equal(r.status, 3);
    assert.match(r.stdout, /max_iter_reached in 3 iterations/);
  });

  it('names bad input in one line with exit code 2 and writes nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-cli-'));
    try {
      const out = path.join(dir, 'never.json');
      for (const [args, msg] of [
        [['clear', '--case', 'nope', '--out', out], /no built-in case or file named "nope"/],
        [['clear', '--case', 'ieee14', '--rho', '-1', '--out', out], /--rho must be a positive number, got "-1"/],
        [['clear', '--case', 'ieee14', '--method', 'magic', '--out', out], /--method must be admm, centralized or highs/],
      ] as const) {
        const r = run(...args);
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, msg);
        assert.ok(!r.stderr.includes('    at '), 'no stack trace for input errors');
      }
      assert.ok(!existsSync(out));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
