import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentPtdf, builtinNetwork, buildNetwork, busIndex, importMatpower, lineFlows, NetworkError } from '../src/index';

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
  it('names a zero reactance', () => fails({ name: 'n', lines: [...ok, { from: 1, to: 3, x: 0 }] }, 'lines[2].x', /zero reactance/));
  it('names an islanded network', () =>
    fails({ name: 'n', lines: [...ok, { from: 4, to: 5, x: 0.1 }] }, 'lines', /islanded: buses 4, 5/));
  it('names a duplicate line, either direction', () =>
    fails({ name: 'n', lines: [...ok, { from: 2, to: 1, x: 0.3 }] }, 'lines[2]', /duplicates lines\[0\]/));
  it('names a non-positive limit', () => fails({ name: 'n', lines: [{ ...ok[0]!, limitKw: 0 }, ok[1]!] }, 'lines[0].limitKw', /positive/));
  it('names an unknown slack', () => fails({ name: 'n', lines: ok, slack: 9 }, 'slack', /unknown bus 9/));
  it('names a line from a bus to itself', () => fails({ name: 'n', lines: [{ from: 2, to: 2, x: 1 }] }, 'lines[0]', /itself/));
});

describe('MATPOWER import', () => {
  // A small case in MATPOWER's format, written for this test: 4 buses, one branch out of service,
  // one with RATE_A = 0, r and x in ohms converted in code as case33bw does.
  const CASE = `function mpc = case4ohm
mpc.version = '2';
mpc.baseMVA = 10;
%% bus data
mpc.bus = [
	1	3	0	0	0	0	1	1	0	12.66	1	1.1	0.9;
	2	1	0.1	0.06	0	0	1	1	0	12.66	1	1.1	0.9;
	3	1	0.09	0.04	0	0	1	1	0	12.66	1	1.1	0.9;
	4	1	0.12	0.08	0	0	1	1	0	12.66	1	1.1	0.9;
];
%% branch data
mpc.branch = [
	1	2	0.0922	0.0470	0	4	0	0	0	0	1	-360	360;
	2	3	0.4930	0.2511	0	0	0	0	0	0	1	-360	360;
	3	4	0.3660	0.1864	0	2	0	0	0	0	1	-360	360;
	2	4	2.0000	2.0000	0	0	0	0	0	0	0	-360	360;
];
%% convert branch impedances from Ohms to p.u.
[PQ, PV, REF, NONE, BUS_I, BUS_TYPE, PD, QD, GS, BS, BUS_AREA, VM, VA, BASE_KV, ZONE, VMAX, VMIN] = idx_bus;
[F_BUS, T_BUS, BR_R, BR_X, BR_B, RATE_A] = idx_brch;
Vbase = mpc.bus(1, BASE_KV) * 1e3;      %% in Volts
Sbase = mpc.baseMVA * 1e6;              %% in VA
mpc.branch(:, [BR_R BR_X]) = mpc.branch(:, [BR_R BR_X]) / (Vbase^2 / Sbase);
`;

  it('drops out-of-service branches, reads RATE_A = 0 as unlimited and converts ohms', () => {
    const { network, notes, limitSources } = importMatpower(CASE, { name: 'case4ohm' });
    assert.equal(network.lines.length, 3);
    assert.deepEqual(limitSources, ['rateA', 'unlimited', 'rateA']);
    assert.equal(network.lines[0]!.limitKw, 4000);
    assert.equal(network.lines[1]!.limitKw, Infinity);
    const zbase = 12.66e3 ** 2 / 10e6;
    assert.ok(close(network.lines[0]!.x, 0.047 / zbase));
    assert.equal(network.slack, 1);
    assert.ok(notes.some((n) => /ohms/.test(n)) && notes.some((n) => /out-of-service/.test(n)) && notes.some((n) => /RATE_A = 0/.test(n)));
  });

  it('takes override limits per imported line', () => {
    const { network, limitSources } = importMatpower(CASE, { limitsKw: [1, 2, 3] });
    assert.deepEqual(network.lines.map((l) => l.limitKw), [1, 2, 3]);
    assert.deepEqual(limitSources, ['override', 'override', 'override']);
  });

  it('renumbers non-consecutive bus numbers internally', () => {
    const text = CASE.replaceAll(/^\t4\t/gm, '\t40\t').replace('3\t4\t0.3660', '3\t40\t0.3660').replace('2\t4\t2.0000', '2\t40\t2.0000');
    const { network } = importMatpower(text);
    assert.deepEqual(network.buses, [1, 2, 3, 40]);
    assert.equal(busIndex(network, 40), 3);
  });

  it('names a missing matrix', () => {
    assert.throws(() => importMatpower('mpc.baseMVA = 1;'), /mpc\.bus: not found/);
  });
});
