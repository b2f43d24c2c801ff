// The exit codes of `gridmarket`, and which error types map to which. A table of classes, not of
// names: the first row whose class is the error or one of its causes decides. Errors of the chain
// side (oracle, contracts, viem) are in chainExitCodes.ts, loaded only when no row here matched.
import { CaseError, CentralizedError, ResultDocumentError, SettingsError } from '@gridmarket/clearing/errors';
import { walk } from '@gridmarket/errors';
import { NetworkError } from '@gridmarket/grid/errors';
import { NetError } from '@gridmarket/net/errors';
import { ChainMismatchError, CliError } from './errors';

export const ExitCode = {
  /** The command did what it was asked. */
  ok: 0,
  /** A bug: an error nobody raised on purpose (printed with its stack). */
  bug: 1,
  /** Invalid input: a flag, a case file, a MATPOWER file, a config setting, an output path. Nothing was written. */
  invalidInput: 2,
  /** The market did not clear: infeasible, diverging, stopped at the iteration limit, or a solver broke down. */
  notCleared: 3,
  /** The chain: unreachable, or it does not hold what the input refers to (a revert, a failed audit). */
  chain: 4,
  /** The messaging network: NATS unreachable, or a clearing across machines that aborted. */
  network: 5,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Any Error subclass, whatever its constructor's parameters. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Rows can be added; order matters only between a class and its subclasses (the first match wins).
 * No row for the QP package's errors: the clearing package builds every QP from a validated case,
 * so a QpError reaching the command line is a bug (exit 1, with its stack).
 */
export const EXIT_CODES: readonly (readonly [ErrorClass, ExitCode])[] = [
  [ChainMismatchError, ExitCode.chain],
  [CliError, ExitCode.invalidInput],
  [CaseError, ExitCode.invalidInput],
  [SettingsError, ExitCode.invalidInput],
  [NetworkError, ExitCode.invalidInput],
  [ResultDocumentError, ExitCode.invalidInput],
  [CentralizedError, ExitCode.notCleared],
  [NetError, ExitCode.network],
];

/** The code of the first row matching the error or one of its causes, walking outwards in; undefined when none does. */
export function exitCodeIn(table: readonly (readonly [ErrorClass, ExitCode])[], err: unknown): ExitCode | undefined {
  let code: ExitCode | undefined;
  walk(err, (e) => {
    code = table.find(([cls]) => e instanceof cls)?.[1];
    return code !== undefined;
  });
  return code;
}
