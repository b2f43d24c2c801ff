// The DC network model: validated buses and lines, the PTDF matrix (thesis eq. 3-18) and flows
// (3-17). Buses keep the numbers the user gave them; internally they are renumbered 0..B-1 in
// ascending order, which is what the PTDF's columns follow.
import { IslandedNetworkError, NetworkError } from './errors';

/**
 * The smallest |x| (p.u.) a line may have. Below it a branch is a jumper (zero impedance) whose
 * susceptance 1/x would swamp the susceptance matrix; such buses are one node and should be merged.
 */
export const MIN_REACTANCE_PU = 1e-6;
/** The largest |x| (p.u.): above it a branch is open in all but name, and the susceptance matrix's conditioning (x_max/x_min) exceeds what double precision resolves. */
export const MAX_REACTANCE_PU = 1e6;

/** A line as given: buses by their numbers, reactance x in p.u. (r is kept but unused by DC flow). */
export interface LineInput {
  from: number;
  to: number;
  r?: number;
  x: number;
  /** Off-nominal transformer tap ratio at the from end; absent or 0 means 1 (a line). */
  tap?: number;
  /** Phase-shift angle in degrees; kept and reported, it does not enter the PTDF. */
  shiftDeg?: number;
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
  /** Tap ratio, 1 for a line or a transformer at nominal ratio. */
  tap: number;
  shiftDeg: number;
  limitKw: number;
}

/** Something the user should know about a network: what an import did, or a modelling choice. */
export interface NetworkNote {
  severity: 'info' | 'warning';
  message: string;
}

export interface Network {
  name: string;
  /** Bus numbers in ascending order; column k of the PTDF is bus buses[k]. */
  buses: number[];
  lines: Line[];
  slack: number;
  /** PTDF, row-major, lines × buses: flow on line l (from → to) per kW injected at the bus and withdrawn at the slack. */
  ptdf: Float64Array;
  /** Parallel lines, taps, phase shifters; an import adds what it dropped, converted or assumed. */
  notes: NetworkNote[];
}

/** Why a reactance cannot be used, or undefined when it can. */
export function reactanceProblem(x: number): string | undefined {
  if (!Number.isFinite(x)) return `reactance must be a finite number, got ${x}`;
  if (Math.abs(x) > MAX_REACTANCE_PU) {
    return `reactance x = ${x} p.u. is above the maximum |x| of ${MAX_REACTANCE_PU.toExponential().replace('e+', 'e')} p.u.: such a branch carries nothing, and its susceptance is lost in round-off against the others'`;
  }
  if (Math.abs(x) < MIN_REACTANCE_PU) {
    return `reactance x = ${x} p.u. is below the minimum |x| of ${MIN_REACTANCE_PU.toExponential()} p.u.: the DC model divides by x, and a zero-impedance branch joins buses that should be one`;
  }
  return undefined;
}

/** Why a tap ratio cannot be used, or undefined when it can (0 means 1). */
export function tapProblem(tap: number): string | undefined {
  if (!Number.isFinite(tap) || tap < 0) return `tap ratio must be a non-negative number (0 meaning 1), got ${tap}`;
  return undefined;
}

/** The series susceptance of a line in the DC model, b = 1/(x·tap) (MATPOWER's makeBdc convention). */
export function lineSusceptance(line: Pick<Line, 'x' | 'tap'>): number {
  return 1 / (line.x * line.tap);
}

/** Groups of lines (indices, ascending) that join the same two buses; only groups of two or more. */
export function parallelLines(lines: readonly Pick<Line, 'from' | 'to'>[]): number[][] {
  const groups = new Map<string, number[]>();
  lines.forEach((l, i) => {
    const key = l.from < l.to ? `${l.from}-${l.to}` : `${l.to}-${l.from}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  return [...groups.values()].filter((g) => g.length > 1);
}

/** At most `max` items, then how many more. */
export function listSome(items: readonly string[], max = 10): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
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
  const lines: Line[] = input.lines.map((l, i) => {
    const where = `lines[${i}]`;
    if (!index.has(l.from)) throw new NetworkError(`${where}.from`, `unknown bus ${l.from}`);
    if (!index.has(l.to)) throw new NetworkError(`${where}.to`, `unknown bus ${l.to}`);
    if (l.from === l.to) throw new NetworkError(where, `connects bus ${l.from} to itself`);
    const badX = reactanceProblem(l.x);
    if (badX) throw new NetworkError(`${where}.x`, `line ${l.from}–${l.to}: ${badX}`);
    const badTap = tapProblem(l.tap ?? 0);
    if (badTap) throw new NetworkError(`${where}.tap`, badTap);
    const shiftDeg = l.shiftDeg ?? 0;
    if (!Number.isFinite(shiftDeg)) throw new NetworkError(`${where}.shiftDeg`, `must be a finite angle in degrees, got ${shiftDeg}`);
    const limitKw = l.limitKw ?? Infinity;
    if (Number.isNaN(limitKw) || limitKw <= 0) throw new NetworkError(`${where}.limitKw`, `must be positive, got ${limitKw}`);
    return { from: l.from, to: l.to, r: l.r ?? 0, x: l.x, tap: l.tap || 1, shiftDeg, limitKw };
  });
  const slack = input.slack ?? (index.has(1) ? 1 : buses[0]!);
  if (!index.has(slack)) throw new NetworkError('slack', `unknown bus ${slack}`);
  checkConnected(buses, lines, index, slack);
  return { name: input.name, buses, lines, slack, ptdf: computePtdf(buses, lines, index, slack), notes: modellingNotes(lines) };
}

/** What the DC model does with parallel lines, taps and phase shifters, when a network has them. */
function modellingNotes(lines: Line[]): NetworkNote[] {
  const notes: NetworkNote[] = [];
  const pair = (l: Line) => `${l.from}–${l.to}`;
  const parallel = parallelLines(lines);
  if (parallel.length > 0) {
    notes.push({
      severity: 'info',
      message: `${parallel.length} bus pair${parallel.length > 1 ? 's are' : ' is'} joined by parallel lines, kept as separate lines that share flow in proportion to their susceptance: ${listSome(parallel.map((g) => `${pair(lines[g[0]!]!)} ×${g.length}`))}`,
    });
  }
  const tapped = lines.filter((l) => l.tap !== 1);
  if (tapped.length > 0) {
    notes.push({
      severity: 'warning',
      message: `${tapped.length} line${tapped.length > 1 ? 's are transformers' : ' is a transformer'} with an off-nominal tap ratio, entered with susceptance 1/(x·tap): ${listSome(tapped.map((l) => `${pair(l)} tap ${l.tap}`))}`,
    });
  }
  const shifted = lines.filter((l) => l.shiftDeg !== 0);
  if (shifted.length > 0) {
    notes.push({
      severity: 'warning',
      message: `${shifted.length} line${shifted.length > 1 ? 's are phase shifters' : ' is a phase shifter'} (${listSome(shifted.map((l) => `${pair(l)} ${l.shiftDeg}°`))}): the PTDF does not depend on the shift angle, and the constant flow the shift drives is not modelled (flows are those at 0°)`,
    });
  }
  return notes;
}

function checkConnected(buses: number[], lines: Line[], index: Map<number, number>, slack: number): void {
  const parent = buses.map((_, k) => k);
  const find = (k: number): number => (parent[k] === k ? k : (parent[k] = find(parent[k]!)));
  for (const l of lines) parent[find(index.get(l.from)!)] = find(index.get(l.to)!);
  const root = find(index.get(slack)!);
  const islanded = buses.filter((_, k) => find(k) !== root);
  if (islanded.length > 0) {
    const which = islanded.length > 1 ? `buses ${listSome(islanded.map(String))} are` : `bus ${islanded[0]} is`;
    throw new IslandedNetworkError('lines', `${which} islanded: no path of lines to the slack bus ${slack}`, islanded);
  }
}

/**
 * PTDF = B_line · A · B⁻¹ with the slack row and column of B removed (3-18): A is the line-bus
 * incidence (+1 at from, −1 at to), B_line = diag(b) with b = 1/(x·tap), B = Aᵀ B_line A. Parallel
 * lines add their susceptances in B and keep their own rows.
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
    const b = lineSusceptance(l);
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
    const b = lineSusceptance(l);
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
