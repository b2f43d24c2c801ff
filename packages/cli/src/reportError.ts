// How a failed command ends: one line on stderr and the exit code of its error's type; the stack
// and the cause chain only with --debug, or for a bug (an error that no package raised on purpose).
import { BaseError, walk } from '@gridmarket/errors';
import { CommanderError } from 'commander';
import { EXIT_CODES, ExitCode, exitCodeIn } from './exitCodes';

/** Commander's own outcomes: help and version are successes; everything else is a mistake in the call. */
const COMMANDER_SUCCESS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

export async function reportError(err: unknown, options: { debug: boolean }): Promise<ExitCode> {
  // Commander has printed its one line already (main.ts's outputError).
  if (err instanceof CommanderError) return COMMANDER_SUCCESS.has(err.code) && err.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
  let code = exitCodeIn(EXIT_CODES, err);
  let line: string | undefined;
  if (code === undefined) {
    const chain = await import('./chainExitCodes');
    code = exitCodeIn(chain.CHAIN_EXIT_CODES, err) ?? ExitCode.bug;
    line = chain.chainErrorLine(err);
  }
  if (code === ExitCode.bug) {
    process.stderr.write(`gridmarket: internal error (a bug: please report it with what follows)\n${causeChain(err)}\n`);
    return code;
  }
  process.stderr.write(`error: ${line ?? oneLine(err)}\n`);
  if (options.debug) process.stderr.write(`${causeChain(err)}\n`);
  return code;
}

/** The short message of a BaseError (ours, or viem's, which has one too), else the first line of the message. */
function oneLine(err: unknown): string {
  const { shortMessage } = err as { shortMessage?: unknown };
  const text = err instanceof BaseError ? err.shortMessage : typeof shortMessage === 'string' ? shortMessage : err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!;
}

/** Every error of the chain with its stack, outermost first. */
function causeChain(err: unknown): string {
  const parts: string[] = [];
  walk(err, (e) => {
    parts.push(`${parts.length ? 'caused by: ' : ''}${e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e)}`);
    return false;
  });
  return parts.join('\n');
}
