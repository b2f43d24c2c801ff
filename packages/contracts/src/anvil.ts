// Starts and stops a local anvil from its npm package on a free loopback port.
import { type ChildProcess, spawn } from 'node:child_process';
import { foundryBinary } from './foundry';
import net from 'node:net';

export interface LocalChain {
  rpcUrl: string;
  port: number;
  pid: number;
  /** Settles when anvil exits, whoever stopped it, with its exit code (null after a signal). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface StartAnvilOptions {
  /** Loopback port; a free one is picked when absent. */
  port?: number;
  /** Seconds between blocks; absent means a block per transaction (automine). */
  blockTime?: number;
  /** Chain id (31337 by default). */
  chainId?: number;
  /** Gas limit per block (anvil's default is 30M). */
  gasLimit?: bigint;
  /** Further anvil arguments (e.g. --steps-tracing). */
  extraArgs?: string[];
  /** Milliseconds to wait for the RPC to answer. */
  timeoutMs?: number;
}

export class AnvilError extends Error {
  override name = 'AnvilError';
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      server.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForRpc(rpcUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new AnvilError(`anvil exited with code ${child.exitCode} before answering`);
    try {
      const res = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new AnvilError(`anvil did not answer on ${rpcUrl} within ${timeoutMs} ms`);
}

/** Starts anvil; the returned `stop` kills it by its own PID and waits for the exit. */
export async function startAnvil(options: StartAnvilOptions = {}): Promise<LocalChain> {
  const port = options.port ?? (await freePort());
  const args = ['--host', '127.0.0.1', '--port', String(port), '--silent', '--chain-id', String(options.chainId ?? 31337)];
  if (options.blockTime !== undefined) args.push('--block-time', String(options.blockTime));
  if (options.gasLimit !== undefined) args.push('--gas-limit', options.gasLimit.toString());
  if (options.extraArgs) args.push(...options.extraArgs);
  const child = spawn(foundryBinary('anvil'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitForRpc(rpcUrl, child, options.timeoutMs ?? 10_000);
  } catch (err) {
    await stop();
    throw new AnvilError(`${(err as Error).message}${stderr ? `: ${stderr.trim()}` : ''}`);
  }
  return { rpcUrl, port, pid: child.pid ?? -1, exited, stop };
}
