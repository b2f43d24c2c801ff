// The CLI's own errors, all extending CliError: a mistake in how the command was called (a flag,
// a combination of flags) and an output path that cannot be written, both invalid input (exit 2);
// and a chain that cannot be reached or does not hold the deployment (exit 4).
import { BaseError, type BaseErrorParameters } from '@gridmarket/errors';

export class CliError extends BaseError {
  override name = 'CliError';
}

/** A mistake in the user's input: a flag's value, a missing flag, a config setting. */
export class UsageError extends CliError {
  override name = 'UsageError';
}

/** An output path (`--out`) that cannot be written: the path, the flag and why. */
export class OutputPathError extends CliError {
  override name = 'OutputPathError';
  constructor(
    readonly flag: string,
    readonly file: string,
    reason: string,
    args: BaseErrorParameters = {},
  ) {
    super(`${flag} ${file}: ${reason}`, args);
  }
}

/** A chain that cannot be reached, or that does not hold the deployment the command was given. */
export class ChainMismatchError extends CliError {
  override name = 'ChainMismatchError';
}
