// The DC network model: validated buses and lines, the PTDF matrix (thesis eq. 3-18) and flows
// (3-17). Buses keep the numbers the user gave them; internally they are renumbered 0..B-1 in
// ascending order, which is what the PTDF's columns follow.

/** A line as given: buses by their numbers, reactance x in p.u. (r is kept but unused by DC flow). */
export interface LineInput {
  from: number;
  to: number;
  r?: number;
  x: number;
  /** Thermal limit in kW; absent or Infinity means unlimited. */
  limitKw?: number;
}

export interface NetworkInput {
  name: string;
  lines: readonly LineInput[];
  /** Bus numbers; when absent, the buses the lines mention. */
  buses?: readonly number[];
  /** Reference bus (its PTDF column is zero); bus 1 by default, else the smallest bus. */
  slack?: number;
}

export interface Line {
  from: number;
  to: number;
  r: number;
  x: number;
  limitKw: number;
}

export interface Network {
  name: string;
  /** Bus numbers in ascending order; column k of the PTDF is bus buses[k]. */
  buses: number[];
  lines: Line[];
  slack: number;
  /** PTDF, row-major, lines × buses: flow on line l (from → to) per kW injected at the bus and withdrawn at the slack. */
  ptdf: Float64Array;
}

export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export function buildNetwork(input: NetworkInput): Network {
  if (input.lines.length === 0) throw new NetworkError('lines', 'a network needs at least one line');
  const mentioned = new Set<number>();
  input.lines.forEach((l, i) => {
    for (const [key, bus] of [
      ['from', l.from],
      ['to', l.to],
    ] as const) {
      if (!Number.isInteger(bus) || bus < 0) throw new NetworkError(`lines[${i}].${key}`, `bus ${bus} is not a non-negative integer`);
    }
    mentioned.add(l.from);
    mentioned.add(l.to);
  });
  const buses = [...(input.buses ?? mentioned)].sort((a, b) => a - b);
  if (new Set(buses).size !== buses.length) throw new NetworkError('buses', 'lists a bus twice');
  const index = new Map(buses.map((b, k) => [b, k]));
  const seen = new Map<string, number>();
  const lines: Line[] = input.lines.map((l, i) => {
    const where = `lines[${i}]`;
    if (!index.has(l.from)) throw new NetworkError(`${where}.from`, `unknown bus ${l.from}`);
    if (!index.has(l.to)) throw new NetworkError(`${where}.to`, `unknown bus ${l.to}`);
    if (l.from === l.to) throw new NetworkError(where, `connects bus ${l.from} to itself`);
    if (!Number.isFinite(l.x)) throw new NetworkError(`${where}.x`, `reactance must be a finite number, got ${l.x}`);
    if (l.x === 0) throw new NetworkError(`${where}.x`, 'zero reactance (the DC model needs x ≠ 0)');
    const limitKw = l.limitKw ?? Infinity;
    if (Number.isNaN(limitKw) || limitKw <= 0) throw new NetworkError(`${where}.limitKw`, `must be positive, got ${limitKw}`);
    const key = l.from < l.to ? `${l.from}-${l.to}` : `${l.to}-${l.from}`;
    const dup = seen.get(key);
    if (dup !== undefined) throw new NetworkError(where, `duplicates lines[${dup}] (${l.from}–${l.to})`);
    seen.set(key, i);
    return { from: l.from, to: l.to, r: l.r ?? 0, x: l.x, limitKw };
  });
  const slack = input.slack ?? (index.has(1) ? 1 : buses[0]!);
  if (!index.has(slack)) throw new NetworkError('slack', `unknown bus ${slack}`);
  checkConnected(buses, lines, index);
  return { name: input.name, buses, lines, slack, ptdf: computePtdf(buses, lines, index, slack) };
}

function checkConnected(buses: number[], lines: Line[], index: Map<number, number>): void {
  const parent = buses.map((_, k) => k);
  const find = (k: number): number => (parent[k] === k ? k : (parent[k] = find(parent[k]!)));
  for (const l of lines) parent[find(index.get(l.from)!)] = find(index.get(l.to)!);
  const root = find(0);
  const islanded = buses.filter((_, k) => find(k) !== root);
  if (islanded.length > 0) {
    throw new NetworkError('lines', `the network is islanded: bus${islanded.length > 1 ? 'es' : ''} ${islanded.join(', ')} cannot reach bus ${buses[0]}`);
  }
}

/**
 * PTDF = B_line · A · B⁻¹ with the slack row and column of B removed (3-18): A is the line-bus
 * incidence (+1 at from, −1 at to), B_line = diag(1/x), B = Aᵀ B_line A.
 */
function computePtdf(buses: number[], lines: Line[], index: Map<number, number>, slack: number): Float64Array {
  const nb = buses.length;
  const nl = lines.length;
  const s = index.get(slack)!;
  const red = (k: number) => (k < s ? k : k - 1); // reduced index of a non-slack bus
  const nr = nb - 1;
  const B = new Float64Array(nr * nr);
  for (const l of lines) {
    const f = index.get(l.from)!;
    const t = index.get(l.to)!;
    const b = 1 / l.x;
    if (f !== s) B[red(f) * nr + red(f)]! += b;
    if (t !== s) B[red(t) * nr + red(t)]! += b;
    if (f !== s && t !== s) {
      B[red(f) * nr + red(t)]! -= b;
      B[red(t) * nr + red(f)]! -= b;
    }
  }
  const Binv = invert(B, nr);
  const ptdf = new Float64Array(nl * nb);
  lines.forEach((l, i) => {
    const f = index.get(l.from)!;
    const t = index.get(l.to)!;
    const b = 1 / l.x;
    for (let k = 0; k < nb; k++) {
      if (k === s) continue;
      const c = red(k);
      const thetaF = f === s ? 0 : Binv[red(f) * nr + c]!;
      const thetaT = t === s ? 0 : Binv[red(t) * nr + c]!;
      const v = b * (thetaF - thetaT);
      // Round-off of the inverse (1e-17) would otherwise show as tiny non-zero sensitivities.
      ptdf[i * nb + k] = Math.abs(v) < 1e-12 ? 0 : v;
    }
  });
  return ptdf;
}

/** Inverse of a dense n × n matrix by Gauss–Jordan with partial pivoting. */
function invert(a: Float64Array, n: number): Float64Array {
  const m = a.slice();
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    const pivot = m[p * n + c]!;
    if (Math.abs(pivot) < 1e-14) throw new NetworkError('lines', 'the susceptance matrix is singular');
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        [m[c * n + k], m[p * n + k]] = [m[p * n + k]!, m[c * n + k]!];
        [inv[c * n + k], inv[p * n + k]] = [inv[p * n + k]!, inv[c * n + k]!];
      }
    }
    for (let k = 0; k < n; k++) {
      m[c * n + k] = m[c * n + k]! / pivot;
      inv[c * n + k] = inv[c * n + k]! / pivot;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c]!;
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        m[r * n + k] = m[r * n + k]! - f * m[c * n + k]!;
        inv[r * n + k] = inv[r * n + k]! - f * inv[c * n + k]!;
      }
    }
  }
  return inv;
}

/** Index of a bus number in network.buses (the PTDF column). */
export function busIndex(network: Network, bus: number): number {
  const k = network.buses.indexOf(bus);
  if (k < 0) throw new NetworkError('bus', `unknown bus ${bus} in network ${network.name}`);
  return k;
}

/** Line flows in kW (from → to) for bus injections in kW (one per bus, in network.buses order). */
export function lineFlows(network: Network, injectionsKw: ArrayLike<number>): Float64Array {
  const nb = network.buses.length;
  if (injectionsKw.length !== nb) throw new NetworkError('injections', `need ${nb} values, got ${injectionsKw.length}`);
  const flows = new Float64Array(network.lines.length);
  for (let i = 0; i < network.lines.length; i++) {
    let f = 0;
    for (let k = 0; k < nb; k++) f += network.ptdf[i * nb + k]! * injectionsKw[k]!;
    flows[i] = f;
  }
  return flows;
}

/** The agent-level PTDF (lines × agents): column a is the bus column of agent a's bus (PTDF · M). */
export function agentPtdf(network: Network, agentBuses: readonly number[]): Float64Array {
  const nb = network.buses.length;
  const na = agentBuses.length;
  const nl = network.lines.length;
  const cols = agentBuses.map((b) => busIndex(network, b));
  const h = new Float64Array(nl * na);
  for (let i = 0; i < nl; i++) for (let a = 0; a < na; a++) h[i * na + a] = network.ptdf[i * nb + cols[a]!]!;
  return h;
}
