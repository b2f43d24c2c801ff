// The net package's errors: the messaging server cannot be reached or was lost, or a clearing
// over it could not finish (every agent excluded, no end from the operator).
import { BaseError } from '@gridmarket/errors';

export class NetError extends BaseError {
  override name = 'NetError';
}

/** NATS unreachable at start, or the connection closed for good mid-clearing. */
export class NatsConnectionError extends NetError {
  override name = 'NatsConnectionError';
}

/** A clearing over the network that could not finish: what is missing and why. */
export class ClearingAbortedError extends NetError {
  override name = 'ClearingAbortedError';
}
