import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentPtdf, builtinNetwork, buildNetwork, busIndex, IslandedNetworkError, lineFlows, MIN_REACTANCE_PU, NetworkError } from '../src/index';

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol;

describe('PTDF', () => {
  it('matches a hand-computed 3-bus triangle', () => {
    // Equal reactances, slack bus 1. Injecting 1 kW at bus 2 (withdrawn at 1) splits 2/3 over the
    // direct line 2→1 and 1/3 over 2→3→1: line 1→2 carries −2/3, 1→3 carries −1/3, 2→3 carries +1/3.
    const net = buildNetwork({
      name: 'triangle',
      lines: [
        { from: 1, to: 2, x: 0.1 },
        { from: 1, to: 3, x: 0.1 },
        { from: 2, to: 3, x: 0.1 },
      ],
    });
    const expected = [
      [0, -2 / 3, -1 / 3],
      [0, -1 / 3, -2 / 3],
      [0, 1 / 3, -1 / 3],
    ];
    expected.forEach((row, l) => row.forEach((v, b) => assert.ok(close(net.ptdf[l * 3 + b]!, v), `PTDF[${l}][${b}]`)));
  });

  it('has a zero slack column for any slack', () => {
    for (const slack of [1, 4, 9]) {
      const net = builtinNetwork('ieee14', slack);
      const k = busIndex(net, slack);
      for (let l = 0; l < net.lines.length; l++) assert.equal(net.ptdf[l * 14 + k], 0);
    }
  });

  it('balances flows at every bus (Kirchhoff) for random injections', () => {
    for (const name of ['ieee14', 'ieee33'] as const) {
      const net = builtinNetwork(name);
      const nb = net.buses.length;
      const p = Array.from({ length: nb }, (_, k) => Math.sin(3 * k + 1) * 2);
      const s = busIndex(net, net.slack);
      p[s] = -p.reduce((a, v, k) => (k === s ? a : a + v), 0); // the slack absorbs the rest
      const f = lineFlows(net, p);
      const net_out = new Float64Array(nb);
      net.lines.forEach((l, i) => {
        net_out[busIndex(net, l.from)]! += f[i]!;
        net_out[busIndex(net, l.to)]! -= f[i]!;
      });
      for (let k = 0; k < nb; k++) assert.ok(close(net_out[k]!, p[k]!, 1e-9), `${name} bus ${net.buses[k]}: ${net_out[k]} vs ${p[k]}`);
    }
  });

  it('is 0 or −1 on a radial feeder with the slack at bus 1 (injection flows back toward the root)', () => {
    const net = builtinNetwork('ieee33');
    for (const v of net.ptdf) assert.ok(v === 0 || close(v, -1, 1e-12), `entry ${v}`);
    // Line 8→9 carries what is injected downstream of bus 9 (buses 9..18) and nothing else.
    const l = net.lines.findIndex((x) => x.from === 8 && x.to === 9);
    net.buses.forEach((b, k) => assert.equal(close(net.ptdf[l * 33 + k]!, -1, 1e-12), b >= 9 && b <= 18, `bus ${b}`));
  });

  it('keeps parallel lines as separate rows that share the flow in proportion to their susceptance', () => {
    // Buses 1 and 2 joined by x = 0.1 (b = 10) and x = 0.3 (b = 10/3): of 1 kW injected at bus 2 and
    // withdrawn at bus 1, 3/4 flows back on the first line and 1/4 on the second (both 1 → 2, so negative).
    const net = buildNetwork({
      name: 'parallel',
      lines: [
        { from: 1, to: 2, x: 0.1 },
        { from: 2, to: 1, x: 0.3 },
        { from: 2, to: 3, x: 0.2 },
      ],
    });
    assert.equal(net.lines.length, 3);
    assert.ok(close(net.ptdf[0 * 3 + 1]!, -0.75) && close(net.ptdf[1 * 3 + 1]!, 0.25), 'the reversed line carries +1/4 from 2 to 1');
    assert.ok(close(net.ptdf[0 * 3 + 2]!, -0.75) && close(net.ptdf[2 * 3 + 2]!, -1));
    assert.match(net.notes.map((n) => n.message).join('\n'), /1 bus pair is joined by parallel lines.*1–2 ×2/);
  });

  it('enters a transformer tap as susceptance 1/(x·tap), a tap of 0 meaning 1', () => {
    // Two paths from bus 2 to bus 1 with x = 0.1 each; tap 0.5 doubles the first one's susceptance
    // (b = 20 against 10), so it carries 2/3 of an injection at bus 2.
    const net = buildNetwork({
      name: 'tap',
      lines: [
        { from: 1, to: 2, x: 0.1, tap: 0.5 },
        { from: 1, to: 2, x: 0.1, tap: 0 },
      ],
    });
    assert.ok(close(net.ptdf[0 * 2 + 1]!, -2 / 3) && close(net.ptdf[1 * 2 + 1]!, -1 / 3));
    assert.deepEqual(net.lines.map((l) => l.tap), [0.5, 1]);
    const warning = net.notes.find((n) => n.severity === 'warning');
    assert.match(warning?.message ?? '', /1 line is a transformer with an off-nominal tap ratio.*1–2 tap 0\.5/);
  });

  it('leaves the PTDF unchanged for a phase shift and warns that its flow is not modelled', () => {
    const lines = [
      { from: 1, to: 2, x: 0.1 },
      { from: 1, to: 3, x: 0.1 },
      { from: 2, to: 3, x: 0.1 },
    ];
    const plain = buildNetwork({ name: 'plain', lines });
    const shifted = buildNetwork({ name: 'shifted', lines: lines.map((l, i) => (i === 2 ? { ...l, shiftDeg: -5 } : l)) });
    assert.deepEqual(shifted.ptdf, plain.ptdf);
    assert.equal(plain.notes.length, 0);
    assert.match(shifted.notes[0]!.message, /phase shifter \(2–3 -5°\).*not modelled/);
  });

  it('maps agents to the columns of their buses', () => {
    const net = builtinNetwork('ieee14');
    const h = agentPtdf(net, [7, 1, 7]);
    for (let l = 0; l < net.lines.length; l++) {
      assert.equal(h[l * 3 + 0], net.ptdf[l * 14 + busIndex(net, 7)]);
      assert.equal(h[l * 3 + 1], 0);
      assert.equal(h[l * 3 + 2], h[l * 3 + 0]);
    }
  });
});

describe('network validation', () => {
  const ok = [
    { from: 1, to: 2, x: 0.1 },
    { from: 2, to: 3, x: 0.2 },
  ];
  const fails = (input: Parameters<typeof buildNetwork>[0], field: string, text: RegExp) =>
    assert.throws(() => buildNetwork(input), (e: Error) => e instanceof NetworkError && e.field === field && text.test(e.message));

  it('names an unknown bus', () => fails({ name: 'n', lines: ok, buses: [1, 2] }, 'lines[1].to', /unknown bus 3/));
  it('names a zero reactance and the line', () => fails({ name: 'n', lines: [...ok, { from: 1, to: 3, x: 0 }] }, 'lines[2].x', /line 1–3: reactance x = 0 p\.u\. is below the minimum/));
  it('names a reactance below the minimum', () =>
    fails({ name: 'n', lines: [...ok, { from: 1, to: 3, x: -MIN_REACTANCE_PU / 2 }] }, 'lines[2].x', /below the minimum \|x\| of 1e-6/));
  it('accepts a negative reactance above the minimum (series compensation)', () => {
    assert.doesNotThrow(() => buildNetwork({ name: 'n', lines: [...ok, { from: 1, to: 3, x: -0.05 }] }));
  });
  it('names a negative tap ratio', () => fails({ name: 'n', lines: [{ ...ok[0]!, tap: -1 }, ok[1]!] }, 'lines[0].tap', /non-negative/));
  it('names the islanded buses, cut off from the slack bus', () => {
    fails({ name: 'n', lines: [...ok, { from: 4, to: 5, x: 0.1 }] }, 'lines', /buses 4, 5 are islanded: no path of lines to the slack bus 1/);
    assert.throws(
      () => buildNetwork({ name: 'n', lines: [...ok, { from: 4, to: 5, x: 0.1 }], slack: 4 }),
      (e: Error) => e instanceof IslandedNetworkError && e.buses.join() === '1,2,3',
    );
  });
  it('names a single islanded bus', () => fails({ name: 'n', lines: ok, buses: [1, 2, 3, 8] }, 'lines', /^lines: bus 8 is islanded/));
  it('names a non-positive limit', () => fails({ name: 'n', lines: [{ ...ok[0]!, limitKw: 0 }, ok[1]!] }, 'lines[0].limitKw', /positive/));
  it('names an unknown slack', () => fails({ name: 'n', lines: ok, slack: 9 }, 'slack', /unknown bus 9/));
  it('names a line from a bus to itself', () => fails({ name: 'n', lines: [{ from: 2, to: 2, x: 1 }] }, 'lines[0]', /itself/));
});
