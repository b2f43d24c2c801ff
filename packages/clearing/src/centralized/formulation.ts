// The centralized welfare problem (3-20) laid out as variables, equality rows and bounds, shared by
// the interior-point path and the HiGHS reference so that both solve exactly the same model.
//
// Variables per hour t: grid import g_t; per seller x_t (and c_t, d_t, s_t with a battery); per buyer
// y_t. Rows: SoC s_t − s_{t−1} − η_c c_t + d_t/η_d = s_0·[t = 0] (3-11). The network enters in one of
// two equivalent forms:
//
// - 'ptdf' (the thesis's): one balance row Σ_i p_it = 0 (3-16) per hour and, per limited line, a flow
//   variable w_ℓt bounded by ±f̄_ℓ (3-19) with Σ_i H_ℓi p_it − w_ℓt = 0 (3-17). Every flow row holds
//   every agent with a non-zero PTDF entry: dense rows.
// - 'kirchhoff' (DC power flow before the PTDF is taken, 3-18): per hour a flow variable w_ℓt for
//   every line (bounded by ±f̄_ℓ when limited, free otherwise), one balance row per bus (Kirchhoff's
//   current law) Σ_{i at b} p_it − Σ_{ℓ from b} w_ℓt + Σ_{ℓ to b} w_ℓt = 0, and one row per
//   fundamental cycle of a spanning tree (Kirchhoff's voltage law in DC form) Σ_{ℓ in cycle} ±x_ℓ w_ℓt
//   = 0, the sign + where the cycle runs from → to. Flows satisfy both laws exactly when angles θ
//   exist with w_ℓ = (θ_from − θ_to)/x_ℓ, i.e. when w = PTDF·p: the same feasible set, but every row
//   has a handful of entries (a radial network has no cycle rows at all), so the KKT matrix stays as
//   sparse as the network. The slack bus's balance dual is the system price, each bus's balance dual
//   its nodal price, and a flow's bound multipliers the congestion price.
//
// Without the network ('none') only the per-hour balance row Σ_i p_it = 0 remains.
import { cscFromTriplets, type CscMatrix, type Triplet } from '@gridmarket/qp';
import type { Market } from '../case/market';

export type VarRole = 'import' | 'generation' | 'charge' | 'discharge' | 'soc' | 'consumption' | 'flow';

/** How the network constraints are written (see above); 'none' without the network. */
export type NetworkForm = 'none' | 'ptdf' | 'kirchhoff';

export interface Formulation {
  network: NetworkForm;
  n: number;
  A: CscMatrix;
  b: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** Per variable: its role, owning agent (or line for flows) and hour. */
  role: VarRole[];
  owner: Int32Array;
  hour: Int32Array;
  /** Variable index of (agent, hour, role). */
  index: (agent: number, hour: number, role: VarRole) => number;
  /** Row of the balance constraint of hour t ('kirchhoff': the slack bus's balance row). */
  balanceRow: (t: number) => number;
  /** Row of line ℓ's flow definition at hour t, or −1 if the line is unlimited or not enforced. */
  lineRow: (line: number, t: number) => number;
  /** 'kirchhoff': row of the balance of bus k (index into network.buses) at hour t; −1 otherwise. */
  busRow: (bus: number, t: number) => number;
  /** Variable of line ℓ's flow at hour t, or −1 if there is none (network not enforced; 'ptdf': line unlimited). */
  flowVar: (line: number, t: number) => number;
  /** Per row: what it states, whose it is (agent, bus or line index) and its hour. */
  rowKind: RowKind[];
  rowOwner: Int32Array;
  rowHour: Int32Array;
  /** Constant part of the objective (Σ γ over sellers and hours). */
  constant: number;
}

/**
 * balance: Σ p = 0 of an hour; busBalance: one bus's balance ('kirchhoff'); soc: a battery's (3-11);
 * flow: a limited line's flow definition ('ptdf'); cycle: Kirchhoff's voltage law around the cycle a
 * line closes in the spanning tree ('kirchhoff'; owner: that line).
 */
export type RowKind = 'balance' | 'busBalance' | 'soc' | 'flow' | 'cycle';

/** The net injection of agent a at hour t as (variable, coefficient) pairs. */
export function injectionTerms(f: Formulation, market: Market, a: number, t: number): [number, number][] {
  const agent = market.agents[a]!;
  if (agent.kind === 'grid') return [[f.index(a, t, 'import'), 1]];
  if (agent.kind === 'buyer') return [[f.index(a, t, 'consumption'), -1]];
  const terms: [number, number][] = [[f.index(a, t, 'generation'), 1]];
  if (agent.hasStorage) {
    terms.push([f.index(a, t, 'discharge'), 1]);
    terms.push([f.index(a, t, 'charge'), -1]);
  }
  return terms;
}

export function formulate(market: Market, constrained: boolean, form: Exclude<NetworkForm, 'none'> = 'ptdf'): Formulation {
  const network: NetworkForm = constrained ? form : 'none';
  const T = market.hours;
  const role: VarRole[] = [];
  const owner: number[] = [];
  const hour: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  // Agent a's variables are contiguous: base[a] + t·stride[a] + slot(role).
  const base = new Int32Array(market.agents.length);
  const stride = new Int32Array(market.agents.length);
  const SLOT: Record<VarRole, number> = { import: 0, consumption: 0, generation: 0, charge: 1, discharge: 2, soc: 3, flow: 0 };
  const push = (a: number, t: number, r: VarRole, lo: number, hi: number) => {
    role.push(r);
    owner.push(a);
    hour.push(t);
    lower.push(lo);
    upper.push(hi);
  };
  let constant = 0;
  market.params.forEach((p, a) => {
    base[a] = role.length;
    stride[a] = p.kind === 'seller' && p.battery ? 4 : 1;
    for (let t = 0; t < T; t++) {
      if (p.kind === 'grid') push(a, t, 'import', 0, p.maxImportKw);
      else if (p.kind === 'buyer') push(a, t, 'consumption', p.yLowerKw[t]!, p.yUpperKw[t]!);
      else {
        constant += p.gamma;
        push(a, t, 'generation', p.xLowerKw[t]!, p.xUpperKw[t]!);
        if (p.battery) {
          const bat = p.battery;
          push(a, t, 'charge', 0, bat.chargeMaxKw);
          push(a, t, 'discharge', 0, bat.dischargeMaxKw);
          const socLow = t === T - 1 ? Math.max(bat.socMinKwh, bat.socFinalMinKwh) : bat.socMinKwh;
          push(a, t, 'soc', socLow, bat.capacityKwh);
        }
      }
    }
  });
  const lines = market.network.lines;
  const buses = market.network.buses;
  const busOf = new Map(buses.map((b, k) => [b, k]));
  const slack = busOf.get(market.network.slack)!;
  const limited = lines.map((l) => network !== 'none' && Number.isFinite(l.limitKw));
  const flowBase = new Int32Array(lines.length).fill(-1);
  lines.forEach((l, li) => {
    if (network === 'kirchhoff') {
      flowBase[li] = role.length;
      for (let t = 0; t < T; t++) push(li, t, 'flow', limited[li] ? -l.limitKw : -Infinity, limited[li] ? l.limitKw : Infinity);
    } else if (limited[li]) {
      flowBase[li] = role.length;
      for (let t = 0; t < T; t++) push(li, t, 'flow', -l.limitKw, l.limitKw);
    }
  });

  const index = (a: number, t: number, r: VarRole) => {
    const v = base[a]! + t * stride[a]! + SLOT[r];
    if (role[v] !== r || owner[v] !== a) throw new Error(`no ${r} variable for agent ${a} at hour ${t}`);
    return v;
  };
  const f: Formulation = {
    network,
    n: role.length,
    A: cscFromTriplets(0, 0, []),
    b: new Float64Array(0),
    lower: Float64Array.from(lower),
    upper: Float64Array.from(upper),
    role,
    owner: Int32Array.from(owner),
    hour: Int32Array.from(hour),
    index,
    balanceRow: (t) => t,
    lineRow: () => -1,
    busRow: () => -1,
    flowVar: (li, t) => (flowBase[li]! < 0 ? -1 : flowBase[li]! + t),
    rowKind: [],
    rowOwner: new Int32Array(0),
    rowHour: new Int32Array(0),
    constant,
  };
  const rowKind: RowKind[] = [];
  const rowOwner: number[] = [];
  const rowHour: number[] = [];
  const describe = (kind: RowKind, owner: number, t: number) => {
    rowKind.push(kind);
    rowOwner.push(owner);
    rowHour.push(t);
  };

  const triplets: Triplet[] = [];
  const b: number[] = [];
  const na = market.agents.length;
  if (network === 'kirchhoff') {
    // Bus balance rows: row t·B + k for bus k at hour t.
    const nb = buses.length;
    const agentBus = market.agents.map((a) => busOf.get(a.bus)!);
    for (let t = 0; t < T; t++) {
      for (let a = 0; a < na; a++) {
        for (const [v, coef] of injectionTerms(f, market, a, t)) triplets.push({ row: t * nb + agentBus[a]!, col: v, value: coef });
      }
      lines.forEach((l, li) => {
        triplets.push({ row: t * nb + busOf.get(l.from)!, col: flowBase[li]! + t, value: -1 });
        triplets.push({ row: t * nb + busOf.get(l.to)!, col: flowBase[li]! + t, value: 1 });
      });
      for (let k = 0; k < nb; k++) {
        b.push(0);
        describe('busBalance', k, t);
      }
    }
    f.balanceRow = (t) => t * nb + slack;
    f.busRow = (k, t) => t * nb + k;
  } else {
    // Balance rows 0..T-1.
    for (let t = 0; t < T; t++) {
      for (let a = 0; a < na; a++) {
        for (const [v, coef] of injectionTerms(f, market, a, t)) triplets.push({ row: t, col: v, value: coef });
      }
      b.push(0);
      describe('balance', -1, t);
    }
  }
  // State-of-charge dynamics.
  market.params.forEach((p, a) => {
    if (p.kind !== 'seller' || !p.battery) return;
    const bat = p.battery;
    for (let t = 0; t < T; t++) {
      const row = b.length;
      triplets.push({ row, col: index(a, t, 'soc'), value: 1 });
      if (t > 0) triplets.push({ row, col: index(a, t - 1, 'soc'), value: -1 });
      triplets.push({ row, col: index(a, t, 'charge'), value: -bat.etaCharge });
      triplets.push({ row, col: index(a, t, 'discharge'), value: 1 / bat.etaDischarge });
      b.push(t === 0 ? bat.socInitKwh : 0);
      describe('soc', a, t);
    }
  });
  // Kirchhoff's voltage law around each fundamental cycle.
  if (network === 'kirchhoff') {
    for (const cycle of fundamentalCycles(market, busOf, slack)) {
      for (let t = 0; t < T; t++) {
        const row = b.length;
        for (const [li, sign] of cycle.lines) triplets.push({ row, col: flowBase[li]! + t, value: sign * lines[li]!.x });
        b.push(0);
        describe('cycle', cycle.closing, t);
      }
    }
  }
  // Flow definitions of the limited lines.
  const lineRowBase = new Int32Array(lines.length).fill(-1);
  lines.forEach((_, li) => {
    if (network !== 'ptdf' || !limited[li]) return;
    for (let t = 0; t < T; t++) {
      const row = b.length;
      if (t === 0) lineRowBase[li] = row;
      for (let a = 0; a < na; a++) {
        const h = market.H[li * na + a]!;
        if (h === 0) continue;
        for (const [v, coef] of injectionTerms(f, market, a, t)) triplets.push({ row, col: v, value: h * coef });
      }
      triplets.push({ row, col: flowBase[li]! + t, value: -1 });
      b.push(0);
      describe('flow', li, t);
    }
  });
  f.A = cscFromTriplets(b.length, f.n, triplets);
  f.b = Float64Array.from(b);
  f.rowKind = rowKind;
  f.rowOwner = Int32Array.from(rowOwner);
  f.rowHour = Int32Array.from(rowHour);
  f.lineRow = (li, t) => (lineRowBase[li]! < 0 ? -1 : lineRowBase[li]! + t);
  return f;
}

/**
 * The fundamental cycles of a breadth-first spanning tree rooted at the slack: each line outside
 * the tree closes one. A cycle is listed as (line, sign) pairs along its direction, the closing
 * line first from → to; sign +1 where the cycle runs from → to.
 */
function fundamentalCycles(market: Market, busOf: Map<number, number>, slack: number): { closing: number; lines: [number, number][] }[] {
  const lines = market.network.lines;
  const nb = market.network.buses.length;
  const incident: number[][] = Array.from({ length: nb }, () => []);
  lines.forEach((l, li) => {
    incident[busOf.get(l.from)!]!.push(li);
    incident[busOf.get(l.to)!]!.push(li);
  });
  const parentLine = new Int32Array(nb).fill(-1);
  const parentBus = new Int32Array(nb).fill(-1);
  const depth = new Int32Array(nb).fill(-1);
  const inTree = new Uint8Array(lines.length);
  depth[slack] = 0;
  const queue = [slack];
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q]!;
    for (const li of incident[u]!) {
      const l = lines[li]!;
      const v = busOf.get(l.from)! === u ? busOf.get(l.to)! : busOf.get(l.from)!;
      if (depth[v]! >= 0) continue;
      depth[v] = depth[u]! + 1;
      parentBus[v] = u;
      parentLine[v] = li;
      inTree[li] = 1;
      queue.push(v);
    }
  }
  // +1 when line li is traversed from bus u towards its other end and u is its 'from' bus.
  const sign = (li: number, u: number) => (busOf.get(lines[li]!.from)! === u ? 1 : -1);
  const cycles: { closing: number; lines: [number, number][] }[] = [];
  lines.forEach((l, li) => {
    if (inTree[li]) return;
    const from = busOf.get(l.from)!;
    const to = busOf.get(l.to)!;
    // from → to over the closing line, then to → (up to the common ancestor) → down to from.
    const up: [number, number][] = [];
    const down: [number, number][] = [];
    let a = to;
    let b = from;
    while (a !== b) {
      if (depth[a]! >= depth[b]!) {
        up.push([parentLine[a]!, sign(parentLine[a]!, a)]);
        a = parentBus[a]!;
      } else {
        down.push([parentLine[b]!, -sign(parentLine[b]!, b)]);
        b = parentBus[b]!;
      }
    }
    cycles.push({ closing: li, lines: [[li, 1], ...up, ...down.reverse()] });
  });
  return cycles;
}
