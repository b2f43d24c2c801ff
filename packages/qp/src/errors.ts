// The QP package's errors, all extending QpError: invalid problem data (the field at fault) and a
// problem that turned out not to be convex or not factorable. An outcome of a solve (infeasible,
// iteration limit) is a status in the result, never one of these.
import { BaseError, type BaseErrorParameters } from '@gridmarket/errors';

export class QpError extends BaseError {
  override name = 'QpError';
}

/** Invalid problem data or settings: the message names the field and the problem. */
export class QpDataError extends QpError {
  override name = 'QpDataError';
  constructor(
    readonly field: string,
    reason: string,
    args: BaseErrorParameters = {},
  ) {
    super(`${field}: ${reason}`, args);
  }
}

/** The problem is not convex (P is not positive semidefinite). */
export class NonConvexError extends QpError {
  override name = 'NonConvexError';
}

/** A matrix that the LDLᵀ factorization cannot factor (not upper triangular, a zero or non-finite pivot). */
export class FactorizationError extends QpError {
  override name = 'FactorizationError';
}
