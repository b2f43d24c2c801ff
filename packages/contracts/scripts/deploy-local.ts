// Starts a local anvil, deploys the market with script/Deploy.s.sol, prints the addresses and
// keeps the chain running until interrupted (Ctrl-C). `--once` stops right after printing.
import path from 'node:path';
import { startAnvil } from '../src/anvil';
import { deployContracts, REPO_ROOT } from '../src/deploy';

const once = process.argv.includes('--once');
if (process.argv.includes('--help')) {
  process.stdout.write('usage: pnpm deploy:local [--once]\n  Start anvil on a free loopback port, deploy the market, print the addresses.\n  --once  stop anvil after printing instead of serving until Ctrl-C\n');
  process.exit(0);
}

const chain = await startAnvil();
const stop = async () => {
  await chain.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
try {
  const out = path.join(REPO_ROOT, 'deployments', `${31337}.json`);
  process.stderr.write(`anvil on ${chain.rpcUrl} (pid ${chain.pid}); deploying…\n`);
  const d = await deployContracts({ rpcUrl: chain.rpcUrl, out });
  const rows: [string, string][] = [
    ['NetworkRegistry', d.networkRegistry],
    ['ParticipantRegistry', d.participantRegistry],
    ['ClearingLedger', d.clearingLedger],
    ['MeterReadings', d.meterReadings],
    ['Settlement', d.settlement],
    ['SettlementToken', d.settlementToken],
  ];
  process.stdout.write(`chain ${d.chainId} at ${chain.rpcUrl}\n`);
  for (const [name, address] of rows) process.stdout.write(`${name.padEnd(20)} ${address}\n`);
  process.stdout.write(`deployment written to ${path.relative(process.cwd(), out)}\n`);
  if (once) await stop();
  else process.stderr.write('serving until Ctrl-C\n');
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  await chain.stop();
  process.exit(1);
}
