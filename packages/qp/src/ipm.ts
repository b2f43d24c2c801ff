// A primal-dual interior-point method for separable convex programs
//   minimize  Σ_j φ_j(x_j)   subject to  A x = b,  lo ≤ x ≤ hi,
// where each φ_j is convex and twice differentiable on the box (quadratics, −ω·log(1 + x), …).
// Inequality rows become equalities with bounded slack variables in the caller. Each iteration
// factors the quasi-definite system
//   [ H + Σ + ε I   Aᵀ  ] [dx]   [ −∇f − Aᵀy + μ/(x − lo) − μ/(hi − x) ]
//   [ A            −δ I ] [dy] = [ b − A x                               ]
// (H = diag ∇²f, Σ = z_lo/(x − lo) + z_hi/(hi − x)) numerically only: the ordering and symbolic
// analysis are done once for the pattern. Mehrotra's predictor-corrector picks the centering.
import { type CscMatrix, matTVec, matVec, normInf } from './csc';
import { QuasiDefiniteSystem } from './linsys';
import { FactorizationError, QpDataError } from './errors';

/** Value, gradient and Hessian diagonal of a separable objective at x (gradient/Hessian overwritten). */
export type SeparableObjective = (x: Float64Array, grad: Float64Array, hess: Float64Array) => number;

export interface IpmProblem {
  objective: SeparableObjective;
  /** m × n equality constraints A x = b. */
  A: CscMatrix;
  b: ArrayLike<number>;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
}

export interface IpmSettings {
  /** Stop when the scaled primal and dual residuals and the average complementarity are below this. */
  tolerance: number;
  /** Tolerance of the primal infeasibility (Farkas) certificate, relative to its normalization. */
  infeasibilityTolerance: number;
  maxIter: number;
  /** Fraction of the way to the boundary a step may go. */
  stepToBoundary: number;
  /** Primal and dual regularization of the KKT matrix. */
  regularization: number;
}

export const DEFAULT_IPM_SETTINGS: Readonly<IpmSettings> = Object.freeze({
  tolerance: 1e-10,
  infeasibilityTolerance: 1e-8,
  maxIter: 200,
  stepToBoundary: 0.995,
  regularization: 1e-8,
});

/** An outcome, not an error: 'infeasible' comes with a certificate (see IpmResult.certificate). */
export type IpmStatus = 'solved' | 'infeasible' | 'max_iter_reached' | 'numerical_error';

/**
 * A Farkas certificate of primal infeasibility, normalized so that max(‖y‖∞, ‖z_lo‖∞, ‖z_hi‖∞) = 1:
 * Aᵀy − z_lo + z_hi = r ≈ 0 with z_lo, z_hi ≥ 0 and margin = loᵀz_lo − hiᵀz_hi − bᵀy > 0. For any x
 * in the box, yᵀAx = (z_lo − z_hi + r)ᵀx ≥ loᵀz_lo − hiᵀz_hi + rᵀx, so Ax = b would need
 * bᵀy ≥ bᵀy + margin + rᵀx: impossible while margin exceeds the largest |rᵀx| over the box, which is
 * checked. Rows with y ≠ 0 and bounds with z ≠ 0 are the constraints in conflict.
 */
export interface InfeasibilityCertificate {
  y: Float64Array;
  zLower: Float64Array;
  zUpper: Float64Array;
  /** loᵀz_lo − hiᵀz_hi − bᵀy (positive). */
  margin: number;
  /** max over the box of |(Aᵀy − z_lo + z_hi)ᵀx|: what the margin must exceed. */
  slack: number;
}

export interface IpmResult {
  status: IpmStatus;
  x: Float64Array;
  /** Multipliers of A x = b in the convention ∇f + Aᵀy − z_lo + z_hi = 0. */
  y: Float64Array;
  zLower: Float64Array;
  zUpper: Float64Array;
  objective: number;
  iterations: number;
  primalResidual: number;
  dualResidual: number;
  /** Average complementarity (x − lo)·z_lo, (hi − x)·z_hi at the end. */
  complementarity: number;
  /** Set when status is 'infeasible'. */
  certificate?: InfeasibilityCertificate;
  solveTimeMs: number;
}

export function solveIpm(problem: IpmProblem, options: Partial<IpmSettings> = {}): IpmResult {
  const t0 = performance.now();
  const s = { ...DEFAULT_IPM_SETTINGS, ...options };
  const A = problem.A;
  const n = A.n;
  const m = A.m;
  const lo = Float64Array.from(problem.lower);
  const hi = Float64Array.from(problem.upper);
  const b = Float64Array.from(problem.b);
  if (lo.length !== n || hi.length !== n) throw new QpDataError('bounds', `need ${n} lower and upper bounds`);
  if (b.length !== m) throw new QpDataError('b', `has ${b.length} entries, expected ${m}`);
  for (let j = 0; j < n; j++) {
    if (Number.isNaN(lo[j]!) || Number.isNaN(hi[j]!)) throw new QpDataError(`bounds[${j}]`, 'is NaN');
    if (lo[j]! > hi[j]!) throw new QpDataError(`lower[${j}]`, `is greater than upper[${j}] (${lo[j]} > ${hi[j]})`);
  }
  const hasLo = Uint8Array.from(lo, (v) => (Number.isFinite(v) ? 1 : 0));
  const hasHi = Uint8Array.from(hi, (v) => (Number.isFinite(v) ? 1 : 0));
  // Variables fixed by their bounds are kept as bounded ones with a tiny interior.
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    if (hasLo[j] && hasHi[j]) x[j] = lo[j]! + 0.5 * (hi[j]! - lo[j]!);
    else if (hasLo[j]) x[j] = lo[j]! + 1;
    else if (hasHi[j]) x[j] = hi[j]! - 1;
  }
  for (let j = 0; j < n; j++) {
    if (hasLo[j] && hasHi[j] && hi[j]! - lo[j]! < 1e-12) {
      lo[j] = lo[j]! - 1e-9;
      hi[j] = hi[j]! + 1e-9;
      x[j] = 0.5 * (lo[j]! + hi[j]!);
    }
  }
  // Distances to the bounds are kept as their own variables: x − lo computed by subtraction loses
  // all its digits when x sits 1e-17 above a bound of order one.
  const sl = new Float64Array(n);
  const su = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    if (hasLo[j]) sl[j] = x[j]! - lo[j]!;
    if (hasHi[j]) su[j] = hi[j]! - x[j]!;
  }
  const y = new Float64Array(m);
  const zl = new Float64Array(n);
  const zu = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    if (hasLo[j]) zl[j] = 1 / Math.max(sl[j]!, 1e-8);
    if (hasHi[j]) zu[j] = 1 / Math.max(su[j]!, 1e-8);
  }

  // KKT pattern: diagonal of the x-block, A below it (as Aᵀ columns in the upper triangle), −δ I.
  const kktCols = new Int32Array(n + m + 1);
  const kktRows: number[] = [];
  const diagIdx = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    diagIdx[j] = kktRows.length;
    kktRows.push(j);
    kktCols[j + 1] = kktRows.length;
  }
  const at = transposeIndices(A);
  const aValueIdx = new Int32Array(A.colPtr[n]!);
  const regIdx = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    for (let p = at.start[i]!; p < at.start[i + 1]!; p++) {
      aValueIdx[at.valueIndex[p]!] = kktRows.length;
      kktRows.push(at.col[p]!);
    }
    regIdx[i] = kktRows.length;
    kktRows.push(n + i);
    kktCols[n + i + 1] = kktRows.length;
  }
  const kktValues = new Float64Array(kktRows.length);
  for (let p = 0; p < A.colPtr[n]!; p++) kktValues[aValueIdx[p]!] = A.values[p]!;
  for (let i = 0; i < m; i++) kktValues[regIdx[i]!] = -s.regularization;
  for (let j = 0; j < n; j++) kktValues[diagIdx[j]!] = 1;
  let system: QuasiDefiniteSystem;
  try {
    system = new QuasiDefiniteSystem({ m: n + m, n: n + m, colPtr: kktCols, rowIdx: Int32Array.from(kktRows), values: kktValues });
  } catch (err) {
    if (err instanceof FactorizationError) throw new QpDataError('A', `KKT system cannot be factored: ${err.message}`);
    throw err;
  }

  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const aty = new Float64Array(n);
  const ax = new Float64Array(m);
  const rhs = new Float64Array(n + m);
  const dx = new Float64Array(n);
  const dy = new Float64Array(m);
  const dzl = new Float64Array(n);
  const dzu = new Float64Array(n);
  const boundCount = hasLo.reduce((a, v) => a + v, 0) + hasHi.reduce((a, v) => a + v, 0);
  const bNorm = normInf(b);

  let status: IpmStatus = 'max_iter_reached';
  let certificate: InfeasibilityCertificate | undefined;
  let iter = 0;
  let objective = problem.objective(x, grad, hess);
  let primalRes = Infinity;
  let dualRes = Infinity;
  let mu = 0;

  const complementarity = () => {
    let c = 0;
    for (let j = 0; j < n; j++) {
      if (hasLo[j]) c += sl[j]! * zl[j]!;
      if (hasHi[j]) c += su[j]! * zu[j]!;
    }
    return boundCount > 0 ? c / boundCount : 0;
  };

  // Solves the Newton system for a given complementarity target; cl/cu are the extra
  // (corrector) terms subtracted from the complementarity products.
  const direction = (target: number, cl: Float64Array | null, cu: Float64Array | null) => {
    for (let j = 0; j < n; j++) {
      let r = -grad[j]! - aty[j]!;
      if (hasLo[j]) r += (target - (cl ? cl[j]! : 0)) / sl[j]!;
      if (hasHi[j]) r -= (target - (cu ? cu[j]! : 0)) / su[j]!;
      rhs[j] = r;
    }
    for (let i = 0; i < m; i++) rhs[n + i] = b[i]! - ax[i]!;
    system.solve(rhs);
    for (let j = 0; j < n; j++) dx[j] = rhs[j]!;
    for (let i = 0; i < m; i++) dy[i] = rhs[n + i]!;
    for (let j = 0; j < n; j++) {
      if (hasLo[j]) dzl[j] = (target - (cl ? cl[j]! : 0) - zl[j]! * dx[j]!) / sl[j]! - zl[j]!;
      if (hasHi[j]) dzu[j] = (target - (cu ? cu[j]! : 0) + zu[j]! * dx[j]!) / su[j]! - zu[j]!;
    }
  };

  const stepLengths = (): [number, number] => {
    let ap = 1;
    let ad = 1;
    for (let j = 0; j < n; j++) {
      if (hasLo[j] && dx[j]! < 0) ap = Math.min(ap, -sl[j]! / dx[j]!);
      if (hasHi[j] && dx[j]! > 0) ap = Math.min(ap, su[j]! / dx[j]!);
      if (hasLo[j] && dzl[j]! < 0) ad = Math.min(ad, -zl[j]! / dzl[j]!);
      if (hasHi[j] && dzu[j]! < 0) ad = Math.min(ad, -zu[j]! / dzu[j]!);
    }
    return [ap, ad];
  };

  for (iter = 0; iter < s.maxIter; iter++) {
    objective = problem.objective(x, grad, hess);
    matTVec(A, y, aty);
    matVec(A, x, ax);
    primalRes = 0;
    for (let i = 0; i < m; i++) primalRes = Math.max(primalRes, Math.abs(ax[i]! - b[i]!));
    dualRes = 0;
    for (let j = 0; j < n; j++) dualRes = Math.max(dualRes, Math.abs(grad[j]! + aty[j]! - zl[j]! + zu[j]!));
    mu = complementarity();
    const scale = 1 + Math.max(normInf(grad), normInf(aty));
    if (primalRes <= s.tolerance * (1 + bNorm) && dualRes <= s.tolerance * scale && mu <= s.tolerance) {
      status = 'solved';
      break;
    }
    // On an infeasible problem the primal residual cannot vanish and the multipliers grow without
    // bound along a Farkas ray; once they dwarf the objective's gradient, test the normalized ray.
    if (primalRes > s.tolerance * (1 + bNorm)) {
      const cert = farkas(A, b, lo, hi, hasLo, hasHi, y, zl, zu, normInf(grad), s.infeasibilityTolerance);
      if (cert) {
        certificate = cert;
        status = 'infeasible';
        break;
      }
    }

    // Near the end the barrier terms span many orders of magnitude; if a pivot cancels, retry
    // with stronger regularization (it perturbs the step, not the optimality conditions).
    let factored = false;
    for (let attempt = 0, reg = s.regularization; attempt < 4 && !factored; attempt++, reg *= 100) {
      for (let j = 0; j < n; j++) {
        let sg = 0;
        if (hasLo[j]) sg += zl[j]! / sl[j]!;
        if (hasHi[j]) sg += zu[j]! / su[j]!;
        kktValues[diagIdx[j]!] = hess[j]! + sg + reg;
      }
      for (let i = 0; i < m; i++) kktValues[regIdx[i]!] = -reg;
      try {
        system.factor(kktValues);
        factored = true;
      } catch {
        // try again with more regularization
      }
    }
    if (!factored) {
      status = 'numerical_error';
      break;
    }

    // Predictor (affine scaling) step, then Mehrotra's centering and second-order correction.
    direction(0, null, null);
    const [apAff, adAff] = stepLengths();
    let muAff = 0;
    for (let j = 0; j < n; j++) {
      if (hasLo[j]) muAff += (sl[j]! + apAff * dx[j]!) * (zl[j]! + adAff * dzl[j]!);
      if (hasHi[j]) muAff += (su[j]! - apAff * dx[j]!) * (zu[j]! + adAff * dzu[j]!);
    }
    muAff = boundCount > 0 ? muAff / boundCount : 0;
    const centering = mu > 0 ? Math.min(1, (muAff / mu) ** 3) : 0;
    const cl = new Float64Array(n);
    const cu = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      if (hasLo[j]) cl[j] = dx[j]! * dzl[j]!;
      if (hasHi[j]) cu[j] = -dx[j]! * dzu[j]!;
    }
    direction(centering * mu, cl, cu);
    let [ap, ad] = stepLengths();
    ap = Math.min(1, s.stepToBoundary * ap);
    ad = Math.min(1, s.stepToBoundary * ad);
    for (let j = 0; j < n; j++) {
      x[j] = x[j]! + ap * dx[j]!;
      if (hasLo[j]) sl[j] = Math.max(sl[j]! + ap * dx[j]!, 1e-300);
      if (hasHi[j]) su[j] = Math.max(su[j]! - ap * dx[j]!, 1e-300);
      if (hasLo[j]) zl[j] = Math.max(zl[j]! + ad * dzl[j]!, 1e-300);
      if (hasHi[j]) zu[j] = Math.max(zu[j]! + ad * dzu[j]!, 1e-300);
    }
    for (let i = 0; i < m; i++) y[i] = y[i]! + ad * dy[i]!;
  }

  system.dispose();
  return {
    status,
    x,
    y,
    zLower: zl,
    zUpper: zu,
    objective,
    iterations: iter,
    primalResidual: primalRes,
    dualResidual: dualRes,
    complementarity: mu,
    ...(certificate ? { certificate } : {}),
    solveTimeMs: performance.now() - t0,
  };
}

/** Multipliers must exceed the objective's gradient by this factor before their ray is tested. */
const FARKAS_MIN_GROWTH = 1e4;

/** The normalized multipliers as a Farkas certificate of Ax = b, lo ≤ x ≤ hi, or undefined. */
function farkas(
  A: CscMatrix,
  b: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  hasLo: Uint8Array,
  hasHi: Uint8Array,
  y: Float64Array,
  zl: Float64Array,
  zu: Float64Array,
  gradNorm: number,
  tol: number,
): InfeasibilityCertificate | undefined {
  const size = Math.max(normInf(y), normInf(zl), normInf(zu));
  if (!(size > FARKAS_MIN_GROWTH * (1 + gradNorm))) return undefined;
  const n = A.n;
  const cy = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) cy[i] = y[i]! / size;
  const czl = new Float64Array(n);
  const czu = new Float64Array(n);
  let margin = 0;
  for (let i = 0; i < y.length; i++) margin -= b[i]! * cy[i]!;
  for (let j = 0; j < n; j++) {
    if (hasLo[j]) {
      czl[j] = zl[j]! / size;
      margin += lo[j]! * czl[j]!;
    }
    if (hasHi[j]) {
      czu[j] = zu[j]! / size;
      margin -= hi[j]! * czu[j]!;
    }
  }
  if (!(margin > tol)) return undefined;
  const r = matTVec(A, cy, new Float64Array(n));
  let slack = 0;
  for (let j = 0; j < n; j++) {
    const rj = Math.abs(r[j]! - czl[j]! + czu[j]!);
    if (!hasLo[j] || !hasHi[j]) {
      // An unbounded direction: the ray must cancel exactly (to round-off) there.
      if (rj > tol) return undefined;
      continue;
    }
    slack += rj * Math.max(Math.abs(lo[j]!), Math.abs(hi[j]!));
  }
  if (!(margin > slack + tol)) return undefined;
  return { y: cy, zLower: czl, zUpper: czu, margin, slack };
}

/** Row-wise access to a CSC matrix: for row i, the columns and the value indices of its entries. */
function transposeIndices(a: CscMatrix) {
  const start = new Int32Array(a.m + 1);
  for (let p = 0; p < a.colPtr[a.n]!; p++) start[a.rowIdx[p]! + 1]!++;
  for (let i = 0; i < a.m; i++) start[i + 1]! += start[i]!;
  const next = start.slice(0, a.m);
  const col = new Int32Array(a.colPtr[a.n]!);
  const valueIndex = new Int32Array(a.colPtr[a.n]!);
  for (let j = 0; j < a.n; j++) {
    for (let p = a.colPtr[j]!; p < a.colPtr[j + 1]!; p++) {
      const q = next[a.rowIdx[p]!]!++;
      col[q] = j;
      valueIndex[q] = p;
    }
  }
  return { start, col, valueIndex };
}
