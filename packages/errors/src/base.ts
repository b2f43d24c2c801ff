// The base of every gridmarket error (after viem's errors/base.ts): a one-line short message for
// people, details and meta lines for the curious, the cause chain kept, and walk() to find an
// error of a given type anywhere in that chain. Callers branch on classes, never on names or
// message text.

export interface BaseErrorParameters {
  /** The error this one explains; `details` defaults to its details (a BaseError's) or its message (any other error's). */
  cause?: unknown;
  /** One more line of explanation (printed after the short message, as `Details: …`). */
  details?: string;
  /** Further lines of context (values involved, what to try), printed between the two. */
  metaMessages?: readonly string[];
}

export class BaseError extends Error {
  override name = 'BaseError';
  /** What went wrong, in one sentence without a trailing period: what a CLI prints. */
  shortMessage: string;
  /** The lower-level explanation: given, or taken from the cause ('' when there is none); the message leaves it out when the short message already says it. */
  readonly details: string;
  readonly metaMessages: readonly string[];

  constructor(shortMessage: string, args: BaseErrorParameters = {}) {
    const details = args.details ?? causeDetails(args.cause);
    super(composeMessage(shortMessage, args.metaMessages ?? [], details), args.cause === undefined ? undefined : { cause: args.cause });
    this.shortMessage = shortMessage;
    this.details = details;
    this.metaMessages = args.metaMessages ?? [];
  }

  /** The innermost error of the cause chain. */
  walk(): unknown;
  /** The first error of the chain, this one included, for which `fn` holds; null when none does. */
  walk(fn: (err: unknown) => boolean): unknown;
  walk(fn?: (err: unknown) => boolean): unknown {
    return walk(this, fn);
  }
}

/** walk() for any value: errors from elsewhere (Node, zod, viem) keep their causes too. */
export function walk(err: unknown, fn?: (err: unknown) => boolean): unknown {
  for (let e = err, depth = 0; depth < MAX_CAUSE_DEPTH; depth++) {
    if (fn?.(e)) return e;
    const cause = e !== null && typeof e === 'object' && 'cause' in e ? (e as { cause: unknown }).cause : undefined;
    if (cause === undefined) return fn ? null : e;
    e = cause;
  }
  return fn ? null : err;
}

/** A cause chain longer than this is a cycle (errors can name themselves as their cause). */
const MAX_CAUSE_DEPTH = 64;

function causeDetails(cause: unknown): string {
  if (cause instanceof BaseError) return cause.details;
  if (cause instanceof Error) return cause.message;
  return cause === undefined ? '' : String(cause);
}

function composeMessage(shortMessage: string, metaMessages: readonly string[], details: string): string {
  return [shortMessage, ...(metaMessages.length ? ['', ...metaMessages] : []), ...(details && !shortMessage.includes(details) ? ['', `Details: ${details}`] : [])].join('\n');
}
