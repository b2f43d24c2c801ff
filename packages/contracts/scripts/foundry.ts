// `pnpm forge …` (and `anvil …`): runs the tool's binary with its exit code and signals passed on.
import { spawn } from 'node:child_process';
import { foundryBinary } from '../src/foundry';

const [tool, ...args] = process.argv.slice(2);
if (tool !== 'forge' && tool !== 'anvil') {
  process.stderr.write(`usage: foundry.ts forge|anvil [args…] (got "${tool ?? ''}")\n`);
  process.exit(2);
}
const child = spawn(foundryBinary(tool), args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
