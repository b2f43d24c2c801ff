// Solver settings and their defaults, one line each (names follow OSQP's).

export interface Settings {
  /** Initial ADMM step size ρ. */
  rho: number;
  /** Regularization σ of the x-block of the KKT matrix (keeps it quasi-definite when P is singular). */
  sigma: number;
  /** Over-relaxation α ∈ (0, 2). */
  alpha: number;
  /** Maximum ADMM iterations. */
  maxIter: number;
  /** Absolute tolerance of the primal and dual residuals. */
  epsAbs: number;
  /** Relative tolerance of the primal and dual residuals. */
  epsRel: number;
  /** Tolerance of the primal infeasibility certificate. */
  epsPrimInf: number;
  /** Tolerance of the dual infeasibility certificate. */
  epsDualInf: number;
  /** Ruiz equilibration passes (0 disables scaling). */
  scalingIter: number;
  /** Adapt ρ to balance the residuals (refactors numerically when it changes). */
  adaptiveRho: boolean;
  /** Iterations between ρ adaptations. */
  adaptiveRhoInterval: number;
  /** ρ is only changed when the suggested value differs by more than this factor. */
  adaptiveRhoTolerance: number;
  /**
   * Residuals, termination and infeasibility certificates are checked every this many iterations
   * (0: only at maxIter). A check costs three matrix-vector products, about what an iteration
   * costs when the factor is sparse; OSQP's default of 25 makes checks a few percent of the work,
   * at the price of up to 24 iterations past the point where the tolerances were first met.
   */
  checkTermination: number;
  /** Refine the ADMM solution on the guessed active set (high accuracy when the guess is right). */
  polish: boolean;
  /** Regularization δ of the polishing KKT system. */
  polishDelta: number;
  /** Iterative refinement steps of the polished solution. */
  polishRefineIter: number;
  /** Start from the previous solution (or the one given to warmStart) instead of zero. */
  warmStart: boolean;
  /**
   * With warmStart and polish: before any ADMM iteration, solve the equality-constrained QP on the
   * active set of the starting point, and stop there if that point satisfies the optimality
   * conditions within the tolerances (primal and dual residuals, and the multipliers' signs). For a
   * sequence of nearby problems (a QP re-solved with a new q each ADMM round of a market) the active
   * set rarely changes, and a solve is then one cached triangular solve instead of tens of iterations.
   */
  activeSetStart: boolean;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  rho: 0.1,
  sigma: 1e-6,
  alpha: 1.6,
  maxIter: 4000,
  epsAbs: 1e-3,
  epsRel: 1e-3,
  epsPrimInf: 1e-4,
  epsDualInf: 1e-4,
  scalingIter: 10,
  adaptiveRho: true,
  adaptiveRhoInterval: 25,
  adaptiveRhoTolerance: 5,
  checkTermination: 25,
  polish: false,
  polishDelta: 1e-6,
  polishRefineIter: 3,
  warmStart: true,
  activeSetStart: false,
});

/** Bounds at or beyond this magnitude are treated as infinite. */
export const INFINITY_BOUND = 1e20;
/** ρ for rows with l = u is this many times ρ (OSQP's equality scaling). */
export const RHO_EQUALITY_FACTOR = 1e3;
export const RHO_MIN = 1e-6;
export const RHO_MAX = 1e6;
