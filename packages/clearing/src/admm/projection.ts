// The network operator's projection (4-6) for one hour:
//   z = argmin ½‖z − v‖²  s.t.  Σ_i z_i = 0,  −f̄_ℓ ≤ (H z)_ℓ ≤ f̄_ℓ
// solved exactly through its dual. With Π = I − 11ᵀ/N (the balance projection) and Ĥ = HΠ (PTDF
// rows with their mean removed), the optimum is z = Πv − Ĥᵀμ where μ_ℓ is the signed multiplier of
// line ℓ, and the flows are f(μ) = Ĥv − Gμ with G = ĤĤᵀ. Splitting μ into λ⁺ (upper limits) and λ⁻
// (lower limits) ≥ 0 gives a non-negatively constrained QP in 2L variables, solved by the
// Lawson–Hanson active-set method: finite, exact up to round-off, and warm-started from the
// previous ADMM iteration's active set.
//
// Ĥ, G and the limits depend on the network only, so one `NetworkProjection` holds them for all
// hours (G costs O(L²N): building it per hour was most of the first ADMM iteration at scale); an
// `HourProjection` adds only its hour's warm start. The day-wide steps (Ĥv, z = Πv − Ĥᵀμ, the
// violation) take all hours in one pass over hour-major arrays; each hour's dual is solved on its
// own, in shared scratch buffers. Every sum that feeds z adds its terms in the same order as one
// hour projected alone, so the day's projection equals the hours' projections exactly.

export interface ProjectionNetwork {
  /** Agent-level PTDF, row-major lines × agents. */
  H: Float64Array;
  lines: number;
  agents: number;
  /** Limits in kW (Infinity: the line is not enforced). */
  limitsKw: readonly number[];
}

export interface ProjectionResult {
  z: Float64Array;
  /** Signed line multipliers μ_ℓ (positive at the upper limit, negative at the lower). */
  mu: Float64Array;
  /** Largest (|flow| − limit)⁺ of z, kW. */
  violationKw: number;
  iterations: number;
}

/** Where a projection writes its result (length agents and lines); reused across calls. */
export interface ProjectionOutput {
  z: Float64Array;
  mu: Float64Array;
}

/** What the projections of all hours share: the centred PTDF rows, G and the limits. */
export class NetworkProjection {
  readonly net: ProjectionNetwork;
  /** Indices of the enforced lines with a non-zero centred PTDF row. */
  readonly rows: Int32Array;
  /** G = ĤĤᵀ over the enforced rows. */
  readonly g: Float64Array;
  readonly limits: Float64Array;
  /** Lawson–Hanson's optimality tolerance on a limit's violation (kW). */
  readonly tol: number;
  /** The enforced lines and their limits (for the violation of a schedule). */
  readonly enforced: Int32Array;
  readonly enforcedLimits: Float64Array;
  /** Each agent's distinct column of H, and those columns (enforced lines × columns). */
  private readonly columnOf: Int32Array;
  private readonly columns: number;
  private readonly columnH: Float64Array;
  /** Ĥ by distinct column (rows.length × columns): agents that share a column of H share one of Ĥ. */
  private readonly hcColumns: Float64Array;
  private readonly columnSums: Float64Array;
  private readonly columnShift: Float64Array;
  // Scratch, sized once: one hour's flows, the dual's variables and gradient, the passive-set system.
  readonly flow0: Float64Array;
  readonly hourMean: Float64Array;
  readonly hourFlows: Float64Array;
  readonly hourMu: Float64Array;
  readonly lambda: Float64Array;
  readonly w: Float64Array;
  readonly chol: Float64Array;
  readonly rhs: Float64Array;

  /**
   * `projects: false` keeps only what the violation of a schedule needs (the operator averaging
   * without the network never projects, so it skips Ĥ and G).
   */
  constructor(net: ProjectionNetwork, { projects = true }: { projects?: boolean } = {}) {
    this.net = net;
    const n = net.agents;
    const enforced: number[] = [];
    for (let l = 0; l < net.lines; l++) if (Number.isFinite(net.limitsKw[l]!)) enforced.push(l);
    this.enforced = Int32Array.from(enforced);
    this.enforcedLimits = Float64Array.from(enforced, (l) => net.limitsKw[l]!);
    // Distinct columns of H over the enforced lines (agents at one bus share theirs): the products
    // with H or Ĥ of every iteration run over these columns, not the agents.
    this.columnOf = new Int32Array(n);
    const representatives: number[] = [];
    const byHash = new Map<number, number[]>();
    const E = enforced.length;
    const sameColumn = (a: number, b: number) => {
      for (let e = 0; e < E; e++) if (net.H[enforced[e]! * n + a] !== net.H[enforced[e]! * n + b]) return false;
      return true;
    };
    for (let a = 0; a < n; a++) {
      let hash = 0;
      for (let e = 0; e < E; e++) hash = hash * 31 + net.H[enforced[e]! * n + a]! * (e + 1);
      const bucket = byHash.get(hash) ?? [];
      let c = bucket.find((rep) => sameColumn(representatives[rep]!, a));
      if (c === undefined) {
        c = representatives.length;
        representatives.push(a);
        bucket.push(c);
        byHash.set(hash, bucket);
      }
      this.columnOf[a] = c;
    }
    const C = representatives.length;
    this.columns = C;
    this.columnH = new Float64Array(E * C);
    for (let e = 0; e < E; e++) {
      for (let c = 0; c < C; c++) this.columnH[e * C + c] = net.H[enforced[e]! * n + representatives[c]!]!;
    }
    // Ĥ's rows by column: each enforced line's column values less the row's mean over the agents,
    // skipping lines that no balanced injection moves (their centred row is zero).
    const rows: number[] = [];
    const centred: number[] = [];
    for (let e = 0; projects && e < E; e++) {
      let mean = 0;
      for (let a = 0; a < n; a++) mean += net.H[enforced[e]! * n + a]!;
      mean /= n;
      const row = Array.from({ length: C }, (_, c) => this.columnH[e * C + c]! - mean);
      if (row.every((h) => Math.abs(h) < 1e-15)) continue;
      rows.push(enforced[e]!);
      centred.push(...row);
    }
    this.rows = Int32Array.from(rows);
    const m = rows.length;
    this.hcColumns = Float64Array.from(centred);
    this.g = gram(this.hcColumns, this.columnOf, m, C);
    this.limits = Float64Array.from(rows, (l) => net.limitsKw[l]!);
    this.columnSums = new Float64Array(this.columns);
    this.columnShift = new Float64Array(this.columns);
    this.tol = 1e-10 * Math.max(1, ...this.limits);
    this.flow0 = new Float64Array(m);
    this.hourMean = new Float64Array(1);
    this.hourFlows = new Float64Array(m);
    this.hourMu = new Float64Array(m);
    this.lambda = new Float64Array(2 * m);
    this.w = new Float64Array(2 * m);
    this.chol = new Float64Array(4 * m * m);
    this.rhs = new Float64Array(2 * m);
  }

  /** ν_t = mean_i v_i(t) for every hour; V hour-major (v_i(t) at t·N + i), as all day-wide arrays here. */
  hourMeans(V: ArrayLike<number>, T: number, means: Float64Array): void {
    const n = this.net.agents;
    for (let t = 0; t < T; t++) {
      const base = t * n;
      let sum = 0;
      for (let a = 0; a < n; a++) sum += V[base + a]!;
      means[t] = sum / n;
    }
  }

  /**
   * Ĥv for every hour (row r, hour t at r·T + t), over the distinct columns: the hour's offers are
   * summed per column (agents in ascending order), then each row is a dot product with those sums,
   * so a day costs O(NT + rows·columns·T) instead of O(rows·N·T).
   */
  centredFlows(V: ArrayLike<number>, T: number, flows: Float64Array): void {
    const n = this.net.agents;
    const m = this.rows.length;
    const { columnOf, columns: C, hcColumns } = this;
    const S = this.columnSums;
    for (let t = 0; t < T; t++) {
      S.fill(0);
      const tb = t * n;
      for (let a = 0; a < n; a++) S[columnOf[a]!] = S[columnOf[a]!]! + V[tb + a]!;
      for (let r = 0; r < m; r++) {
        let f = 0;
        for (let c = 0; c < C; c++) f += hcColumns[r * C + c]! * S[c]!;
        flows[r * T + t] = f;
      }
    }
  }

  /**
   * z = Πv − Ĥᵀμ for every hour (μ of row r, hour t at r·T + t): Ĥᵀμ is the same for agents that
   * share a column, so it is summed once per column (rows in ascending order) and subtracted.
   */
  applyMultipliers(V: ArrayLike<number>, T: number, means: Float64Array, mu: Float64Array, Z: Float64Array): void {
    const n = this.net.agents;
    const m = this.rows.length;
    const { columnOf, columns: C, hcColumns } = this;
    const shift = this.columnShift;
    for (let t = 0; t < T; t++) {
      shift.fill(0);
      for (let r = 0; r < m; r++) {
        const mrt = mu[r * T + t]!;
        if (mrt === 0) continue;
        for (let c = 0; c < C; c++) shift[c] = shift[c]! + hcColumns[r * C + c]! * mrt;
      }
      const tb = t * n;
      const mean = means[t]!;
      for (let a = 0; a < n; a++) Z[tb + a] = V[tb + a]! - mean - shift[columnOf[a]!]!;
    }
  }

  /** Flows H x of one hour's injections x (hour-major day array, hour t) on the enforced lines, into `flows`. */
  enforcedFlows(X: ArrayLike<number>, t: number, flows: Float64Array): void {
    const n = this.net.agents;
    const { columnOf, columns: C, columnH } = this;
    const S = this.columnSums;
    S.fill(0);
    for (let a = 0; a < n; a++) S[columnOf[a]!] = S[columnOf[a]!]! + X[t * n + a]!;
    for (let e = 0; e < this.enforced.length; e++) {
      let f = 0;
      for (let c = 0; c < C; c++) f += columnH[e * C + c]! * S[c]!;
      flows[e] = f;
    }
  }

  /**
   * Largest (|H z| − limit)⁺ over enforced lines and hours, kW; Z hour-major. The flows are
   * computed from z itself (not from the dual's Ĥv − Gμ), over the distinct columns of H: agents
   * at one bus share a column, so the day costs O(NT + L·buses·T) instead of O(L·N·T).
   */
  violation(Z: ArrayLike<number>, T = 1): number {
    const n = this.net.agents;
    const { columnOf, columns, columnH, enforcedLimits } = this;
    const E = enforcedLimits.length;
    const C = columns;
    const S = this.columnSums;
    let worst = 0;
    for (let t = 0; t < T; t++) {
      S.fill(0);
      const tb = t * n;
      for (let a = 0; a < n; a++) S[columnOf[a]!] = S[columnOf[a]!]! + Z[tb + a]!;
      for (let e = 0; e < E; e++) {
        let f = 0;
        for (let c = 0; c < C; c++) f += columnH[e * C + c]! * S[c]!;
        worst = Math.max(worst, Math.abs(f) - enforcedLimits[e]!);
      }
    }
    return worst;
  }
}

export class HourProjection {
  readonly shared: NetworkProjection;
  /** Warm start: the passive set (constraint k = 2r for the upper limit of row r, 2r + 1 for the lower). */
  private passive: number[] = [];

  /** One hour's projection; pass the hours' common `NetworkProjection` to share its structure. */
  constructor(network: ProjectionNetwork | NetworkProjection) {
    this.shared = network instanceof NetworkProjection ? network : new NetworkProjection(network);
  }

  /** Projects one hour's v; writes z and μ into `out` when given (else into new arrays). */
  project(v: ArrayLike<number>, out?: ProjectionOutput): ProjectionResult {
    const sh = this.shared;
    const m = sh.rows.length;
    const z = out?.z ?? new Float64Array(sh.net.agents);
    const muLines = out?.mu ?? new Float64Array(sh.net.lines);
    const { hourMean, hourFlows, hourMu } = sh;
    sh.hourMeans(v, 1, hourMean);
    // Unconstrained flows of the balanced point Πv: Ĥv (Ĥ's rows sum to zero, so Ĥv = ĤΠv).
    sh.centredFlows(v, 1, hourFlows);
    const iterations = this.solve(hourFlows, 0, 1, hourMu);
    sh.applyMultipliers(v, 1, hourMean, hourMu, z);
    muLines.fill(0);
    for (let r = 0; r < m; r++) muLines[sh.rows[r]!] = hourMu[r]!;
    return { z, mu: muLines, violationKw: sh.violation(z), iterations };
  }

  /**
   * The signed multipliers μ of hour t from the centred flows Ĥv of all hours (row r, hour t at
   * r·T + t), written at the same places of `mu`; returns the active-set iterations.
   */
  solve(flows: Float64Array, t: number, T: number, mu: Float64Array): number {
    const sh = this.shared;
    const m = sh.rows.length;
    for (let r = 0; r < m; r++) sh.flow0[r] = flows[r * T + t]!;
    const iterations = this.solveDual();
    const lambda = sh.lambda;
    for (let r = 0; r < m; r++) mu[r * T + t] = 0;
    for (let k = 0; k < 2 * m; k++) if (lambda[k]! !== 0) mu[(k >> 1) * T + t]! += (k & 1 ? -1 : 1) * lambda[k]!;
    return iterations;
  }

  /**
   * Lawson–Hanson on min ½λᵀQλ − cᵀλ, λ ≥ 0, with Q_kj = s_k s_j G_{r(k) r(j)} and
   * c_k = s_k f0_{r(k)} − f̄_{r(k)} (s = +1 for upper limits, −1 for lower). The negative gradient
   * w = c − Qλ is each limit's violation at the current multipliers. Leaves λ in the shared buffer.
   */
  private solveDual(): number {
    const sh = this.shared;
    const m = sh.rows.length;
    const K = 2 * m;
    const lambda = sh.lambda;
    lambda.fill(0);
    const tol = sh.tol;

    let passive = this.passive.filter((k) => k < K);
    let iterations = 0;
    // Start from the previous active set: shrink it until the solution on it is positive, so that
    // λ is the exact minimizer on the passive set, as Lawson–Hanson requires.
    while (passive.length > 0) {
      const s = this.solvePassive(passive);
      if (allPositive(s, passive.length)) {
        for (let i = 0; i < passive.length; i++) lambda[passive[i]!] = s[i]!;
        break;
      }
      passive = passive.filter((_, i) => s[i]! > 0);
    }
    for (; iterations < 10 * K + 10; iterations++) {
      const w = this.violations();
      let best = -1;
      let bestW = tol;
      for (let k = 0; k < K; k++) {
        if (lambda[k] === 0 && w[k]! > bestW && !passive.includes(k)) {
          best = k;
          bestW = w[k]!;
        }
      }
      if (best < 0) break;
      passive.push(best);
      // Inner loop: keep every passive multiplier positive, stepping back when one would go negative.
      for (let inner = 0; inner < K + 1; inner++) {
        const s = this.solvePassive(passive);
        if (allPositive(s, passive.length)) {
          for (let i = 0; i < passive.length; i++) lambda[passive[i]!] = s[i]!;
          break;
        }
        let alpha = 1;
        for (let i = 0; i < passive.length; i++) {
          const k = passive[i]!;
          if (s[i]! <= 0) alpha = Math.min(alpha, lambda[k]! / (lambda[k]! - s[i]!));
        }
        for (let i = 0; i < passive.length; i++) {
          const k = passive[i]!;
          lambda[k] = lambda[k]! + alpha * (s[i]! - lambda[k]!);
        }
        passive = passive.filter((k) => {
          if (lambda[k]! <= 1e-15) {
            lambda[k] = 0;
            return false;
          }
          return true;
        });
        if (passive.length === 0) break;
      }
    }
    this.passive = passive;
    return iterations;
  }

  /** c_k − Σ_j Q_kj λ_j for every limit k (the shared buffer w). */
  private violations(): Float64Array {
    const { lambda, w, g, flow0, limits } = this.shared;
    const m = limits.length;
    const K = 2 * m;
    for (let k = 0; k < K; k++) {
      const rk = k >> 1;
      const sk = k & 1 ? -1 : 1;
      let s = sk * flow0[rk]! - limits[rk]!;
      for (let j = 0; j < K; j++) {
        if (lambda[j] === 0) continue;
        s -= sk * (j & 1 ? -1 : 1) * g[rk * m + (j >> 1)]! * lambda[j]!;
      }
      w[k] = s;
    }
    return w;
  }

  /** Solves Q_PP s = c_P by Cholesky (a tiny ridge keeps dependent limits solvable); s is shared scratch. */
  private solvePassive(passive: readonly number[]): Float64Array {
    const { g, flow0, limits, chol: a, rhs: b } = this.shared;
    const m = limits.length;
    const p = passive.length;
    let trace = 0;
    for (let i = 0; i < p; i++) {
      const ki = passive[i]!;
      const si = ki & 1 ? -1 : 1;
      for (let j = 0; j < p; j++) {
        const kj = passive[j]!;
        a[i * p + j] = si * (kj & 1 ? -1 : 1) * g[(ki >> 1) * m + (kj >> 1)]!;
      }
      trace += a[i * p + i]!;
    }
    const ridge = 1e-13 * Math.max(trace / Math.max(p, 1), 1e-30);
    for (let i = 0; i < p; i++) a[i * p + i]! += ridge;
    for (let i = 0; i < p; i++) {
      const k = passive[i]!;
      b[i] = (k & 1 ? -1 : 1) * flow0[k >> 1]! - limits[k >> 1]!;
    }
    for (let j = 0; j < p; j++) {
      let d = a[j * p + j]!;
      for (let k = 0; k < j; k++) d -= a[j * p + k]! ** 2;
      d = Math.sqrt(Math.max(d, ridge));
      a[j * p + j] = d;
      for (let i = j + 1; i < p; i++) {
        let s = a[i * p + j]!;
        for (let k = 0; k < j; k++) s -= a[i * p + k]! * a[j * p + k]!;
        a[i * p + j] = s / d;
      }
    }
    for (let i = 0; i < p; i++) {
      let s = b[i]!;
      for (let k = 0; k < i; k++) s -= a[i * p + k]! * b[k]!;
      b[i] = s / a[i * p + i]!;
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = b[i]!;
      for (let k = i + 1; k < p; k++) s -= a[k * p + i]! * b[k]!;
      b[i] = s / a[i * p + i]!;
    }
    return b;
  }
}

/**
 * G = ĤĤᵀ (m × m) from Ĥ's rows by column, each entry summed over the agents in order (as the
 * rows × agents product did, so the iterates are the same): four columns of G per pass over row r.
 */
function gram(hcColumns: Float64Array, columnOf: Int32Array, m: number, C: number): Float64Array {
  const g = new Float64Array(m * m);
  const n = columnOf.length;
  for (let r = 0; r < m; r++) {
    const br = r * C;
    let s = r;
    for (; s + 4 <= m; s += 4) {
      const b0 = s * C;
      const b1 = b0 + C;
      const b2 = b1 + C;
      const b3 = b2 + C;
      let v0 = 0;
      let v1 = 0;
      let v2 = 0;
      let v3 = 0;
      for (let a = 0; a < n; a++) {
        const c = columnOf[a]!;
        const h = hcColumns[br + c]!;
        v0 += h * hcColumns[b0 + c]!;
        v1 += h * hcColumns[b1 + c]!;
        v2 += h * hcColumns[b2 + c]!;
        v3 += h * hcColumns[b3 + c]!;
      }
      g[r * m + s] = g[s * m + r] = v0;
      g[r * m + s + 1] = g[(s + 1) * m + r] = v1;
      g[r * m + s + 2] = g[(s + 2) * m + r] = v2;
      g[r * m + s + 3] = g[(s + 3) * m + r] = v3;
    }
    for (; s < m; s++) {
      let v = 0;
      for (let a = 0; a < n; a++) v += hcColumns[br + columnOf[a]!]! * hcColumns[s * C + columnOf[a]!]!;
      g[r * m + s] = g[s * m + r] = v;
    }
  }
  return g;
}

function allPositive(s: Float64Array, count: number): boolean {
  for (let i = 0; i < count; i++) if (!(s[i]! > 0)) return false;
  return true;
}
