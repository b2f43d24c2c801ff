// The commands as a user runs them: real processes, exit codes, files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseResult } from '@gridmarket/clearing';

const BIN = fileURLToPath(new URL('../bin/gridmarket.mjs', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const CASE = (name: string) => fileURLToPath(new URL(`../../grid/test/fixtures/${name}.m`, import.meta.url));

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
    assert.deepEqual(n.lines[7], { from: 4, to: 7, r: 0, x: 0.20912, tap: 1, shiftDeg: 0, limitKw: 1.2 });
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
      // Welfare at z both ways: with the storage penalty (what the solvers maximize) and as (3-20).
      assert.equal(summary.welfare.at, 'the committed schedule z');
      assert.equal(summary.welfare.withStoragePenaltyUsd, doc.welfareUsd);
      assert.equal(summary.welfare.thesisUsd, doc.welfare!.thesisUsd);
      assert.ok(Math.abs(doc.welfare!.thesisUsd - doc.welfare!.storagePenaltyUsd - doc.welfareUsd) < 1e-12);
      assert.ok(doc.welfare!.storagePenaltyUsd > 0);
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

  it('reports a run that did not converge with exit code 3, in text and in JSON, and writes nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-cli-'));
    try {
      const out = path.join(dir, 'r.json');
      const r = run('clear', '--case', 'ieee14', '--max-iter', '3', '--quiet', '--out', out);
      assert.equal(r.status, 3);
      assert.match(r.stdout, /max_iter_reached in 3 iterations/);
      assert.match(r.stdout, /^no welfare: the day did not clear$/m);
      assert.match(r.stdout, /^no trades: the day did not clear$/m);
      assert.match(r.stderr, /^error: not cleared: ADMM did not converge on ieee14 within 3 iterations \(max_iter_reached\)/);
      const j = run('clear', '--case', 'ieee14', '--max-iter', '3', '--quiet', '--json');
      assert.equal(j.status, 3);
      assert.equal(JSON.parse(j.stdout).status, 'max_iter_reached');
      assert.equal(JSON.parse(j.stdout).welfareUsd, null, 'no welfare for a schedule the agents cannot keep');
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the document of a day that did not clear with --allow-unconverged, and still exits 3', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-cli-'));
    try {
      const out = path.join(dir, 'r.json');
      const r = run('clear', '--case', 'ieee14', '--max-iter', '3', '--quiet', '--allow-unconverged', '--out', out);
      assert.equal(r.status, 3);
      assert.match(r.stderr, /; the result document was written to .*r\.json \(--allow-unconverged\)$/m);
      const doc = parseResult(JSON.parse(readFileSync(out, 'utf8')));
      assert.equal(doc.admm!.status, 'max_iter_reached');
      assert.deepEqual(readdirSync(dir), ['r.json']);
      const noOut = run('clear', '--case', 'ieee14', '--max-iter', '3', '--quiet', '--allow-unconverged');
      assert.equal(noOut.status, 3);
      assert.match(noOut.stderr, /; nothing written \(no --out\)$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says an expected failure in one line, and with --debug adds the stack and the cause chain', () => {
    const plain = run('network', '--case', CASE('case9999'));
    assert.equal(plain.status, 2);
    assert.equal(plain.stderr.trim().split('\n').length, 1);
    const debug = run('network', '--case', CASE('case9999'), '--debug');
    assert.equal(debug.status, 2);
    assert.match(debug.stderr, /^error: .*case9999\.m: no such file\n/);
    assert.match(debug.stderr, /MatpowerFileError: .*case9999\.m: no such file\n\s+at /);
    assert.match(debug.stderr, /caused by: Error: ENOENT/);
  });

  it('compare prints welfare both ways for the thesis’s tables', () => {
    const r = run('compare', '--case', 'ieee14', '--no-sweep');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\| thesis central \| ours \(3-20\) +\| ours \+ penalty +\|/);
    assert.match(r.stdout, /\| thesis welfare \| ours \(3-20\) \| ours \+ penalty \|/);
  });

  it('rebuilds itself when a source changed after the build, and only then', () => {
    const manifest = () => JSON.parse(readFileSync(new URL('../dist/manifest.json', import.meta.url), 'utf8')) as { startedAtMs: number; inputs: string[] };
    assert.equal(run('--version').status, 0);
    const first = manifest();
    assert.equal(run('--version').status, 0);
    assert.equal(manifest().startedAtMs, first.startedAtMs, 'a fresh build is reused');
    const source = fileURLToPath(new URL('../src/commands.ts', import.meta.url));
    assert.ok(first.inputs.includes(source));
    const now = new Date(Math.max(Date.now(), first.startedAtMs + 1));
    utimesSync(source, now, now);
    assert.equal(run('--version').status, 0);
    assert.ok(manifest().startedAtMs > first.startedAtMs, 'rebuilt');
  });

  it('names bad input in one line with exit code 2 and writes nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-cli-'));
    try {
      const out = path.join(dir, 'never.json');
      for (const [args, msg] of [
        [['clear', '--case', 'nope', '--out', out], /no built-in case or file named "nope"/],
        [['clear', '--case', 'ieee14', '--rho', '-1', '--out', out], /--rho must be between 1e-6 and 1e6, got "-1"/],
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

  it('network reads a MATPOWER file and says what it did: parallel lines, taps, unlimited lines', () => {
    const r = run('network', '--case', CASE('case118'));
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'case118: 118 buses, 186 lines (7 parallel pairs, 9 off-nominal taps), slack bus 69');
    assert.match(r.stdout, /^warning: all 186 lines have RATE_A = 0 and are unlimited/m);
    assert.match(r.stdout, /^warning: 9 lines are transformers with an off-nominal tap ratio, entered with susceptance 1\/\(x·tap\): 8–5 tap 0\.985/m);
    assert.match(r.stdout, /^note: 7 bus pairs are joined by parallel lines/m);
    assert.match(r.stdout, /\| 66 +\| 42 +\| 49 .*\| parallel to 67 +\|/);
    assert.match(r.stdout, /^PTDF: 186 lines × 118 buses, too wide to print as a table; --json prints it$/m);
    const j = JSON.parse(run('network', '--case', CASE('case14'), '--json').stdout);
    assert.deepEqual(j.lines[7], { from: 4, to: 7, r: 0, x: 0.20912, tap: 0.978, shiftDeg: 0, limitKw: null });
    assert.ok(j.notes.some((n: { severity: string; message: string }) => n.severity === 'warning' && /3 lines are transformers/.test(n.message)));
  });

  it('clear takes a MATPOWER file with default agents and reports the placement and the import', () => {
    const r = run('clear', '--case', CASE('case33bw'), '--method', 'centralized', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).case, 'case33bw');
    assert.match(r.stderr, /^Agents placed on case33bw\.m by the default MATPOWER placement \(seed 1\): 32 buyers/m);
    assert.match(r.stderr, /^warning: 5 out-of-service branches were skipped/m);
  });

  it('names a bad MATPOWER input in one line with exit code 2', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-cli-'));
    try {
      const good = readFileSync(CASE('case14'), 'utf8');
      const file = (name: string, text: string) => {
        writeFileSync(path.join(dir, name), text);
        return path.join(dir, name);
      };
      mkdirSync(path.join(dir, 'folder.m'));
      for (const [target, msg] of [
        [dir, /is a directory, not a case file/],
        [path.join(dir, 'folder.m'), /folder\.m: is a directory, not a MATPOWER case file/],
        [path.join(dir, 'case9999.m'), /case9999\.m: no such file/],
        [file('nobranch.m', good.replace('mpc.branch = [', 'mpc.lines = [')), /nobranch\.m: mpc\.branch: not found in the case file/],
        [file('narrow.m', good.replace('2\t4\t0.05811\t0.17632\t0.034\t0', '2\t4\t0.05811\t0.17632\t0.034')), /narrow\.m: mpc\.branch row 4 \(line \d+\): has 12 columns, row 1 has 13/],
        [file('zero.m', good.replace('7\t9\t0\t0.11001', '7\t9\t0\t0')), /zero\.m: mpc\.branch row 15 \(7 → 9, line \d+\): reactance x = 0 p\.u\. is below the minimum/],
        [file('island.m', good.replace('7\t8\t0\t0.17615\t0\t0\t0\t0\t0\t0\t1', '7\t8\t0\t0.17615\t0\t0\t0\t0\t0\t0\t0')), /island\.m: mpc\.branch: bus 8 is islanded: its only branch row 14 \(7–8\) is out of service/],
      ] as const) {
        const r = run('network', '--case', target);
        assert.equal(r.status, 2, `${target}: ${r.stderr}`);
        assert.match(r.stderr, msg);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
