// A seller with a battery: its subproblem (4-3) couples hours through the state of charge (3-11),
// so it is a QP solved with the OSQP-shaped solver of the qp package. The KKT factorization is
// built once; each ADMM iteration only changes q (the target v) and starts from the previous
// solution's active set (the solver's activeSetStart, ADMM from the warm start if that set no longer
// holds); a change of ρ changes P, which costs a numeric refactorization only.
//
// Variables per hour t: x_t (generation), c_t (charge), d_t (discharge), s_t (SoC at the end of t).
//   minimize Σ_t αx_t² + βx_t + λ(c_t + d_t) + ρ/2 (x_t + d_t − c_t − v_t)²
//   s.t.     s_t − s_{t−1} − η_c c_t + d_t/η_d = s_0·[t = 0]      (3-11)
//            bounds (3-5), (3-6), (3-12)–(3-14); s_T ≥ s_final (3-13)
import { cscFromTriplets, Osqp, type Triplet } from '@gridmarket/qp';
import type { SellerParams } from '../../case/market';
import type { Battery } from '../../case/schema';
import { agentSurplus, marginalCost } from '../../model/welfare';
import { ConsensusAgent } from './agent';

export class BatterySellerAgent extends ConsensusAgent {
  private solver: Osqp | undefined;
  private solverRho = NaN;
  private readonly battery: Battery;
  /** The objective's linear term (rewritten every iteration) and the last solution's hours. */
  private readonly q: Float64Array;
  private readonly x: Float64Array;
  private readonly c: Float64Array;
  private readonly d: Float64Array;
  private readonly s: Float64Array;
  /** OSQP iterations of the last local solve (diagnostics). */
  lastInnerIterations = 0;
  lastPolish = "not_run";

  constructor(
    index: number,
    hours: number,
    protected readonly params: SellerParams,
  ) {
    super(index, hours);
    if (!params.battery) throw new Error(`agent ${index} has no battery`);
    this.battery = params.battery;
    this.q = new Float64Array(4 * hours);
    this.x = new Float64Array(hours);
    this.c = new Float64Array(hours);
    this.d = new Float64Array(hours);
    this.s = new Float64Array(hours);
  }

  private pValues(rho: number): Float64Array {
    const t: Triplet[] = [];
    for (let h = 0; h < this.hours; h++) {
      const x = 4 * h;
      const c = x + 1;
      const d = x + 2;
      t.push({ row: x, col: x, value: 2 * this.params.alpha + rho });
      t.push({ row: c, col: c, value: rho });
      t.push({ row: d, col: d, value: rho });
      t.push({ row: x, col: c, value: -rho });
      t.push({ row: x, col: d, value: rho });
      t.push({ row: c, col: d, value: -rho });
    }
    return cscFromTriplets(4 * this.hours, 4 * this.hours, t).values;
  }

  private setup(rho: number): Osqp {
    const T = this.hours;
    const n = 4 * T;
    const b = this.battery;
    const pv = this.pValues(rho);
    const pattern = cscFromTriplets(
      n,
      n,
      Array.from({ length: T }, (_, h) => {
        const x = 4 * h;
        return [
          [x, x],
          [x + 1, x + 1],
          [x + 2, x + 2],
          [x, x + 1],
          [x, x + 2],
          [x + 1, x + 2],
        ].map(([row, col]) => ({ row: row!, col: col!, value: 1 }));
      }).flat(),
    );
    const P = { ...pattern, values: pv };
    const rows: Triplet[] = [];
    const l: number[] = [];
    const u: number[] = [];
    for (let h = 0; h < T; h++) {
      const row = l.length;
      rows.push({ row, col: 4 * h + 3, value: 1 });
      if (h > 0) rows.push({ row, col: 4 * (h - 1) + 3, value: -1 });
      rows.push({ row, col: 4 * h + 1, value: -b.etaCharge });
      rows.push({ row, col: 4 * h + 2, value: 1 / b.etaDischarge });
      l.push(h === 0 ? b.socInitKwh : 0);
      u.push(h === 0 ? b.socInitKwh : 0);
    }
    for (let h = 0; h < T; h++) {
      const bounds: [number, number][] = [
        [this.params.xLowerKw[h]!, this.params.xUpperKw[h]!],
        [0, b.chargeMaxKw],
        [0, b.dischargeMaxKw],
        [h === T - 1 ? Math.max(b.socMinKwh, b.socFinalMinKwh) : b.socMinKwh, b.capacityKwh],
      ];
      bounds.forEach(([lo, hi], k) => {
        rows.push({ row: l.length, col: 4 * h + k, value: 1 });
        l.push(lo);
        u.push(hi);
      });
    }
    const A = cscFromTriplets(l.length, n, rows);
    return new Osqp(
      { P, q: new Float64Array(n), A, l, u },
      { epsAbs: 1e-4, epsRel: 1e-4, polish: true, maxIter: 20000, adaptiveRho: true, checkTermination: 5, activeSetStart: true },
    );
  }

  protected solveLocal(v: Float64Array, rho: number, p: Float64Array): number {
    if (!this.solver) {
      this.solver = this.setup(rho);
      this.solverRho = rho;
    } else if (rho !== this.solverRho) {
      this.solver.updateMatrices({ Pvalues: this.pValues(rho) });
      this.solverRho = rho;
    }
    const T = this.hours;
    const lambda = this.params.storagePenaltyUsdPerKwh;
    const q = this.q;
    for (let h = 0; h < T; h++) {
      q[4 * h] = this.params.beta - rho * v[h]!;
      q[4 * h + 1] = lambda + rho * v[h]!;
      q[4 * h + 2] = lambda - rho * v[h]!;
    }
    this.solver.update({ q });
    // The last active set, or coarse ADMM plus polishing, is exact when the active set is right
    // (nearly always, as consecutive targets are close); otherwise finish the solve to a tight tolerance.
    let r = this.solver.solve();
    if (r.info.polish !== 'success') r = this.solver.solve({ epsAbs: 1e-9, epsRel: 1e-9, polish: false });
    this.lastInnerIterations = r.info.iterations;
    this.lastPolish = r.info.polish;
    if (r.info.status !== 'solved' && r.info.status !== 'solved_inaccurate') {
      throw new Error(`battery agent ${this.index}: local QP ended with ${r.info.status}`);
    }
    const { x, c, d, s } = this;
    for (let h = 0; h < T; h++) {
      x[h] = r.x[4 * h]!;
      c[h] = r.x[4 * h + 1]!;
      d[h] = r.x[4 * h + 2]!;
      s[h] = r.x[4 * h + 3]!;
      p[h] = x[h]! + d[h]! - c[h]!;
    }
    return agentSurplus(this.params, { netKw: p, generationKw: x, chargeKw: c, dischargeKw: d, socKwh: s });
  }

  protected dispatch() {
    const { x, c, d, s } = this;
    return {
      netKw: Array.from(x, (xt, h) => xt + d[h]! - c[h]!),
      generationKw: Array.from(x),
      chargeKw: Array.from(c),
      dischargeKw: Array.from(d),
      socKwh: Array.from(s),
    };
  }

  protected override marginalCosts(): number[] {
    return Array.from(this.x, (xt) => marginalCost(this.params, xt));
  }
}
