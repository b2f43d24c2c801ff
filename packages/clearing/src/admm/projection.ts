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
// `HourProjection` adds only its hour's warm start. Hours are projected one after another, so they
// also share the scratch buffers: a projection allocates nothing.

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
  /** Centred PTDF rows Ĥ (rows.length × agents). */
  readonly hc: Float64Array;
  /** G = ĤĤᵀ over the enforced rows. */
  readonly g: Float64Array;
  readonly limits: Float64Array;
  /** Lawson–Hanson's optimality tolerance on a limit's violation (kW). */
  readonly tol: number;
  /** The enforced lines and their limits (for the violation of a schedule). */
  private readonly enforced: Int32Array;
  private readonly enforcedLimits: Float64Array;
  // Scratch, sized once: flows, multipliers, the dual's gradient and the passive-set system.
  readonly flow0: Float64Array;
  readonly muRows: Float64Array;
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
    const rows: number[] = [];
    const centred: Float64Array[] = [];
    const enforced: number[] = [];
    for (let l = 0; l < net.lines; l++) {
      if (!Number.isFinite(net.limitsKw[l]!)) continue;
      enforced.push(l);
      if (!projects) continue;
      let mean = 0;
      for (let a = 0; a < n; a++) mean += net.H[l * n + a]!;
      mean /= n;
      const row = new Float64Array(n);
      let zero = true;
      for (let a = 0; a < n; a++) {
        row[a] = net.H[l * n + a]! - mean;
        if (Math.abs(row[a]!) >= 1e-15) zero = false;
      }
      if (zero) continue; // no balanced injection moves this line
      rows.push(l);
      centred.push(row);
    }
    this.rows = Int32Array.from(rows);
    this.enforced = Int32Array.from(enforced);
    this.enforcedLimits = Float64Array.from(enforced, (l) => net.limitsKw[l]!);
    const m = rows.length;
    this.hc = new Float64Array(m * n);
    centred.forEach((row, r) => this.hc.set(row, r * n));
    this.g = new Float64Array(m * m);
    for (let r = 0; r < m; r++) {
      for (let s = r; s < m; s++) {
        let v = 0;
        for (let a = 0; a < n; a++) v += this.hc[r * n + a]! * this.hc[s * n + a]!;
        this.g[r * m + s] = v;
        this.g[s * m + r] = v;
      }
    }
    this.limits = Float64Array.from(rows, (l) => net.limitsKw[l]!);
    this.tol = 1e-10 * Math.max(1, ...this.limits);
    this.flow0 = new Float64Array(m);
    this.muRows = new Float64Array(m);
    this.lambda = new Float64Array(2 * m);
    this.w = new Float64Array(2 * m);
    this.chol = new Float64Array(4 * m * m);
    this.rhs = new Float64Array(2 * m);
  }

  /** Largest (|H z| − limit)⁺ over enforced lines, kW. */
  violation(z: ArrayLike<number>): number {
    const { H, agents: n } = this.net;
    let worst = 0;
    for (let e = 0; e < this.enforced.length; e++) {
      const base = this.enforced[e]! * n;
      let f = 0;
      for (let a = 0; a < n; a++) f += H[base + a]! * z[a]!;
      worst = Math.max(worst, Math.abs(f) - this.enforcedLimits[e]!);
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

  /** Projects v; writes z and μ into `out` when given (else into new arrays). */
  project(v: ArrayLike<number>, out?: ProjectionOutput): ProjectionResult {
    const sh = this.shared;
    const n = sh.net.agents;
    const m = sh.rows.length;
    const { hc, flow0, muRows: mu } = sh;
    const z = out?.z ?? new Float64Array(n);
    const muLines = out?.mu ?? new Float64Array(sh.net.lines);
    let mean = 0;
    for (let a = 0; a < n; a++) mean += v[a]!;
    mean /= n;
    // Unconstrained flows of the balanced point Πv: Ĥv (Ĥ's rows sum to zero, so Ĥv = ĤΠv).
    for (let r = 0; r < m; r++) {
      const base = r * n;
      let f = 0;
      for (let a = 0; a < n; a++) f += hc[base + a]! * v[a]!;
      flow0[r] = f;
    }
    const iterations = this.solveDual();
    const lambda = sh.lambda;
    mu.fill(0);
    for (let k = 0; k < 2 * m; k++) if (lambda[k]! !== 0) mu[k >> 1]! += (k & 1 ? -1 : 1) * lambda[k]!;
    // z = Πv − Ĥᵀμ over the binding rows, row by row (each z_a sees the rows in ascending order).
    for (let a = 0; a < n; a++) z[a] = v[a]! - mean;
    for (let r = 0; r < m; r++) {
      const mr = mu[r]!;
      if (mr === 0) continue;
      const base = r * n;
      for (let a = 0; a < n; a++) z[a] = z[a]! - hc[base + a]! * mr;
    }
    muLines.fill(0);
    for (let r = 0; r < m; r++) muLines[sh.rows[r]!] = mu[r]!;
    return { z, mu: muLines, violationKw: sh.violation(z), iterations };
  }

  /** Largest (|H z| − limit)⁺ over enforced lines. */
  violation(z: ArrayLike<number>): number {
    return this.shared.violation(z);
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

function allPositive(s: Float64Array, count: number): boolean {
  for (let i = 0; i < count; i++) if (!(s[i]! > 0)) return false;
  return true;
}
