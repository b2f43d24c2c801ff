// A MATPOWER file as a case: the default placement of agents (checked against the published tables
// read here without the importer), and a case file that brings its own agents for a .m network.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildMarket, CaseError, loadCase, matpowerCase, MATPOWER_PLACEMENT_DEFAULTS, solveCentralized } from '../src/index';

const FIXTURES = new URL('../../grid/test/fixtures/', import.meta.url).pathname;
const fixture = (name: string) => path.join(FIXTURES, `${name}.m`);

/** Column `col` (0-based) of the rows of `mpc.<name>`, read without the importer. */
function column(name: string, table: string, col: number): number[][] {
  const src = readFileSync(fixture(name), 'utf8');
  const start = src.indexOf(`mpc.${table} = [`);
  return src
    .slice(src.indexOf('\n', start) + 1, src.indexOf('];', start))
    .split('\n')
    .map((l) => l.replace(/%.*/, '').replace(';', '').trim())
    .filter(Boolean)
    .map((l) => l.split(/\s+/).map(Number))
    .map((r) => [r[0]!, r[col]!]);
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('default agents of a MATPOWER case', () => {
  it('puts one buyer on every load bus, average demand in proportion to PD, averaging buyerMeanKw', () => {
    const m = loadCase(fixture('case118'));
    const pd = column('case118', 'bus', 2).filter(([, v]) => v! > 0);
    const buyers = m.case.buyers;
    assert.deepEqual(
      buyers.map((b) => b.bus),
      pd.map(([b]) => b),
    );
    const average = buyers.map((b) => mean(b.yMaxKw));
    assert.ok(Math.abs(mean(average) - MATPOWER_PLACEMENT_DEFAULTS.buyerMeanKw) < 1e-3, `mean ${mean(average)}`);
    // Bus 59 (277 MW) against bus 2 (20 MW).
    const at = (bus: number) => average[buyers.findIndex((b) => b.bus === bus)]!;
    assert.ok(Math.abs(at(59) / at(2) - 277 / 20) < 1e-2, `${at(59) / at(2)}`);
  });

  it('puts a dispatchable seller on every generator bus but the slack with PG > 0, capacity in proportion to PG', () => {
    const m = loadCase(fixture('case118'));
    const pg = column('case118', 'gen', 1).filter(([bus, v]) => v! > 0 && bus !== 69);
    const dispatchable = m.case.sellers.filter((s) => s.id.startsWith('G'));
    assert.deepEqual(
      dispatchable.map((s) => s.bus),
      pg.map(([b]) => b),
    );
    const g10 = dispatchable.find((s) => s.bus === 10)!;
    const g12 = dispatchable.find((s) => s.bus === 12)!;
    assert.ok(Math.abs(g10.xMaxKw / g12.xMaxKw - 450 / 85) < 1e-3);
    // α scaled so that the marginal cost at full output, 2αx̄ + β, stays in the built-in range.
    for (const s of m.case.sellers) assert.ok(2 * s.alpha * s.xMaxKw <= 2 * 0.008 * 3 + 1e-9, `${s.id}`);
    assert.ok(!m.agents.some((a) => a.kind === 'seller' && a.bus === 69 && a.id.startsWith('G')));
    assert.equal(m.agents[0]!.bus, 69, 'the grid sits at the reference bus');
  });

  it('puts solar sellers on a seeded share of the load buses, some with batteries, the same for the same seed', () => {
    const a = matpowerCase(fixture('case33bw')).input;
    const b = matpowerCase(fixture('case33bw')).input;
    const c = matpowerCase(fixture('case33bw'), { seed: 2 }).input;
    assert.deepEqual(a, b);
    const solar = (x: typeof a) => x.sellers.filter((s) => s.id.startsWith('S')).map((s) => s.bus);
    assert.equal(solar(a).length, Math.ceil(0.4 * 32));
    assert.notDeepEqual(solar(a), solar(c));
    assert.equal(a.sellers.filter((s) => s.battery).length, Math.ceil(0.25 * solar(a).length));
    assert.equal(a.sellers.filter((s) => s.id.startsWith('G')).length, 0, 'case33bw generates only at the substation (the slack)');
  });

  it('reads RATE_A at the scale of the agents', () => {
    const { input } = matpowerCase(fixture('case14'));
    assert.ok('matpower' in input.network && input.network.rateScale! > 0);
    const pd = column('case14', 'bus', 2).filter(([, v]) => v! > 0);
    assert.ok(Math.abs(input.network.rateScale! - 1.1 / mean(pd.map(([, v]) => v!))) < 1e-6);
  });

  it('gives markets that clear', () => {
    for (const name of ['case14', 'case33bw']) {
      const s = solveCentralized(loadCase(fixture(name)), { constrained: true });
      assert.equal(s.status, 'solved', name);
    }
  });
});

describe('a case file with its own agents on a MATPOWER network', () => {
  const ieee14 = () => JSON.parse(readFileSync(new URL('../cases/ieee14.json', import.meta.url), 'utf8'));

  it('places the agents it names on the imported network', () => {
    const c = ieee14();
    c.network = { matpower: 'case14.m' };
    const m = buildMarket(c, FIXTURES);
    assert.equal(m.network.lines.length, 20);
    assert.equal(m.agents.length, 26);
    assert.ok(m.network.lines.some((l) => l.tap === 0.978));
  });

  it('names the file when it is missing, and the branch when the file is islanded', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'clearing-'));
    try {
      const c = ieee14();
      c.network = { matpower: 'missing.m' };
      assert.throws(
        () => buildMarket(c, dir),
        (e: Error) => e instanceof CaseError && e.field === 'network.matpower' && /missing\.m: no such file$/.test(e.message),
      );
      // Branch 7–8, bus 8's only one, out of service.
      writeFileSync(path.join(dir, 'island.m'), readFileSync(fixture('case14'), 'utf8').replace('7\t8\t0\t0.17615\t0\t0\t0\t0\t0\t0\t1', '7\t8\t0\t0.17615\t0\t0\t0\t0\t0\t0\t0'));
      c.network = { matpower: 'island.m' };
      assert.throws(
        () => buildMarket(c, dir),
        (e: Error) => e instanceof CaseError && e.message === 'network.matpower: island.m: mpc.branch: bus 8 is islanded: its only branch row 14 (7–8) is out of service (BR_STATUS = 0)',
      );
      assert.throws(
        () => loadCase(dir),
        (e: Error) => e instanceof CaseError && /is a directory, not a case file/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
