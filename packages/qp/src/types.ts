// Problem data and results of the QP solver (its errors are in errors.ts).
import type { CscMatrix } from './csc';

/** minimize ½ xᵀ P x + qᵀ x  subject to  l ≤ A x ≤ u. P is given by its upper triangle. */
export interface QpProblem {
  P: CscMatrix;
  q: ArrayLike<number>;
  A: CscMatrix;
  l: ArrayLike<number>;
  u: ArrayLike<number>;
}

/** An outcome, not an error: the solver ran and says what it found. */
export type Status = 'solved' | 'solved_inaccurate' | 'primal_infeasible' | 'dual_infeasible' | 'max_iter_reached';

export type PolishStatus = 'not_run' | 'success' | 'unsuccessful';

export interface Info {
  status: Status;
  iterations: number;
  /** ½ xᵀPx + qᵀx at the returned x (NaN when infeasible). */
  objective: number;
  /** ‖Ax − z‖∞, unscaled. */
  primalResidual: number;
  /** ‖Px + q + Aᵀy‖∞, unscaled. */
  dualResidual: number;
  /** ρ at the end of the solve. */
  rho: number;
  rhoUpdates: number;
  polish: PolishStatus;
  setupTimeMs: number;
  solveTimeMs: number;
}

export interface Result {
  /** Primal solution (or the dual-infeasibility certificate when status is dual_infeasible). */
  x: Float64Array;
  /** Dual solution (or the primal-infeasibility certificate when status is primal_infeasible). */
  y: Float64Array;
  /**
   * Set when status is primal_infeasible: δy with Aᵀδy ≈ 0 and uᵀδy₊ + lᵀδy₋ < 0 (a Farkas
   * certificate: no x satisfies l ≤ Ax ≤ u). Rows with δy ≠ 0 are the constraints in conflict.
   */
  primalInfeasibilityCertificate?: Float64Array;
  /** Set when status is dual_infeasible: δx with Pδx ≈ 0, qᵀδx < 0 and Aδx in the recession cone of [l, u]. */
  dualInfeasibilityCertificate?: Float64Array;
  info: Info;
}
