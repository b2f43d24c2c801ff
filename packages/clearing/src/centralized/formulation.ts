// The centralized welfare problem (3-20) laid out as variables, equality rows and bounds, shared by
// the interior-point path and the HiGHS reference so that both solve exactly the same model.
//
// Variables per hour t: grid import g_t; per seller x_t (and c_t, d_t, s_t with a battery); per buyer
// y_t; per limited line w_ℓt (its flow, bounded by ±f̄_ℓ) when the network is enforced.
// Rows: balance Σ p_it = 0 (3-16, the grid is the import term); SoC s_t − s_{t−1} − η_c c_t + d_t/η_d
// = s_0·[t = 0] (3-11); flow definition Σ_i H_ℓi p_it − w_ℓt = 0 (3-17) with |w| ≤ f̄ (3-19).
import { cscFromTriplets, type CscMatrix, type Triplet } from '@gridmarket/qp';
import type { Market } from '../case/market';

export type VarRole = 'import' | 'generation' | 'charge' | 'discharge' | 'soc' | 'consumption' | 'flow';

export interface Formulation {
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
  /** Row of the balance constraint of hour t. */
  balanceRow: (t: number) => number;
  /** Row of line ℓ's flow definition at hour t, or −1 if the line is unlimited or not enforced. */
  lineRow: (line: number, t: number) => number;
  /** Constant part of the objective (Σ γ over sellers and hours). */
  constant: number;
}

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

export function formulate(market: Market, constrained: boolean): Formulation {
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
  const limited = lines.map((l) => constrained && Number.isFinite(l.limitKw));
  const flowBase = new Int32Array(lines.length).fill(-1);
  lines.forEach((l, li) => {
    if (!limited[li]) return;
    flowBase[li] = role.length;
    for (let t = 0; t < T; t++) push(li, t, 'flow', -l.limitKw, l.limitKw);
  });

  const index = (a: number, t: number, r: VarRole) => {
    const v = base[a]! + t * stride[a]! + SLOT[r];
    if (role[v] !== r || owner[v] !== a) throw new Error(`no ${r} variable for agent ${a} at hour ${t}`);
    return v;
  };
  const f: Formulation = {
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
    constant,
  };

  const triplets: Triplet[] = [];
  const b: number[] = [];
  // Balance rows 0..T-1.
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < market.agents.length; a++) {
      for (const [v, coef] of injectionTerms(f, market, a, t)) triplets.push({ row: t, col: v, value: coef });
    }
    b.push(0);
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
    }
  });
  // Flow definitions.
  const lineRowBase = new Int32Array(lines.length).fill(-1);
  const na = market.agents.length;
  lines.forEach((_, li) => {
    if (!limited[li]) return;
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
    }
  });
  f.A = cscFromTriplets(b.length, f.n, triplets);
  f.b = Float64Array.from(b);
  f.lineRow = (li, t) => (lineRowBase[li]! < 0 ? -1 : lineRowBase[li]! + t);
  return f;
}
