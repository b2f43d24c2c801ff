// The network operator's projection (4-6) for one hour:
//   z = argmin ½‖z − v‖²  s.t.  Σ_i z_i = 0,  −f̄_ℓ ≤ (H z)_ℓ ≤ f̄_ℓ
// solved exactly through its dual. With Π = I − 11ᵀ/N (the balance projection) and Ĥ = HΠ (PTDF
// rows with their mean removed), the optimum is z = Πv − Ĥᵀμ where μ_ℓ is the signed multiplier of
// line ℓ, and the flows are f(μ) = Ĥv − Gμ with G = ĤĤᵀ. Splitting μ into λ⁺ (upper limits) and λ⁻
// (lower limits) ≥ 0 gives a non-negatively constrained QP in 2L variables, solved by the
// Lawson–Hanson active-set method: finite, exact up to round-off, and warm-started from the
// previous ADMM iteration's active set. G is computed once per network.

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

export class HourProjection {
  /** Indices of the enforced lines with a non-zero centred PTDF row. */
  private readonly rows: number[];
  /** Centred PTDF rows Ĥ (rows.length × agents). */
  private readonly hc: Float64Array;
  /** G = ĤĤᵀ over the enforced rows. */
  private readonly g: Float64Array;
  private readonly limits: Float64Array;
  /** Warm start: the passive set (constraint k = 2r for the upper limit of row r, 2r + 1 for the lower). */
  private passive: number[] = [];

  constructor(private readonly net: ProjectionNetwork) {
    const n = net.agents;
    const rows: number[] = [];
    const centred: number[][] = [];
    for (let l = 0; l < net.lines; l++) {
      if (!Number.isFinite(net.limitsKw[l]!)) continue;
      let mean = 0;
      for (let a = 0; a < n; a++) mean += net.H[l * n + a]!;
      mean /= n;
      const row = Array.from({ length: n }, (_, a) => net.H[l * n + a]! - mean);
      if (row.every((v) => Math.abs(v) < 1e-15)) continue; // no balanced injection moves this line
      rows.push(l);
      centred.push(row);
    }
    this.rows = rows;
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
  }

  project(v: ArrayLike<number>): ProjectionResult {
    const n = this.net.agents;
    const m = this.rows.length;
    let mean = 0;
    for (let a = 0; a < n; a++) mean += v[a]!;
    mean /= n;
    // Unconstrained flows of the balanced point Πv: Ĥv (Ĥ's rows sum to zero, so Ĥv = ĤΠv).
    const flow0 = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      let f = 0;
      for (let a = 0; a < n; a++) f += this.hc[r * n + a]! * v[a]!;
      flow0[r] = f;
    }
    const { lambda, iterations } = this.solveDual(flow0);
    const mu = new Float64Array(m);
    for (let k = 0; k < 2 * m; k++) if (lambda[k]! !== 0) mu[k >> 1]! += (k & 1 ? -1 : 1) * lambda[k]!;
    const z = new Float64Array(n);
    for (let a = 0; a < n; a++) {
      let s = v[a]! - mean;
      for (let r = 0; r < m; r++) if (mu[r] !== 0) s -= this.hc[r * n + a]! * mu[r]!;
      z[a] = s;
    }
    const muLines = new Float64Array(this.net.lines);
    this.rows.forEach((l, r) => {
      muLines[l] = mu[r]!;
    });
    return { z, mu: muLines, violationKw: this.violation(z), iterations };
  }

  /** Largest (|H z| − limit)⁺ over enforced lines. */
  violation(z: ArrayLike<number>): number {
    const n = this.net.agents;
    let worst = 0;
    for (let l = 0; l < this.net.lines; l++) {
      const lim = this.net.limitsKw[l]!;
      if (!Number.isFinite(lim)) continue;
      let f = 0;
      for (let a = 0; a < n; a++) f += this.net.H[l * n + a]! * z[a]!;
      worst = Math.max(worst, Math.abs(f) - lim);
    }
    return worst;
  }

  /**
   * Lawson–Hanson on min ½λᵀQλ − cᵀλ, λ ≥ 0, with Q_kj = s_k s_j G_{r(k) r(j)} and
   * c_k = s_k f0_{r(k)} − f̄_{r(k)} (s = +1 for upper limits, −1 for lower). The negative gradient
   * w = c − Qλ is each limit's violation at the current multipliers.
   */
  private solveDual(flow0: Float64Array): { lambda: Float64Array; iterations: number } {
    const m = this.rows.length;
    const K = 2 * m;
    const lambda = new Float64Array(K);
    const row = (k: number) => k >> 1;
    const sign = (k: number) => (k & 1 ? -1 : 1);
    const c = (k: number) => sign(k) * flow0[row(k)]! - this.limits[row(k)]!;
    const q = (i: number, j: number) => sign(i) * sign(j) * this.g[row(i) * m + row(j)]!;
    const tol = 1e-10 * Math.max(1, ...this.limits);
    const violations = () => {
      const w = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        let s = c(k);
        for (let j = 0; j < K; j++) if (lambda[j] !== 0) s -= q(k, j) * lambda[j]!;
        w[k] = s;
      }
      return w;
    };

    let passive = this.passive.filter((k) => k < K);
    let iterations = 0;
    // Start from the previous active set: shrink it until the solution on it is positive, so that
    // λ is the exact minimizer on the passive set, as Lawson–Hanson requires.
    while (passive.length > 0) {
      const s = this.solvePassive(passive, c, q);
      if (s.every((v) => v > 0)) {
        passive.forEach((k, i) => {
          lambda[k] = s[i]!;
        });
        break;
      }
      passive = passive.filter((_, i) => s[i]! > 0);
    }
    for (; iterations < 10 * K + 10; iterations++) {
      const w = violations();
      let best = -1;
      let bestW = tol;
      for (let k = 0; k < K; k++) {
        if (lambda[k] === 0 && !passive.includes(k) && w[k]! > bestW) {
          best = k;
          bestW = w[k]!;
        }
      }
      if (best < 0) break;
      passive.push(best);
      // Inner loop: keep every passive multiplier positive, stepping back when one would go negative.
      for (let inner = 0; inner < K + 1; inner++) {
        const s = this.solvePassive(passive, c, q);
        if (s.every((v) => v > 0)) {
          passive.forEach((k, i) => {
            lambda[k] = s[i]!;
          });
          break;
        }
        let alpha = 1;
        passive.forEach((k, i) => {
          if (s[i]! <= 0) alpha = Math.min(alpha, lambda[k]! / (lambda[k]! - s[i]!));
        });
        passive.forEach((k, i) => {
          lambda[k] = lambda[k]! + alpha * (s[i]! - lambda[k]!);
        });
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
    return { lambda, iterations };
  }

  /** Solves Q_PP s = c_P by Cholesky (a tiny ridge keeps dependent limits solvable). */
  private solvePassive(passive: number[], c: (k: number) => number, q: (i: number, j: number) => number): Float64Array {
    const p = passive.length;
    const a = new Float64Array(p * p);
    let trace = 0;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) a[i * p + j] = q(passive[i]!, passive[j]!);
      trace += a[i * p + i]!;
    }
    const ridge = 1e-13 * Math.max(trace / Math.max(p, 1), 1e-30);
    for (let i = 0; i < p; i++) a[i * p + i]! += ridge;
    const b = Float64Array.from(passive, (k) => c(k));
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
