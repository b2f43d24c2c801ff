import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { BaseError } from '@gridmarket/errors';
import { buildMarket, CaseError, ClearingError, generateCase, IEEE14_PLAN, IEEE33_PLAN, loadCase, runAdmm, SettingsError } from '../src/index';

const base = () => JSON.parse(readFileSync(new URL('../cases/ieee14.json', import.meta.url), 'utf8'));
const fails = (mutate: (c: any) => void, field: string, message: RegExp) => {
  const c = base();
  mutate(c);
  assert.throws(
    () => buildMarket(c),
    (e: Error) => e instanceof CaseError && e.field === field && message.test(e.message),
    `expected ${field} to be named`,
  );
};

describe('synthetic cases by name', () => {
  it('synthetic:N is N agents on the documented 120-bus, 159-line network, the same every time', () => {
    const a = loadCase('synthetic:40');
    const b = loadCase('synthetic:40');
    assert.equal(a.agents.length, 40);
    assert.equal(a.network.buses.length, 120);
    assert.equal(a.network.lines.length, 159);
    assert.equal(a.inputHash, b.inputHash);
    assert.notEqual(loadCase('synthetic:41').inputHash, a.inputHash);
  });

  it('names the range when N cannot make a market', () => {
    for (const name of ['synthetic:2', 'synthetic:100001']) {
      assert.throws(
        () => loadCase(name),
        (e: Error) => e instanceof CaseError && e.field === 'case' && /synthetic:N takes 3 to 100000 agents/.test(e.message),
        name,
      );
    }
  });
});

describe('built-in cases', () => {
  it('have the thesis agent counts (Table 6.3)', () => {
    const counts = (name: string) => {
      const m = loadCase(name);
      return {
        sellers: m.agents.filter((a) => a.kind === 'seller').length,
        buyers: m.agents.filter((a) => a.kind === 'buyer').length,
        storage: m.agents.filter((a) => a.hasStorage).length,
        lines: m.network.lines.length,
      };
    };
    assert.deepEqual(counts('ieee14'), { sellers: 12, buyers: 13, storage: 5, lines: 20 });
    assert.deepEqual(counts('ieee33'), { sellers: 20, buyers: 25, storage: 6, lines: 32 });
  });

  it('are what the deterministic generator writes', () => {
    for (const plan of [IEEE14_PLAN, IEEE33_PLAN]) {
      const file = JSON.parse(readFileSync(new URL(`../cases/${plan.name}.json`, import.meta.url), 'utf8'));
      assert.deepEqual(file, JSON.parse(JSON.stringify(generateCase(plan))));
    }
  });

  it('put the grid first, then sellers, then buyers, with a stable input hash', () => {
    const m = loadCase('ieee14');
    assert.equal(m.agents[0]!.kind, 'grid');
    assert.equal(m.agents[0]!.bus, 1);
    assert.equal(m.agents[1]!.id, 'S1');
    assert.equal(m.agents[13]!.id, 'B1');
    assert.equal(loadCase('ieee14').inputHash, m.inputHash);
    assert.match(m.inputHash, /^[0-9a-f]{64}$/);
  });

  it('names an unknown case', () => {
    assert.throws(() => loadCase('nope'), /no built-in case or file named "nope"/);
  });
});

describe('case validation names the field', () => {
  it('negative capacity', () => fails((c) => (c.sellers[0].xMaxKw = -1), 'sellers[0].xMaxKw', />=0/));
  it('negative battery capacity', () => fails((c) => (c.sellers[0].battery.capacityKwh = -8), 'sellers[0].battery.capacityKwh', />0/));
  it('y_min above y_max', () => fails((c) => (c.buyers[2].yMinKw[5] = 9), 'buyers[2].yMinKw[5]', /exceeds yMaxKw\[5\]/));
  it('alpha below zero', () => fails((c) => (c.sellers[3].alpha = -0.01), 'sellers[3].alpha', />=0/));
  it('NaN', () => fails((c) => (c.buyers[0].omega = Number.NaN), 'buyers[0].omega', /number/i));
  it('unknown bus', () => fails((c) => (c.buyers[1].bus = 21), 'buyers[1].bus', /unknown bus 21/));
  it('infeasible battery terminal constraint', () =>
    fails(
      (c) => {
        c.sellers[0].battery.socInitKwh = 0.8;
        c.sellers[0].battery.chargeMaxKw = 0.1;
      },
      'sellers[0].battery.socFinalMinKwh',
      /cannot be reached/,
    ));
  it('islanded network', () =>
    fails(
      (c) => {
        c.network = { lines: [{ from: 1, to: 2, x: 0.1 }, { from: 3, to: 4, x: 0.1 }] };
        c.sellers = [{ ...c.sellers[5], bus: 2 }];
        c.buyers = [{ ...c.buyers[0], bus: 2 }];
      },
      'network.lines',
      /islanded/,
    ));
  it('generation availability below the minimum output', () =>
    fails(
      (c) => {
        c.sellers[5].xMinKw = 0.5;
      },
      'sellers[5].availabilityKw[0]',
      /below xMinKw/,
    ));
  it('a wrong number of hourly values', () => fails((c) => c.buyers[0].yMaxKw.pop(), 'buyers[0].yMaxKw', /24 hourly values/));
  it('duplicate agent ids', () => fails((c) => (c.buyers[1].id = c.buyers[0].id), 'buyers[1].id', /duplicate agent id/));
  it('unknown fields', () => fails((c) => (c.sellers[0].colour = 'red'), 'sellers[0]', /colour/));
  it('a cost coefficient no market has', () => fails((c) => (c.sellers[0].alpha = 1e300), 'sellers[0].alpha', /^sellers\[0\]\.alpha: must be at most 1e6 USD\/kW²h$/));
  it('a power no microgrid has', () => fails((c) => (c.buyers[3].yMaxKw[7] = 1e7), 'buyers[3].yMaxKw[7]', /must be at most 1e6 kW$/));
  it('an energy no battery holds', () => fails((c) => (c.sellers[0].battery.capacityKwh = 1e12), 'sellers[0].battery.capacityKwh', /must be at most 1e7 kWh$/));
  it('a reactance that leaves the branch open in all but name', () =>
    fails((c) => (c.network = { lines: [{ from: 1, to: 2, x: 1e300 }] }), 'network.lines[0].x', /is above the maximum \|x\| of 1e6 p\.u\./));
});

describe('case files that are not JSON say where', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-case-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;
  const file = (text: string) => {
    const f = path.join(dir, `case${files++}.json`);
    writeFileSync(f, text);
    return f;
  };
  const text = () => readFileSync(new URL('../cases/ieee14.json', import.meta.url), 'utf8');

  it('names the field that holds NaN or Infinity, with its line and column', () => {
    for (const [token, field] of [
      ['NaN', 'sellers[0].alpha'],
      ['-Infinity', 'sellers[0].alpha'],
    ] as const) {
      const f = file(text().replace(/"alpha": [^,]+,/, `"alpha": ${token},`));
      assert.throws(
        () => loadCase(f),
        (e: Error) => e instanceof CaseError && e.field === field && new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}: ${token} \\(.*case\\d+\\.json line \\d+, column \\d+\\): numbers must be finite$`).test(e.shortMessage),
        token,
      );
    }
  });

  it('gives the parser’s message with a line and column for other syntax errors', () => {
    const f = file(text().slice(0, 500));
    assert.throws(() => loadCase(f), (e: Error) => e instanceof CaseError && e.field === 'case' && /is not valid JSON: .* \(line \d+, column \d+\)$/.test(e.shortMessage));
  });

  it('a number that overflows to Infinity is named by the schema', () => {
    const f = file(text().replace(/"alpha": [^,]+,/, '"alpha": 1e400,'));
    assert.throws(() => loadCase(f), (e: Error) => e instanceof CaseError && e.field === 'sellers[0].alpha');
  });
});

describe('clearing errors are one family on the shared base', () => {
  it('CaseError and SettingsError are ClearingErrors and BaseErrors, with the field', () => {
    assert.throws(() => loadCase('synthetic:2'), (e: Error) => e instanceof CaseError && e instanceof ClearingError && e instanceof BaseError && e.field === 'case');
    assert.throws(
      () => runAdmm(loadCase('ieee14'), { constrained: true, rho: 1e308 }),
      (e: Error) => e instanceof SettingsError && e instanceof ClearingError && e.field === 'rho' && e.shortMessage === 'rho: must be between 1e-6 and 1e6, got 1e+308',
    );
    assert.throws(() => runAdmm(loadCase('ieee14'), { constrained: true, maxIter: 2.5 }), (e: Error) => e instanceof SettingsError && e.field === 'maxIter');
  });
});
