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
// - 'angles' (DC power flow before the PTDF is taken, 3-18): per hour a bus angle θ_bt for every bus
//   but the slack (θ_slack = 0) and a flow variable w_ℓt for every limited line, with
//   w_ℓt − (θ_from − θ_to)/x_ℓ = 0; one balance row per bus, Σ_{i at b} p_it − Σ_{ℓ limited, from b} w_ℓt
//   + Σ_{ℓ limited, to b} w_ℓt − Σ_{ℓ unlimited at b} (θ_b − θ_other)/x_ℓ = 0. Since PTDF = B_line A B⁻¹,
//   both give the same flows; this one has a row per bus and line with a handful of entries each,
//   so the KKT matrix stays as sparse as the network. The slack bus's balance dual is the system
//   price, each bus's balance dual its nodal price, and a flow's bound multipliers the congestion price.
//
// Without the network ('none') only the per-hour balance row Σ_i p_it = 0 remains.
import { cscFromTriplets, type CscMatrix, type Triplet } from '@gridmarket/qp';
import type { Market } from '../case/market';

export type VarRole = 'import' | 'generation' | 'charge' | 'discharge' | 'soc' | 'consumption' | 'flow' | 'angle';

/** How the network constraints are written (see above); 'none' without the network. */
export type NetworkForm = 'none' | 'ptdf' | 'angles';

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
  /** Row of the balance constraint of hour t ('angles': the slack bus's balance row). */
  balanceRow: (t: number) => number;
  /** Row of line ℓ's flow definition at hour t, or −1 if the line is unlimited or not enforced. */
  lineRow: (line: number, t: number) => number;
  /** 'angles': row of the balance of bus k (index into network.buses) at hour t; −1 otherwise. */
  busRow: (bus: number, t: number) => number;
  /** Variable of line ℓ's flow at hour t, or −1 if the line is unlimited or not enforced. */
  flowVar: (line: number, t: number) => number;
  /** Per row: what it states, whose it is (agent, bus or line index) and its hour. */
  rowKind: RowKind[];
  rowOwner: Int32Array;
  rowHour: Int32Array;
  /** Constant part of the objective (Σ γ over sellers and hours). */
  constant: number;
}

/** balance: Σ p = 0 of an hour; busBalance: one bus's balance (angle form); soc: a battery's (3-11); flow: a limited line's flow definition. */
export type RowKind = 'balance' | 'busBalance' | 'soc' | 'flow';

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
  const SLOT: Record<VarRole, number> = { import: 0, consumption: 0, generation: 0, charge: 1, discharge: 2, soc: 3, flow: 0, angle: 0 };
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
    if (!limited[li]) return;
    flowBase[li] = role.length;
    for (let t = 0; t < T; t++) push(li, t, 'flow', -l.limitKw, l.limitKw);
  });
  // Bus angles (all buses but the slack), free.
  const angleBase = new Int32Array(buses.length).fill(-1);
  if (network === 'angles') {
    buses.forEach((_, k) => {
      if (k === slack) return;
      angleBase[k] = role.length;
      for (let t = 0; t < T; t++) push(k, t, 'angle', -Infinity, Infinity);
    });
  }

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
  if (network === 'angles') {
    // Bus balance rows: row t·B + k for bus k at hour t.
    const nb = buses.length;
    const agentBus = market.agents.map((a) => busOf.get(a.bus)!);
    for (let t = 0; t < T; t++) {
      for (let a = 0; a < na; a++) {
        for (const [v, coef] of injectionTerms(f, market, a, t)) triplets.push({ row: t * nb + agentBus[a]!, col: v, value: coef });
      }
      lines.forEach((l, li) => {
        const from = busOf.get(l.from)!;
        const to = busOf.get(l.to)!;
        if (limited[li]) {
          triplets.push({ row: t * nb + from, col: flowBase[li]! + t, value: -1 });
          triplets.push({ row: t * nb + to, col: flowBase[li]! + t, value: 1 });
        } else {
          // An unlimited line's flow (θ_from − θ_to)/x_ℓ, written into the balances directly.
          const bl = 1 / l.x;
          for (const [row, sign] of [
            [from, -1],
            [to, 1],
          ] as const) {
            if (from !== slack) triplets.push({ row: t * nb + row, col: angleBase[from]! + t, value: sign * bl });
            if (to !== slack) triplets.push({ row: t * nb + row, col: angleBase[to]! + t, value: -sign * bl });
          }
        }
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
  // Flow definitions of the limited lines.
  const lineRowBase = new Int32Array(lines.length).fill(-1);
  lines.forEach((l, li) => {
    if (!limited[li]) return;
    for (let t = 0; t < T; t++) {
      const row = b.length;
      if (t === 0) lineRowBase[li] = row;
      if (network === 'angles') {
        // w_ℓt − (θ_from − θ_to)/x_ℓ = 0
        const from = busOf.get(l.from)!;
        const to = busOf.get(l.to)!;
        if (from !== slack) triplets.push({ row, col: angleBase[from]! + t, value: -1 / l.x });
        if (to !== slack) triplets.push({ row, col: angleBase[to]! + t, value: 1 / l.x });
        triplets.push({ row, col: flowBase[li]! + t, value: 1 });
      } else {
        for (let a = 0; a < na; a++) {
          const h = market.H[li * na + a]!;
          if (h === 0) continue;
          for (const [v, coef] of injectionTerms(f, market, a, t)) triplets.push({ row, col: v, value: h * coef });
        }
        triplets.push({ row, col: flowBase[li]! + t, value: -1 });
      }
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
