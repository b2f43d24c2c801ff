// The gridmarket command line: parses, calls the packages, prints. `--help` on every command.
import { Command } from 'commander';
import { registerClear } from './commands/clear';
import { registerCompare } from './commands/compare';
import { registerNetwork } from './commands/network';
import { registerParticipant } from './commands/participant';
import { registerRun } from './commands/run';
import { reportError } from './io';

// Piping into `head` closes stdout early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command()
  .name('gridmarket')
  .description('Peer-to-peer energy market for network-constrained microgrids: clear, commit on chain, settle.')
  .showHelpAfterError()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerNetwork(program);
registerClear(program);
registerCompare(program);
registerRun(program);
registerParticipant(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.exitCode = reportError(err);
});
