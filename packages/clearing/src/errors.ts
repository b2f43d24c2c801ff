// The clearing package's errors, all extending ClearingError: an invalid case or settings (the
// field at fault), a result document that does not parse, a centralized solver that broke down, a
// schedule that cannot be rounded. An infeasible or unconverged market is not among them: it is a
// status of the solution (`infeasible`, `max_iter_reached`, `diverging`) with its diagnostic.
import { BaseError, type BaseErrorParameters } from '@gridmarket/errors';

export class ClearingError extends BaseError {
  override name = 'ClearingError';
}

/** An invalid case: the field at fault (`sellers[0].battery.capacityKwh`) and why. */
export class CaseError extends ClearingError {
  override name = 'CaseError';
  constructor(
    readonly field: string,
    readonly reason: string,
    args: BaseErrorParameters = {},
  ) {
    super(`${field}: ${reason}`, args);
  }
}

/** A solver setting out of its range (`rho`, `alpha`, `maxIter`…): the setting and its range. */
export class SettingsError extends ClearingError {
  override name = 'SettingsError';
  constructor(
    readonly field: string,
    readonly reason: string,
    args: BaseErrorParameters = {},
  ) {
    super(`${field}: ${reason}`, args);
  }
}

/** A result document that does not follow the schema: the field at fault. */
export class ResultDocumentError extends ClearingError {
  override name = 'ResultDocumentError';
}

/** A centralized solver that broke down (iteration limit, numerical failure); an infeasible day is a status, not this. */
export class CentralizedError extends ClearingError {
  override name = 'CentralizedError';
}

/** A schedule or trade split that cannot be rounded to whole Wh as asked (an unbalanced hour). */
export class RoundingError extends ClearingError {
  override name = 'RoundingError';
}
