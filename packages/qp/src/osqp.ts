// The OSQP algorithm (Stellato, Banjac, Goulart, Bemporad, Boyd, "OSQP: an operator splitting
// solver for quadratic programs", Math. Prog. Comp. 2020): ADMM on
//   minimize ½xᵀPx + qᵀx  s.t.  l ≤ Ax ≤ u
// with one cached LDLᵀ factorization of the quasi-definite KKT matrix
//   [P + σI   Aᵀ     ]
//   [A        −diag(ρ)⁻¹]
// Ruiz equilibration, adaptive ρ (numeric refactorization only), over-relaxation, infeasibility
// certificates, solution polishing, warm starts, and updates of q, l, u without refactoring.
import { type CscMatrix, cscCopy, dot, isUpperTriangular, matTVec, matVec, normInf, symUpperMatVec } from './csc';
import { QuasiDefiniteSystem } from './linsys';
import { DEFAULT_SETTINGS, INFINITY_BOUND, RHO_EQUALITY_FACTOR, RHO_MAX, RHO_MIN, type Settings } from './settings';
import { FactorizationError, NonConvexError, QpDataError } from './errors';
import type { PolishStatus, QpProblem, Result, Status } from './types';
import { ruizScale, type Scaling } from './scaling';
import { buildKkt, type Kkt } from './kkt';

const now = () => performance.now();

function toArray(name: string, v: ArrayLike<number>, len: number, allowInfinite: boolean): Float64Array {
  if (v.length !== len) throw new QpDataError(name, `has ${v.length} entries, expected ${len}`);
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const x = v[i]!;
    if (Number.isNaN(x) || (!allowInfinite && !Number.isFinite(x))) throw new QpDataError(`${name}[${i}]`, `is ${x}`);
    out[i] = x >= INFINITY_BOUND ? Infinity : x <= -INFINITY_BOUND ? -Infinity : x;
  }
  return out;
}

function checkMatrix(name: string, a: CscMatrix, m: number, n: number): void {
  if (a.m !== m || a.n !== n) throw new QpDataError(name, `is ${a.m} × ${a.n}, expected ${m} × ${n}`);
  for (let p = 0; p < a.colPtr[n]!; p++) {
    if (!Number.isFinite(a.values[p]!)) throw new QpDataError(name, `has a non-finite entry (${a.values[p]})`);
  }
}

export class Osqp {
  readonly n: number;
  readonly m: number;
  readonly settings: Settings;
  private readonly scaling: Scaling;
  /** Scaled data. */
  private readonly P: CscMatrix;
  private readonly A: CscMatrix;
  private readonly q: Float64Array;
  private readonly l: Float64Array;
  private readonly u: Float64Array;
  private readonly kkt: Kkt;
  private readonly rhoVec: Float64Array;
  /** 1/ρ per row, kept beside ρ so that the iteration multiplies instead of dividing. */
  private readonly rhoInv: Float64Array;
  private rho: number;
  /** Unscaling factors as multipliers: 1/E (rows) and 1/(c·D) (columns). */
  private readonly Einv: Float64Array;
  private readonly cDinv: Float64Array;
  /** ‖q̄‖∞ and ‖q‖∞ (scaled, unscaled): the dual tolerance needs them at every check. */
  private qNormScaled = 0;
  private qNorm = 0;
  /** Every vector the iteration, the residuals and the certificates need, allocated once. */
  private readonly work: Workspace;
  private rhoUpdates = 0;
  /** Scaled iterates (kept between solves for warm starts). */
  private readonly x: Float64Array;
  private readonly z: Float64Array;
  private readonly y: Float64Array;
  private readonly setupTimeMs: number;
  /** The equality-constrained solves' system (polishing, the active-set start), factored for the last active set. */
  private equality: EqualitySystem | undefined;
  /** The active set of the last solution taken from an equality-constrained solve: where the next active-set start begins. */
  private lastActive: { active: number[]; atUpper: boolean[] } | undefined;

  constructor(problem: QpProblem, settings: Partial<Settings> = {}) {
    const t0 = now();
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
    const s = this.settings;
    if (!(s.rho > 0) || !(s.sigma > 0)) throw new QpDataError('settings', 'rho and sigma must be positive');
    if (!(s.polishDelta > 0)) throw new QpDataError('settings.polishDelta', 'must be positive (it regularizes the polishing system)');
    if (!(s.alpha > 0 && s.alpha < 2)) throw new QpDataError('settings.alpha', 'must lie in (0, 2)');
    const n = problem.P.n;
    const m = problem.A.m;
    this.n = n;
    this.m = m;
    checkMatrix('P', problem.P, n, n);
    if (!isUpperTriangular(problem.P)) throw new QpDataError('P', 'must be given as its upper triangle');
    checkMatrix('A', problem.A, m, n);
    const q = toArray('q', problem.q, n, false);
    const l = toArray('l', problem.l, m, true);
    const u = toArray('u', problem.u, m, true);
    for (let i = 0; i < m; i++) {
      if (l[i]! > u[i]!) throw new QpDataError(`l[${i}]`, `is greater than u[${i}] (${l[i]} > ${u[i]})`);
    }

    this.P = cscCopy(problem.P);
    this.A = cscCopy(problem.A);
    this.scaling = ruizScale(this.P, this.A, q, s.scalingIter);
    this.q = q;
    for (let j = 0; j < n; j++) this.q[j] = this.q[j]! * this.scaling.D[j]! * this.scaling.c;
    this.l = l;
    this.u = u;
    for (let i = 0; i < m; i++) {
      this.l[i] = this.l[i]! * this.scaling.E[i]!;
      this.u[i] = this.u[i]! * this.scaling.E[i]!;
    }

    this.Einv = new Float64Array(m);
    for (let i = 0; i < m; i++) this.Einv[i] = 1 / this.scaling.E[i]!;
    this.cDinv = new Float64Array(n);
    for (let j = 0; j < n; j++) this.cDinv[j] = 1 / (this.scaling.c * this.scaling.D[j]!);
    this.cacheQNorms();
    this.work = new Workspace(n, m);
    this.rho = s.rho;
    this.rhoVec = new Float64Array(m);
    this.rhoInv = new Float64Array(m);
    this.fillRhoVec();
    try {
      this.kkt = buildKkt(this.P, this.A, s.sigma, this.rhoVec);
    } catch (err) {
      if (err instanceof FactorizationError) throw new NonConvexError(`KKT factorization failed: ${err.message}`);
      throw err;
    }
    this.checkConvex();
    this.x = new Float64Array(n);
    this.z = new Float64Array(m);
    this.y = new Float64Array(m);
    this.setupTimeMs = now() - t0;
  }

  /** Replaces q, l or u (same dimensions); no refactorization. */
  update(data: { q?: ArrayLike<number>; l?: ArrayLike<number>; u?: ArrayLike<number> }): void {
    const { D, E, c } = this.scaling;
    if (data.q) {
      const q = toArray('q', data.q, this.n, false);
      for (let j = 0; j < this.n; j++) this.q[j] = q[j]! * D[j]! * c;
      this.cacheQNorms();
    }
    if (data.l || data.u) {
      const l = data.l ? toArray('l', data.l, this.m, true) : null;
      const u = data.u ? toArray('u', data.u, this.m, true) : null;
      for (let i = 0; i < this.m; i++) {
        const li = l ? l[i]! * E[i]! : this.l[i]!;
        const ui = u ? u[i]! * E[i]! : this.u[i]!;
        if (li > ui) throw new QpDataError(`l[${i}]`, `is greater than u[${i}]`);
        this.l[i] = li;
        this.u[i] = ui;
      }
      // Equality rows may have appeared or vanished: ρ per row follows, which needs a refactor.
      const before = this.rhoVec.slice();
      this.fillRhoVec();
      if (before.some((v, i) => v !== this.rhoVec[i])) this.refactor();
    }
  }

  /** Replaces the values of P (upper triangle) and/or A, keeping their sparsity patterns. */
  updateMatrices(data: { Pvalues?: ArrayLike<number>; Avalues?: ArrayLike<number> }): void {
    const { D, E, c } = this.scaling;
    if (data.Pvalues) {
      const v = toArray('P.values', data.Pvalues, this.P.values.length, false);
      for (let j = 0; j < this.n; j++) {
        for (let p = this.P.colPtr[j]!; p < this.P.colPtr[j + 1]!; p++) {
          this.P.values[p] = c * D[this.P.rowIdx[p]!]! * v[p]! * D[j]!;
        }
      }
    }
    if (data.Avalues) {
      const v = toArray('A.values', data.Avalues, this.A.values.length, false);
      for (let j = 0; j < this.n; j++) {
        for (let p = this.A.colPtr[j]!; p < this.A.colPtr[j + 1]!; p++) {
          this.A.values[p] = E[this.A.rowIdx[p]!]! * v[p]! * D[j]!;
        }
      }
    }
    this.kkt.setMatrices(this.P, this.A);
    this.refactor();
    this.checkConvex();
    if (this.equality) this.equality.factored = false;
  }

  /**
   * Releases the solver's factorization memory (WebAssembly) to a pool that the next solver's
   * setup takes from, which is much cheaper than fresh memory. Optional; the solver must not be
   * used afterwards.
   */
  dispose(): void {
    this.equality?.kkt.system.dispose();
    this.equality = undefined;
    this.kkt.system.dispose();
  }

  /** Starting point of the next solve (unscaled). z is set to Ax. */
  warmStart(start: { x?: ArrayLike<number>; y?: ArrayLike<number> }): void {
    const { D, E, c } = this.scaling;
    if (start.x) {
      const x = toArray('x', start.x, this.n, false);
      for (let j = 0; j < this.n; j++) this.x[j] = x[j]! / D[j]!;
      matVec(this.A, this.x, this.z);
    }
    if (start.y) {
      const y = toArray('y', start.y, this.m, false);
      for (let i = 0; i < this.m; i++) this.y[i] = (y[i]! * c) / E[i]!;
    }
  }

  /** Runs ADMM from the current iterates; `overrides` tighten or loosen tolerances for this solve. */
  solve(overrides: Partial<Pick<Settings, 'epsAbs' | 'epsRel' | 'maxIter' | 'polish'>> = {}): Result {
    const t0 = now();
    const saved = this.settings;
    const s: Settings = { ...saved, ...overrides };
    (this as { settings: Settings }).settings = s;
    try {
      return this.run(s, t0);
    } finally {
      (this as { settings: Settings }).settings = saved;
    }
  }

  private run(s: Settings, t0: number): Result {
    const { n, m, q, l, u, rhoVec, rhoInv, work } = this;
    const x = this.x;
    const z = this.z;
    const y = this.y;
    if (!s.warmStart) {
      x.fill(0);
      z.fill(0);
      y.fill(0);
    }
    const { xPrev, yPrev } = work;
    const res = work.res;
    res.primal = Infinity;
    res.dual = Infinity;
    const sigma = s.sigma;
    const alpha = s.alpha;
    const beta = 1 - alpha;
    const every = s.checkTermination > 0 ? s.checkTermination : Infinity;
    let status: Status = 'max_iter_reached';
    let iter = 0;
    if (s.warmStart && s.polish && s.activeSetStart && this.activeSetSolution(res)) {
      return this.result('solved', 0, 'success', this.unscaleX(x), this.unscaleY(y), {}, res, t0);
    }

    for (iter = 1; iter <= s.maxIter; iter++) {
      const check = iter % every === 0 || iter === s.maxIter;
      const adapt = s.adaptiveRho && iter % s.adaptiveRhoInterval === 0;
      // The certificates are the last step's differences: keep the previous iterate only then.
      if (check) {
        xPrev.set(x);
        yPrev.set(y);
      }
      // The right-hand side goes straight into the factor's work vector in pivot order, and the
      // solution is read back from there: no permutation passes.
      const system = this.kkt.system;
      const w = system.work;
      const pinv = system.pinv;
      for (let j = 0; j < n; j++) w[pinv[j]!] = sigma * x[j]! - q[j]!;
      for (let i = 0; i < m; i++) w[pinv[n + i]!] = z[i]! - y[i]! * rhoInv[i]!;
      system.solveWork();
      for (let j = 0; j < n; j++) x[j] = alpha * w[pinv[j]!]! + beta * x[j]!;
      for (let i = 0; i < m; i++) {
        const zi = z[i]!;
        const yi = y[i]!;
        const ri = rhoInv[i]!;
        const zRelax = alpha * (zi + (w[pinv[n + i]!]! - yi) * ri) + beta * zi;
        const v = zRelax + yi * ri;
        const zNew = v < l[i]! ? l[i]! : v > u[i]! ? u[i]! : v;
        z[i] = zNew;
        y[i] = yi + rhoVec[i]! * (zRelax - zNew);
      }
      if (!check && !adapt) continue;
      this.residuals(x, z, y, res);
      if (check) {
        if (res.primal <= res.epsPrimal && res.dual <= res.epsDual) {
          status = 'solved';
          break;
        }
        if (this.primalInfeasible(y, yPrev)) {
          status = 'primal_infeasible';
          break;
        }
        if (this.dualInfeasible(x, xPrev)) {
          status = 'dual_infeasible';
          break;
        }
      }
      if (adapt) this.adaptRho(res);
    }
    if (iter > s.maxIter) iter = s.maxIter;

    if (status === 'max_iter_reached' && res.primal <= 10 * res.epsPrimal && res.dual <= 10 * res.epsDual) status = 'solved_inaccurate';

    let polish: PolishStatus = 'not_run';
    let outX: Float64Array;
    let outY: Float64Array;
    const result: Partial<Pick<Result, 'primalInfeasibilityCertificate' | 'dualInfeasibilityCertificate'>> = {};
    if (status === 'primal_infeasible') {
      const dy = new Float64Array(m);
      for (let i = 0; i < m; i++) dy[i] = y[i]! - yPrev[i]!;
      outX = new Float64Array(n).fill(NaN);
      outY = this.unscaleY(dy);
      result.primalInfeasibilityCertificate = outY;
    } else if (status === 'dual_infeasible') {
      const dx = new Float64Array(n);
      for (let j = 0; j < n; j++) dx[j] = x[j]! - xPrev[j]!;
      outX = this.unscaleX(dx);
      outY = new Float64Array(m).fill(NaN);
      result.dualInfeasibilityCertificate = outX;
    } else {
      if (s.polish && (status === 'solved' || status === 'solved_inaccurate')) {
        polish = this.polish(res);
      }
      outX = this.unscaleX(x);
      outY = this.unscaleY(y);
    }
    return this.result(status, iter, polish, outX, outY, result, res, t0);
  }

  private result(
    status: Status,
    iterations: number,
    polish: PolishStatus,
    x: Float64Array,
    y: Float64Array,
    certificates: Partial<Pick<Result, 'primalInfeasibilityCertificate' | 'dualInfeasibilityCertificate'>>,
    res: Residuals,
    t0: number,
  ): Result {
    const objective = status === 'primal_infeasible' || status === 'dual_infeasible' ? NaN : this.objectiveOf(x);
    return {
      x,
      y,
      ...certificates,
      info: {
        status,
        iterations,
        objective,
        primalResidual: res.primal,
        dualResidual: res.dual,
        rho: this.rho,
        rhoUpdates: this.rhoUpdates,
        polish,
        setupTimeMs: this.setupTimeMs,
        solveTimeMs: now() - t0,
      },
    };
  }

  // ----------------------------------------------------------------------------- internals

  private fillRhoVec(): void {
    for (let i = 0; i < this.m; i++) {
      const li = this.l[i]!;
      const ui = this.u[i]!;
      if (li === -Infinity && ui === Infinity) this.rhoVec[i] = RHO_MIN;
      else if (ui - li < 1e-4) this.rhoVec[i] = RHO_EQUALITY_FACTOR * this.rho;
      else this.rhoVec[i] = this.rho;
      this.rhoInv[i] = 1 / this.rhoVec[i]!;
    }
  }

  private cacheQNorms(): void {
    let scaled = 0;
    let unscaled = 0;
    for (let j = 0; j < this.n; j++) {
      const v = Math.abs(this.q[j]!);
      if (v > scaled) scaled = v;
      if (v * this.cDinv[j]! > unscaled) unscaled = v * this.cDinv[j]!;
    }
    this.qNormScaled = scaled;
    this.qNorm = unscaled;
  }

  private refactor(): void {
    this.kkt.setRho(this.rhoVec);
    try {
      this.kkt.factor();
    } catch (err) {
      if (err instanceof FactorizationError) throw new NonConvexError(`KKT factorization failed: ${err.message}`);
      throw err;
    }
  }

  /** A convex problem has a KKT matrix with n positive and m negative pivots. */
  private checkConvex(): void {
    if (this.kkt.system.positivePivots !== this.n) {
      throw new NonConvexError('P is not positive semidefinite (the KKT matrix has the wrong inertia)');
    }
  }

  private adaptRho(res: Residuals): void {
    const num = res.scaledPrimal / Math.max(res.scaledAx, res.scaledZ, 1e-30);
    const den = res.scaledDual / Math.max(res.scaledPx, res.scaledATy, res.scaledQ, 1e-30);
    if (!(num > 0) || !(den > 0)) return;
    const suggested = Math.min(Math.max(this.rho * Math.sqrt(num / den), RHO_MIN), RHO_MAX);
    const tol = this.settings.adaptiveRhoTolerance;
    if (suggested > tol * this.rho || suggested < this.rho / tol) {
      this.rho = suggested;
      this.fillRhoVec();
      this.refactor();
      this.rhoUpdates++;
    }
  }

  /** Residuals and tolerances (unscaled, OSQP §3.4) and the scaled norms that adaptive ρ uses. */
  private residuals(x: Float64Array, z: Float64Array, y: Float64Array, r: Residuals): void {
    const { Einv, cDinv } = this;
    const { epsAbs, epsRel } = this.settings;
    const ax = matVec(this.A, x, r.ax);
    const px = symUpperMatVec(this.P, x, r.px);
    const aty = matTVec(this.A, y, r.aty);
    const q = this.q;
    let prim = 0;
    let sprim = 0;
    let axn = 0;
    let zn = 0;
    let sax = 0;
    let sz = 0;
    for (let i = 0; i < this.m; i++) {
      const a = ax[i]!;
      const zi = z[i]!;
      const e = Einv[i]!;
      const d = Math.abs(a - zi);
      const aa = Math.abs(a);
      const za = Math.abs(zi);
      if (d > sprim) sprim = d;
      if (aa > sax) sax = aa;
      if (za > sz) sz = za;
      if (d * e > prim) prim = d * e;
      if (aa * e > axn) axn = aa * e;
      if (za * e > zn) zn = za * e;
    }
    let dual = 0;
    let sdual = 0;
    let pxn = 0;
    let atyn = 0;
    let spx = 0;
    let saty = 0;
    for (let j = 0; j < this.n; j++) {
      const p = px[j]!;
      const t = aty[j]!;
      const k = cDinv[j]!;
      const g = Math.abs(p + q[j]! + t);
      const pa = Math.abs(p);
      const ta = Math.abs(t);
      if (g > sdual) sdual = g;
      if (pa > spx) spx = pa;
      if (ta > saty) saty = ta;
      if (g * k > dual) dual = g * k;
      if (pa * k > pxn) pxn = pa * k;
      if (ta * k > atyn) atyn = ta * k;
    }
    r.primal = prim;
    r.dual = dual;
    r.epsPrimal = epsAbs + epsRel * Math.max(axn, zn);
    r.epsDual = epsAbs + epsRel * Math.max(pxn, atyn, this.qNorm);
    r.scaledPrimal = sprim;
    r.scaledDual = sdual;
    r.scaledAx = sax;
    r.scaledZ = sz;
    r.scaledPx = spx;
    r.scaledATy = saty;
    r.scaledQ = this.qNormScaled;
  }

  /**
   * δy certifies primal infeasibility (OSQP §3.4): with δy = y^k − y^{k−1} (unscaled E δȳ / c,
   * normalized), ‖Aᵀδy‖∞ ≤ ε_pinf and uᵀ(δy)₊ + lᵀ(δy)₋ < −ε_pinf. Then no x satisfies
   * l ≤ Ax ≤ u: for any such x, δyᵀAx ≤ uᵀ(δy)₊ + lᵀ(δy)₋ < 0, while δyᵀAx = (Aᵀδy)ᵀx ≈ 0.
   */
  private primalInfeasible(y: Float64Array, yPrev: Float64Array): boolean {
    const { E, D } = this.scaling;
    const { Einv } = this;
    const eps = this.settings.epsPrimInf;
    const dy = this.work.dy;
    // Unscaled up to the common factor 1/c, which the normalization removes.
    let norm = 0;
    for (let i = 0; i < this.m; i++) {
      const v = (y[i]! - yPrev[i]!) * E[i]!;
      dy[i] = v;
      if (Math.abs(v) > norm) norm = Math.abs(v);
    }
    if (norm <= eps) return false;
    const inv = 1 / norm;
    let support = 0;
    for (let i = 0; i < this.m; i++) {
      const d = dy[i]! * inv;
      if (d === 0) continue;
      const bound = d > 0 ? this.u[i]! * Einv[i]! : this.l[i]! * Einv[i]!;
      if (!Number.isFinite(bound)) {
        if (Math.abs(d) > eps) return false;
        continue;
      }
      support += bound * d;
    }
    if (!(support < -eps)) return false;
    // Aᵀδy in unscaled terms: D⁻¹ Āᵀ E⁻¹ (E δȳ) = D⁻¹ Āᵀ δȳ.
    const raw = this.work.dyScaled;
    for (let i = 0; i < this.m; i++) raw[i] = (y[i]! - yPrev[i]!) * inv;
    const aty = matTVec(this.A, raw, this.work.atdy);
    for (let j = 0; j < this.n; j++) if (Math.abs(aty[j]! / D[j]!) > eps) return false;
    return true;
  }

  /**
   * δx certifies dual infeasibility (unboundedness): with δx = x^k − x^{k−1} (unscaled D δx̄,
   * normalized), ‖Pδx‖∞ ≤ ε_dinf, qᵀδx < −ε_dinf and Aδx in the recession cone of [l, u]
   * (zero on rows bounded both ways, of the right sign on rows bounded one way).
   */
  private dualInfeasible(x: Float64Array, xPrev: Float64Array): boolean {
    const { D, c } = this.scaling;
    const { Einv, cDinv } = this;
    const eps = this.settings.epsDualInf;
    const dxs = this.work.dx;
    let norm = 0;
    for (let j = 0; j < this.n; j++) {
      const v = x[j]! - xPrev[j]!;
      dxs[j] = v;
      if (Math.abs(v * D[j]!) > norm) norm = Math.abs(v * D[j]!);
    }
    if (norm <= eps) return false;
    const inv = 1 / norm;
    for (let j = 0; j < this.n; j++) dxs[j] = dxs[j]! * inv;
    if (!(dot(this.q, dxs) / c < -eps)) return false;
    const pdx = symUpperMatVec(this.P, dxs, this.work.pdx);
    for (let j = 0; j < this.n; j++) if (Math.abs(pdx[j]! * cDinv[j]!) > eps) return false;
    const adx = matVec(this.A, dxs, this.work.adx);
    for (let i = 0; i < this.m; i++) {
      const v = adx[i]! * Einv[i]!;
      const lo = this.l[i]! === -Infinity;
      const hi = this.u[i]! === Infinity;
      if (lo && hi) continue;
      if (!lo && !hi && Math.abs(v) > eps) return false;
      if (hi && !lo && v < -eps) return false;
      if (lo && !hi && v > eps) return false;
    }
    return true;
  }

  private unscaleX(xs: Float64Array): Float64Array {
    const out = new Float64Array(this.n);
    for (let j = 0; j < this.n; j++) out[j] = xs[j]! * this.scaling.D[j]!;
    return out;
  }

  private unscaleY(ys: Float64Array): Float64Array {
    const out = new Float64Array(this.m);
    for (let i = 0; i < this.m; i++) out[i] = (ys[i]! * this.scaling.E[i]!) / this.scaling.c;
    return out;
  }

  /** ½x̄ᵀP̄x̄ + q̄ᵀx̄ of a scaled iterate. */
  private scaledObjective(xs: Float64Array): number {
    const px = symUpperMatVec(this.P, xs, new Float64Array(this.n));
    return 0.5 * dot(xs, px) + dot(this.q, xs);
  }

  private objectiveOf(x: Float64Array): number {
    // Evaluate in scaled space: ½x̄ᵀP̄x̄ + q̄ᵀx̄ = c (½xᵀPx + qᵀx).
    const xs = new Float64Array(this.n);
    for (let j = 0; j < this.n; j++) xs[j] = x[j]! / this.scaling.D[j]!;
    const px = symUpperMatVec(this.P, xs, new Float64Array(this.n));
    return (0.5 * dot(xs, px) + dot(this.q, xs)) / this.scaling.c;
  }

  /** The constraints the iterate (z, y) holds at a bound, and which bound (OSQP §5.2). */
  private activeSet(): { active: number[]; atUpper: boolean[] } {
    const { m, z, y, l, u } = this;
    const active: number[] = [];
    const atUpper: boolean[] = [];
    for (let i = 0; i < m; i++) {
      if (z[i]! - l[i]! < -y[i]!) {
        active.push(i);
        atUpper.push(false);
      } else if (u[i]! - z[i]! < y[i]!) {
        active.push(i);
        atUpper.push(true);
      }
    }
    return { active, atUpper };
  }

  /**
   * The solution of the equality-constrained QP with the `active` rows at their bounds, from a
   * regularized KKT system with iterative refinement against the unregularized one; undefined if
   * the system cannot be factored. The system keeps the full pattern of K for every active set:
   *   [P + δI  Āᵀ] [x]   [−q]        Ā = A with the inactive rows' values zeroed,
   *   [Ā      −D ] [y] = [ b ]       D_i = δ on active rows (b_i its bound), 1 on inactive ones (b_i = 0),
   * so an inactive row is decoupled and its y_i is 0 exactly, and the active rows are the reduced
   * system [P + δI, A_Sᵀ; A_S, −δI] under the elimination order of K restricted to them (zeros add
   * no fill and change no pivot). A new active set rewrites values and refactors numerically: no
   * ordering, no symbolic analysis, no allocation. Consecutive solves often share the active set,
   * and then the factor is reused as it is.
   */
  private equalityConstrained(active: readonly number[], atUpper: readonly boolean[]): { x: Float64Array; z: Float64Array; y: Float64Array; res: Residuals } | undefined {
    const { n, m, l, u } = this;
    const k = active.length;
    // A bound made infinite by `update` since the set was chosen: no equality to hold the row at.
    for (let r = 0; r < k; r++) if (!Number.isFinite(atUpper[r] ? u[active[r]!]! : l[active[r]!]!)) return undefined;
    let eq: EqualitySystem;
    try {
      eq = this.equality ??= this.equalitySystem();
      if (!eq.factored || !eq.holds(active, atUpper)) eq.factor(this.P, this.A, this.settings.polishDelta, active, atUpper);
    } catch (err) {
      if (err instanceof FactorizationError) return undefined;
      throw err;
    }
    const sys: QuasiDefiniteSystem = eq.kkt.system;
    const masked = eq.masked;
    const w = this.work.polish;
    const b = w.b;
    for (let j = 0; j < n; j++) b[j] = -this.q[j]!;
    b.fill(0, n);
    for (let r = 0; r < k; r++) b[n + active[r]!] = atUpper[r] ? u[active[r]!]! : l[active[r]!]!;
    const sol = w.sol;
    sol.set(b);
    sys.solve(sol);
    // Iterative refinement against the unregularized matrix [P Āᵀ; Ā 0] (inactive rows: 0 = 0).
    const kx = w.kx;
    const aty = w.aty;
    const ky = w.ky;
    const r = w.r;
    for (let it = 0; it < this.settings.polishRefineIter; it++) {
      const xs = sol.subarray(0, n);
      const ys = sol.subarray(n);
      symUpperMatVec(this.P, xs, kx);
      aty.fill(0);
      matTVec(masked, ys, aty);
      matVec(masked, xs, ky);
      for (let j = 0; j < n; j++) r[j] = b[j]! - kx[j]! - aty[j]!;
      for (let i = 0; i < m; i++) r[n + i] = b[n + i]! - ky[i]!;
      sys.solve(r);
      for (let t = 0; t < n + m; t++) sol[t] = sol[t]! + r[t]!;
    }
    const x = w.x;
    x.set(sol.subarray(0, n));
    const y = w.y;
    y.set(sol.subarray(n));
    const z = matVec(this.A, x, w.z);
    for (let i = 0; i < m; i++) z[i] = Math.min(Math.max(z[i]!, l[i]!), u[i]!);
    this.residuals(x, z, y, w.res);
    return { x, z, y, res: w.res };
  }

  /** The equality-constrained system of `equalityConstrained`, built on the first call: K's pattern and elimination order. */
  private equalitySystem(): EqualitySystem {
    const masked: CscMatrix = { ...this.A, values: new Float64Array(this.A.values.length) };
    const rowRho = new Float64Array(this.m).fill(1);
    return new EqualitySystem(this.m, masked, rowRho, buildKkt(this.P, masked, this.settings.polishDelta, rowRho, this.kkt.system.perm));
  }

  /**
   * Polishing (OSQP §5.2): guess the active constraints from y, solve the equality-constrained
   * QP on them, and keep the result when it is at least as accurate, primal feasible, and no worse
   * in objective.
   */
  private polish(admm: Residuals): PolishStatus {
    const { active, atUpper } = this.activeSet();
    const p = this.equalityConstrained(active, atUpper);
    if (!p) return 'unsuccessful';
    // A wrong active-set guess still gives a stationary, feasible point, only a worse one (its
    // multipliers have wrong signs, but so may the non-unique multipliers of a degenerate optimum):
    // the objective tells them apart. The polished point may not be worse than the ADMM iterate
    // beyond what the ADMM tolerances allow.
    const objAdmm = this.scaledObjective(this.x);
    const objPol = this.scaledObjective(p.x);
    const slack = 10 * (this.settings.epsAbs + this.settings.epsRel * Math.abs(objAdmm));
    if (!(objPol <= objAdmm + slack)) return 'unsuccessful';
    const scoreAdmm = Math.max(admm.primal / admm.epsPrimal, admm.dual / admm.epsDual);
    const scorePol = Math.max(p.res.primal / p.res.epsPrimal, p.res.dual / p.res.epsDual);
    if (!(scorePol <= scoreAdmm)) return 'unsuccessful';
    this.take(p, active, atUpper, admm);
    return 'success';
  }

  /** Makes an equality-constrained solution the iterate, its residuals `res`, its active set the next start's. */
  private take(p: { x: Float64Array; z: Float64Array; y: Float64Array; res: Residuals }, active: number[], atUpper: boolean[], res: Residuals): void {
    this.x.set(p.x);
    this.z.set(p.z);
    this.y.set(p.y);
    this.lastActive = { active, atUpper };
    res.primal = p.res.primal;
    res.dual = p.res.dual;
    res.epsPrimal = p.res.epsPrimal;
    res.epsDual = p.res.epsDual;
  }

  /**
   * The active-set start (settings.activeSetStart): the equality-constrained solution on the
   * starting point's active set, kept only if it is optimal within the tolerances. The KKT
   * conditions of a convex QP: primal residual (the inactive rows within their bounds) and dual
   * residual (stationarity) within ε, and each active row's multiplier of its bound's sign (y ≤ 0
   * at a lower bound, y ≥ 0 at an upper one; rows with l = u take either). Sets the iterate and
   * `res` and returns true when it holds; leaves both untouched otherwise.
   */
  private activeSetSolution(res: Residuals): boolean {
    if (!this.lastActive) return false;
    let { active, atUpper } = this.lastActive;
    const { l, u, m } = this;
    const { E, c } = this.scaling;
    for (let step = 0; step < ACTIVE_SET_STEPS; step++) {
      const p = this.equalityConstrained(active, atUpper);
      if (!p || !(p.res.dual <= p.res.epsDual)) return false;
      // Scaling multiplies y by positive factors: signs are the same scaled or not. A multiplier of
      // the wrong sign within the dual tolerance is a degenerate bound, not a wrong one.
      const tol = p.res.epsDual;
      const keep: number[] = [];
      const keepUpper: boolean[] = [];
      for (let r = 0; r < active.length; r++) {
        const i = active[r]!;
        const yi = (p.y[i]! * E[i]!) / c;
        if (l[i] !== u[i] && (atUpper[r] ? yi < -tol : yi > tol)) continue;
        keep.push(i);
        keepUpper.push(atUpper[r]!);
      }
      const primalOk = p.res.primal <= p.res.epsPrimal;
      if (primalOk && keep.length === active.length) {
        this.take(p, active, atUpper, res);
        return true;
      }
      // A step of a primal-dual active-set method: leave the bounds whose multipliers have the wrong
      // sign, take on the rows the solution violates.
      if (!primalOk) {
        const ax = p.res.ax;
        const inSet = new Uint8Array(m);
        for (const i of keep) inSet[i] = 1;
        for (let i = 0; i < m; i++) {
          if (inSet[i]) continue;
          if (ax[i]! < l[i]!) {
            keep.push(i);
            keepUpper.push(false);
          } else if (ax[i]! > u[i]!) {
            keep.push(i);
            keepUpper.push(true);
          }
        }
        const order = keep.map((i, r) => [i, keepUpper[r]!] as const).sort((x, y) => x[0] - y[0]);
        active = order.map(([i]) => i);
        atUpper = order.map(([, up]) => up);
      } else {
        active = keep;
        atUpper = keepUpper;
      }
    }
    return false;
  }
}

/**
 * The system of the equality-constrained solves and the active set it was last factored for, as a
 * state per row (0 inactive, 1 at the lower bound, 2 at the upper one).
 */
class EqualitySystem {
  private readonly state: Uint8Array;
  /** Rows in the set (the state's non-zero entries). */
  private count = 0;
  factored = false;
  constructor(
    m: number,
    readonly masked: CscMatrix,
    private readonly rowRho: Float64Array,
    readonly kkt: Kkt,
  ) {
    this.state = new Uint8Array(m);
  }

  /** Whether the system was set for exactly this active set: the same rows at the same bounds. */
  holds(active: readonly number[], atUpper: readonly boolean[]): boolean {
    if (active.length !== this.count) return false;
    for (let r = 0; r < active.length; r++) if (this.state[active[r]!] !== (atUpper[r] ? 2 : 1)) return false;
    return true;
  }

  /** Factors the system for this active set: Ā and D rewritten, then a numeric refactorization. */
  factor(P: CscMatrix, A: CscMatrix, delta: number, active: readonly number[], atUpper: readonly boolean[]): void {
    this.state.fill(0);
    for (let r = 0; r < active.length; r++) this.state[active[r]!] = atUpper[r] ? 2 : 1;
    this.count = active.length;
    this.factored = false; // until the factor of this set exists
    for (let p = 0; p < A.values.length; p++) this.masked.values[p] = this.state[A.rowIdx[p]!] ? A.values[p]! : 0;
    for (let i = 0; i < this.state.length; i++) this.rowRho[i] = this.state[i] ? 1 / delta : 1;
    this.kkt.setMatrices(P, this.masked);
    this.kkt.setRho(this.rowRho);
    this.kkt.factor();
    this.factored = true;
  }
}

/** Active-set steps the active-set start takes before it leaves the solve to ADMM. */
const ACTIVE_SET_STEPS = 4;

class Residuals {
  primal = Infinity;
  dual = Infinity;
  epsPrimal = 0;
  epsDual = 0;
  scaledPrimal = 0;
  scaledDual = 0;
  scaledAx = 0;
  scaledZ = 0;
  scaledPx = 0;
  scaledATy = 0;
  scaledQ = 0;
  readonly ax: Float64Array;
  readonly px: Float64Array;
  readonly aty: Float64Array;
  constructor(n: number, m: number) {
    this.ax = new Float64Array(m);
    this.px = new Float64Array(n);
    this.aty = new Float64Array(n);
  }
}

/** Vectors of the iteration, allocated once per solver. */
class Workspace {
  readonly xPrev: Float64Array;
  readonly yPrev: Float64Array;
  readonly res: Residuals;
  readonly dx: Float64Array;
  readonly pdx: Float64Array;
  readonly adx: Float64Array;
  readonly dy: Float64Array;
  readonly dyScaled: Float64Array;
  readonly atdy: Float64Array;
  /** The equality-constrained solves' vectors (polishing, the active-set start). */
  readonly polish: { b: Float64Array; sol: Float64Array; r: Float64Array; kx: Float64Array; aty: Float64Array; ky: Float64Array; x: Float64Array; y: Float64Array; z: Float64Array; res: Residuals };
  constructor(n: number, m: number) {
    this.xPrev = new Float64Array(n);
    this.yPrev = new Float64Array(m);
    this.res = new Residuals(n, m);
    this.dx = new Float64Array(n);
    this.pdx = new Float64Array(n);
    this.adx = new Float64Array(m);
    this.dy = new Float64Array(m);
    this.dyScaled = new Float64Array(m);
    this.atdy = new Float64Array(n);
    this.polish = {
      b: new Float64Array(n + m),
      sol: new Float64Array(n + m),
      r: new Float64Array(n + m),
      kx: new Float64Array(n),
      aty: new Float64Array(n),
      ky: new Float64Array(m),
      x: new Float64Array(n),
      y: new Float64Array(m),
      z: new Float64Array(m),
      res: new Residuals(n, m),
    };
  }
}
