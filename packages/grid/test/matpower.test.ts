// The MATPOWER importer on the published case14, case33bw and case118 (test/fixtures), against a
// PTDF computed here from the raw branch table by an independent route: B θ = e_k solved column by
// column with Gaussian elimination, b = 1/(x·tap) with tap 0 meaning 1 (the makeBdc convention).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { busIndex, importMatpower, IslandedNetworkError, MatpowerFileError, MatpowerFormatError, type Network, readMatpowerFile } from '../src/index';

const fixture = (name: string) => new URL(`./fixtures/${name}.m`, import.meta.url).pathname;
const text = (name: string) => readFileSync(fixture(name), 'utf8');
const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol;

/** The numeric rows of `mpc.<name> = [ ... ];`, read without the importer. */
function rawTable(src: string, name: string): number[][] {
  const start = src.indexOf(`mpc.${name} = [`);
  const body = src.slice(src.indexOf('\n', start) + 1, src.indexOf('];', start));
  return body
    .split('\n')
    .map((l) => l.replace(/%.*/, '').replace(';', '').trim())
    .filter(Boolean)
    .map((l) => l.split(/\s+/).map(Number));
}

/** Solves A z = rhs (A dense n × n, row-major) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const m = a.map((row, i) => [...row, rhs[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * z[k]!;
    z[r] = s / m[r]![r]!;
  }
  return z;
}

/**
 * Reference PTDF (lines in service × buses ascending) from the raw branch table: B = Σ b_l a_l a_lᵀ
 * with a_l = e_from − e_to, the slack row and column removed; column k solves B θ = e_k and line l
 * carries b_l (θ_from − θ_to). The ohm conversion of case33bw scales every x alike, which leaves the
 * PTDF unchanged, so raw x serve.
 */
function referencePtdf(src: string, slack: number): { ptdf: number[][]; buses: number[] } {
  const buses = rawTable(src, 'bus')
    .map((r) => r[0]!)
    .sort((a, b) => a - b);
  const branches = rawTable(src, 'branch')
    .filter((r) => r[10] !== 0)
    .map((r) => ({ from: r[0]!, to: r[1]!, b: 1 / (r[3]! * (r[8] === 0 ? 1 : r[8]!)) }));
  const others = buses.filter((b) => b !== slack);
  const at = new Map(others.map((b, i) => [b, i]));
  const n = others.length;
  const B = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const { from, to, b } of branches) {
    const f = at.get(from);
    const t = at.get(to);
    if (f !== undefined) B[f]![f]! += b;
    if (t !== undefined) B[t]![t]! += b;
    if (f !== undefined && t !== undefined) {
      B[f]![t]! -= b;
      B[t]![f]! -= b;
    }
  }
  const ptdf = branches.map(() => new Array<number>(buses.length).fill(0));
  buses.forEach((bus, k) => {
    if (bus === slack) return;
    const theta = solve(
      B,
      others.map((o) => (o === bus ? 1 : 0)),
    );
    const angle = (b: number) => (b === slack ? 0 : theta[at.get(b)!]!);
    branches.forEach((l, i) => (ptdf[i]![k] = l.b * (angle(l.from) - angle(l.to))));
  });
  return { ptdf, buses };
}

const row = (net: Network, l: number) => Array.from(net.ptdf.subarray(l * net.buses.length, (l + 1) * net.buses.length));

describe('MATPOWER import of the published cases', () => {
  for (const [name, slack, lines] of [
    ['case14', 1, 20],
    ['case33bw', 1, 32],
    ['case118', 69, 186],
  ] as const) {
    it(`${name}: the PTDF equals the one solved from the raw branch table`, () => {
      const { network } = readMatpowerFile(fixture(name));
      const ref = referencePtdf(text(name), slack);
      assert.equal(network.slack, slack);
      assert.deepEqual(network.buses, ref.buses);
      assert.equal(network.lines.length, lines);
      let worst = 0;
      ref.ptdf.forEach((r, l) => r.forEach((v, k) => (worst = Math.max(worst, Math.abs(network.ptdf[l * ref.buses.length + k]! - v)))));
      assert.ok(worst < 1e-9, `largest difference ${worst}`);
    });
  }

  it('case118: keeps its 7 parallel pairs as separate lines that split flow by susceptance', () => {
    const { network, branchRows } = readMatpowerFile(fixture('case118'));
    assert.equal(network.lines.length, 186);
    assert.deepEqual(branchRows, Array.from({ length: 186 }, (_, i) => i + 1));
    const pairs = new Map<string, number[]>();
    network.lines.forEach((l, i) => {
      const key = `${Math.min(l.from, l.to)}-${Math.max(l.from, l.to)}`;
      pairs.set(key, [...(pairs.get(key) ?? []), i]);
    });
    const parallel = [...pairs].filter(([, g]) => g.length > 1);
    assert.deepEqual(parallel.map(([k]) => k).sort(), ['42-49', '49-54', '49-66', '56-59', '77-80', '89-90', '89-92']);
    for (const [, [a, b]] of parallel) {
      // Same buses, so the same angle difference: flows stand in the ratio of the susceptances x_b / x_a.
      const ratio = network.lines[b!]!.x / network.lines[a!]!.x;
      row(network, a!).forEach((v, k) => assert.ok(close(v, ratio * row(network, b!)[k]!, 1e-12)));
    }
    assert.match(network.notes.map((n) => n.message).join('\n'), /7 bus pairs are joined by parallel lines/);
  });

  it('case118: enters the 9 off-nominal taps, and the PTDF differs from the one without them', () => {
    const { network } = readMatpowerFile(fixture('case118'));
    const tapped = network.lines.filter((l) => l.tap !== 1);
    assert.deepEqual(
      tapped.map((l) => `${l.from}-${l.to}:${l.tap}`),
      ['8-5:0.985', '26-25:0.96', '30-17:0.96', '38-37:0.935', '63-59:0.96', '64-61:0.985', '65-66:0.935', '68-69:0.935', '81-80:0.935'],
    );
    const warning = network.notes.find((n) => n.severity === 'warning' && /tap/.test(n.message));
    assert.match(warning?.message ?? '', /^9 lines are transformers with an off-nominal tap ratio/);
    // The same file with TAP (column 9) set to 0 everywhere: the transformers' rows must change.
    const untapped = text('case118').replace(/^(\t(?:[^\t]+\t){8})0\.9\d+\t/gm, '$10\t');
    const plain = importMatpower(untapped).network;
    assert.equal(plain.lines.filter((l) => l.tap !== 1).length, 0);
    const l = network.lines.findIndex((x) => x.from === 8 && x.to === 5);
    const diff = Math.max(...row(network, l).map((v, k) => Math.abs(v - row(plain, l)[k]!)));
    assert.ok(diff > 1e-3, `taps moved the 8-5 row by only ${diff}`);
  });

  it('case33bw: a radial feeder with slack at bus 1 has entries −1 exactly on each bus’s path to bus 1, else 0', () => {
    const { network } = readMatpowerFile(fixture('case33bw'));
    // Parent of each bus on the feeder (every branch in service runs from parent to child).
    const parent = new Map(network.lines.map((l) => [l.to, l.from]));
    network.buses.forEach((bus, k) => {
      const path = new Set<string>();
      for (let b = bus; b !== 1; b = parent.get(b)!) path.add(`${parent.get(b)}-${b}`);
      network.lines.forEach((l, i) => {
        const v = network.ptdf[i * network.buses.length + k]!;
        assert.ok(v === 0 || v === 1 || v === -1 || close(Math.abs(v), 1, 1e-12), `entry ${v}`);
        assert.equal(close(v, path.has(`${l.from}-${l.to}`) ? -1 : 0, 1e-12), true, `line ${l.from}-${l.to}, bus ${bus}`);
      });
    });
  });

  it('case33bw: skips and reports the 5 tie switches, converts ohms to p.u. and kW to MW', () => {
    const { network, buses } = readMatpowerFile(fixture('case33bw'));
    assert.equal(network.lines.length, 32);
    const zbase = 12.66 ** 2 / 10; // kV² / MVA = Ω
    assert.ok(close(network.lines[0]!.x, 0.047 / zbase, 1e-15) && close(network.lines[0]!.r, 0.0922 / zbase, 1e-15));
    assert.equal(buses.find((b) => b.bus === 2)!.pdMw, 0.1);
    const text = network.notes.map((n) => `${n.severity}: ${n.message}`).join('\n');
    assert.match(text, /warning: 5 out-of-service branches were skipped \(BR_STATUS = 0\): row 33 \(21–8\), row 34 \(9–15\), row 35 \(12–22\), row 36 \(18–33\), row 37 \(25–29\)/);
    assert.match(text, /ohms/);
    assert.match(text, /kW/);
    assert.match(text, /warning: all 32 lines have RATE_A = 0 and are unlimited/);
  });

  it('reads RATE_A as a limit at rateScale kW per MVA, and RATE_A = 0 as unlimited', () => {
    const rated = text('case14').replace('1\t2\t0.01938\t0.05917\t0.0528\t0', '1\t2\t0.01938\t0.05917\t0.0528\t120');
    const { network, limitSources } = importMatpower(rated, { rateScale: 0.02 });
    assert.equal(network.lines[0]!.limitKw, 120 * 0.02);
    assert.equal(network.lines[1]!.limitKw, Infinity);
    assert.deepEqual(limitSources.slice(0, 2), ['rateA', 'unlimited']);
    assert.ok(network.notes.some((n) => n.message === '19 lines have RATE_A = 0 and are unlimited'));
  });

  it('takes override limits per imported line', () => {
    const limits = Array.from({ length: 32 }, (_, i) => i + 1);
    const { network, limitSources } = importMatpower(text('case33bw'), { limitsKw: limits });
    assert.deepEqual(
      network.lines.map((l) => l.limitKw),
      limits,
    );
    assert.ok(limitSources.every((s) => s === 'override'));
  });

  it('renumbers non-consecutive bus numbers and gives the same PTDF', () => {
    // case14 with bus 14 renamed 1400 and bus 7 renamed 70 (in mpc.bus, mpc.branch and mpc.gen).
    const renamed = text('case14').replace(/^\t(14|7)\t/gm, (_, b) => `\t${b === '14' ? 1400 : 70}\t`).replace(/^(\t\d+)\t(14|7)\t/gm, (_, a, b) => `${a}\t${b === '14' ? 1400 : 70}\t`);
    const a = importMatpower(text('case14')).network;
    const b = importMatpower(renamed).network;
    assert.deepEqual(b.buses, [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 70, 1400]);
    for (const [from, to] of [[1400, 14], [70, 7], [9, 9]] as const) {
      for (let l = 0; l < a.lines.length; l++) assert.ok(close(b.ptdf[l * 14 + busIndex(b, from)]!, a.ptdf[l * 14 + busIndex(a, to)]!, 1e-12));
    }
    assert.ok(b.notes.some((n) => /bus numbers are not 1\.\.14/.test(n.message)));
  });

  it('drops an isolated bus (BUS_TYPE = 4) with its branches and says so', () => {
    const src = text('case14').replace('\t8\t2\t0\t0', '\t8\t4\t0\t0').replace(/^\t8\t0\t17\.4.*\n/m, '');
    const { network } = importMatpower(src);
    assert.ok(!network.buses.includes(8));
    assert.equal(network.lines.length, 19);
    assert.ok(network.notes.some((n) => /1 isolated bus was dropped \(BUS_TYPE = 4\): 8, with the branch in row 14/.test(n.message)));
  });
});

describe('MATPOWER import errors name the file, the field and the branch', () => {
  const fails = (src: string, check: (e: Error) => boolean, message: RegExp) =>
    assert.throws(
      () => importMatpower(src, { source: 'bad.m' }),
      (e: Error) => check(e) && message.test(e.message),
    );
  const isFormat = (e: Error) => e instanceof MatpowerFormatError;
  const isIsland = (buses: number[]) => (e: Error) => e instanceof IslandedNetworkError && e.buses.join() === buses.join();
  const status0 = (src: string, from: number, to: number) => src.replace(new RegExp(`^(\\t${from}\\t${to}\\t(?:[^\\t]+\\t){8})1\\t`, 'm'), '$10\t');

  it('a missing mpc.branch', () => fails(text('case14').replace('mpc.branch = [', 'mpc.branches = ['), isFormat, /^bad\.m: mpc\.branch: not found in the case file$/));
  it('a row of the wrong width', () =>
    fails(text('case14').replace('2\t3\t0.04699\t0.19797\t0.0438\t0', '2\t3\t0.04699\t0.19797\t0.0438'), isFormat, /^bad\.m: mpc\.branch row 3 \(line \d+\): has 12 columns, row 1 has 13$/));
  it('a table too narrow for the format', () =>
    fails(text('case14').replace(/^(\t\d+\t\d+\t[^\t]+)\t.*;$/gm, '$1;'), isFormat, /mpc\.bus row 1 \(line \d+\): has 3 columns, the case format needs at least 13/));
  it('a value that is not a number', () => fails(text('case14').replace('0.05917', '0.059x'), isFormat, /mpc\.branch row 1 \(line \d+\): cannot read "0\.059x" as a number/));
  it('a zero reactance', () =>
    fails(text('case14').replace('7\t8\t0\t0.17615', '7\t8\t0\t0'), isFormat, /^bad\.m: mpc\.branch row 14 \(7 → 8, line \d+\): reactance x = 0 p\.u\. is below the minimum/));
  it('a reactance too small to invert', () => fails(text('case14').replace('0.17615', '1e-9'), isFormat, /mpc\.branch row 14 \(7 → 8, line \d+\): reactance x = 1e-9/));
  it('a reactance so large that the branch is open in all but name', () =>
    fails(text('case14').replace('0.17615', '1e300'), isFormat, /mpc\.branch row 14 \(7 → 8, line \d+\): reactance x = 1e\+300 p\.u\. is above the maximum \|x\| of 1e6 p\.u\./));
  it('a load, a generation or a rating that is not finite or not a power system’s number', () => {
    fails(text('case14').replace('2\t2\t21.7\t', '2\t2\tInf\t'), isFormat, /^bad\.m: mpc\.bus row 2 \(line \d+\): PD must be a finite number of MW with \|PD\| ≤ 1e6, got Infinity$/);
    fails(text('case14').replace('2\t2\t21.7\t', '2\t2\t-1e300\t'), isFormat, /mpc\.bus row 2 \(line \d+\): PD must be .* got -1e\+300$/);
    fails(text('case14').replace('1\t232.4\t', '1\t1e300\t'), isFormat, /mpc\.gen row 1 \(line \d+\): PG must be .* got 1e\+300$/);
    fails(text('case14').replace('\t332.4\t', '\t1e7\t'), isFormat, /mpc\.gen row 1 \(line \d+\): PMAX must be .* got 10000000$/);
    fails(text('case14').replace('0.0528\t0\t0\t0', '0.0528\tInf\t0\t0'), isFormat, /mpc\.branch row 1 \(1 → 2, line \d+\): RATE_A must be from 0 \(meaning unlimited\) to 1e6 MVA, got Infinity$/);
  });
  it('a base that is not a number', () => fails(text('case14').replace('mpc.baseMVA = 100;', 'mpc.baseMVA = NaN;'), isFormat, /^bad\.m: mpc\.baseMVA: must be positive, got NaN$/));
  it('a branch to a bus that is not in mpc.bus', () => fails(text('case14').replace('13\t14\t0.17093', '13\t15\t0.17093'), isFormat, /mpc\.branch row 20 \(13 → 15, line \d+\): bus 15 is not in mpc\.bus/));
  it('code that changes a table the importer reads, in a way it does not understand', () => {
    fails(`${text('case14')}\nmpc.gen(:, 9) = 2 * mpc.gen(:, 9);\n`, isFormat, /bad\.m: line 63: changes the case in code the importer does not understand/);
    fails(`${text('case14')}\nmpc.baseMVA = 2 * 50;\n`, isFormat, /bad\.m: line 63: changes the case/);
    // Cost data is not read, so code that changes it does not matter.
    assert.doesNotThrow(() => importMatpower(`${text('case14')}\nmpc.gencost(:, 5) = 0;\n`));
  });
  it('a bus whose only branch is out of service is islanded, not unknown', () =>
    fails(status0(text('case14'), 7, 8), isIsland([8]), /^bad\.m: mpc\.branch: bus 8 is islanded: its only branch row 14 \(7–8\) is out of service \(BR_STATUS = 0\)$/));
  it('a bus whose branches are all out of service, tie switches included', () =>
    fails(status0(text('case33bw'), 17, 18), isIsland([18]), /bus 18 is islanded: its branches row 17 \(17–18\), row 36 \(18–33\) are out of service/));
  it('a lateral cut off from the slack bus', () =>
    fails(status0(text('case33bw'), 2, 19), isIsland([19, 20, 21, 22]), /buses 19, 20, 21, 22 are islanded from the slack bus 1: the branches that joined them, row 18 \(2–19\), row 33 \(21–8\), row 35 \(12–22\), are out of service/));

  it('a path that is missing or a directory', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'grid-'));
    try {
      assert.throws(() => readMatpowerFile(dir), (e: Error) => e instanceof MatpowerFileError && e.message === `${dir}: is a directory, not a MATPOWER case file`);
      const missing = path.join(dir, 'case9999.m');
      assert.throws(() => readMatpowerFile(missing), (e: Error) => e instanceof MatpowerFileError && e.message === `${missing}: no such file`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('MATPOWER text', () => {
  // A small case written for this test: 4 buses, one branch out of service, one with RATE_A = 0,
  // r and x in ohms converted in code, rows split by ';' and by line breaks, a continued statement.
  const CASE = `function mpc = case4ohm
mpc.version = '2'; % a comment with ; and ]
mpc.baseMVA = 10;
mpc.bus = [ %% Pd in MW
	1	3	0	0	0	0	1	1	0	12.66	1	1.1	0.9;
	2	1	0.1	0.06	0	0	1	1	0	12.66	1	1.1	0.9; 3	1	0.09	0.04	0	0	1	1	0	12.66	1	1.1	0.9
	4	1	0.12	0.08	0	0	1	1	0	12.66	1	1.1	0.9;
];
mpc.branch = [
	1	2	0.0922	0.0470	0	4	0	0	0	0	1	-360	360;
	2	3	0.4930	0.2511	0	0	0	0	0	0	1	-360	360;
	3	4	0.3660	0.1864	0	2	0	0	0	0	1	-360	360;
	2	4	2.0000	2.0000	0	0	0	0	0	0	0	-360	360;
];
[F_BUS, T_BUS, BR_R, BR_X, ...
    BR_B] = idx_brch;
Vbase = mpc.bus(1, BASE_KV) * 1e3;
Sbase = mpc.baseMVA * 1e6;
mpc.branch(:, [BR_R BR_X]) = mpc.branch(:, [BR_R BR_X]) / (Vbase^2 / Sbase);
`;

  it('reads rows split by line breaks and by semicolons, skipping comments and continued statements', () => {
    const { network, limitSources, generators } = importMatpower(CASE, { name: 'case4ohm' });
    assert.deepEqual(network.buses, [1, 2, 3, 4]);
    assert.equal(network.lines.length, 3);
    assert.deepEqual(limitSources, ['rateA', 'unlimited', 'rateA']);
    assert.equal(network.lines[0]!.limitKw, 4000);
    assert.ok(close(network.lines[0]!.x, 0.047 / (12.66 ** 2 / 10), 1e-15));
    assert.deepEqual(generators, []);
  });

  it('counts source lines across a row continued with ...', () => {
    const continued = CASE.replace('3\t0.4930', '3\t...\n\t0.4930').replace('3\t4\t0.3660', '3\t4\t0.36x0');
    // Row 3 of mpc.branch sits on line 13 once row 2 is split over lines 11 and 12.
    assert.throws(() => importMatpower(continued, { source: 'c.m' }), /^MatpowerFormatError: c\.m: mpc\.branch row 3 \(line 13\): cannot read "0\.36x0"/);
  });

  it('refuses an ohm conversion whose Vbase is defined otherwise', () => {
    assert.throws(() => importMatpower(CASE.replace('* 1e3;', '* 1e6;'), { source: 'x.m' }), /x\.m: line \d+: converts r, x from ohms with Vbase and Sbase defined otherwise/);
  });
});
