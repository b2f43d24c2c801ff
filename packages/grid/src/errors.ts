// The grid package's errors. All of them extend NetworkError, which names the field at fault (and,
// for imported files, the file), so that a caller can branch on the class and a user reads one line.
import { BaseError } from '@gridmarket/errors';

export interface NetworkErrorOptions {
  /** The file the data came from; it opens the message. */
  source?: string;
  cause?: unknown;
  /** Defaults to the cause's (BaseError's details, or another error's message). */
  details?: string;
}

/** Invalid network data: the field at fault and what is wrong with it. The grid package's family base. */
export class NetworkError extends BaseError {
  override name = 'NetworkError';
  readonly source: string | undefined;
  constructor(
    /** Where: `lines[2].x`, `slack`, `mpc.branch row 8 (8 → 5)`. */
    readonly field: string,
    /** What, without the field: `unknown bus 9`. */
    readonly reason: string,
    options: NetworkErrorOptions = {},
  ) {
    super(`${options.source ? `${options.source}: ` : ''}${field}: ${reason}`, { ...(options.cause === undefined ? {} : { cause: options.cause }), ...(options.details === undefined ? {} : { details: options.details }) });
    this.source = options.source;
  }
}

/** Some buses have no path to the slack bus: the PTDF does not exist for them. */
export class IslandedNetworkError extends NetworkError {
  override name = 'IslandedNetworkError';
  constructor(
    field: string,
    reason: string,
    /** The buses cut off from the slack bus, ascending. */
    readonly buses: readonly number[],
    options: NetworkErrorOptions = {},
  ) {
    super(field, reason, options);
  }
}

/** A MATPOWER case file that cannot be read as one: a missing matrix, a row of the wrong width, a bus that is not in mpc.bus, code the importer does not understand. */
export class MatpowerFormatError extends NetworkError {
  override name = 'MatpowerFormatError';
}

/** A MATPOWER case path that is not a readable file (missing, a directory, no permission): `file: reason`, the reason saying all there is (the system's error stays the cause). */
export class MatpowerFileError extends NetworkError {
  override name = 'MatpowerFileError';
  constructor(
    readonly file: string,
    reason: string,
    options: Omit<NetworkErrorOptions, 'source' | 'details'> = {},
  ) {
    super('file', reason, { ...options, details: '' });
    this.shortMessage = `${file}: ${reason}`;
    this.message = this.shortMessage;
  }
}
