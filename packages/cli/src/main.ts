// The gridmarket command line: parses, calls the packages, prints. Only the command that runs is
// loaded (commands.ts); a failure ends in one line and an exit code by its error's type
// (exitCodes.ts), the stack only with --debug.
import { Command } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { COMMANDS } from './commands';

const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  a bug (the stack is printed)
  2  invalid input: a flag, a case or MATPOWER file, a config setting, an output path (nothing is written)
  3  the market did not clear: infeasible, diverging, or not converged (nothing is written without --allow-unconverged)
  4  the chain is unreachable or does not hold what the input refers to (an audit that fails)
  5  the messaging network: NATS unreachable, or a clearing across machines that aborted`;

// Piping into `head` closes stdout early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

/** Runs the command line and returns its exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const end = argv.indexOf('--');
  const isDebugFlag = (a: string, i: number) => a === '--debug' && (end < 0 || i < end);
  const debug = argv.some(isDebugFlag);
  const args = argv.filter((a, i) => !isDebugFlag(a, i));
  // `gridmarket help clear` is `gridmarket clear --help`; `gridmarket help nosuch`, an unknown command.
  if (args[0] === 'help' && args[1] !== undefined) args.splice(0, 2, ...(Object.hasOwn(COMMANDS, args[1]) ? [args[1], '--help'] : [args[1]]));

  const program = new Command('gridmarket')
    .description('Peer-to-peer energy market for network-constrained microgrids: clear, commit on chain, settle.')
    .version(pkg.version, '-V, --version')
    .option('--debug', 'on failure, also print the stack and the cause chain')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // Commander's errors in one line: `error: unknown option '--rh' (Did you mean --rho?)`.
      outputError: (s, write) => write(`${s.trim().split('\n').join(' ')}\n`),
    })
    .addHelpText('after', EXIT_CODES_HELP);
  const name = args.find((a) => !a.startsWith('-'));
  const entry = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry) (await entry.load())(program);
  else for (const [command, { summary }] of Object.entries(COMMANDS)) program.command(command).summary(summary);

  try {
    await program.parseAsync(args, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    const { reportError } = await import('./reportError');
    return reportError(err, { debug });
  }
}

process.exitCode = await main(process.argv.slice(2));
