// Test fixtures: a nats-server on a free loopback port (stopped by its PID, also when a test
// fails), a case split into its public and private parts, and deterministic account keys.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { loadCase, type Market, parsePrivateAgent, publicMarket, splitMarket, type PublicCase } from '@gridmarket/clearing';
import { keccak256, toHex } from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import type { HostedAgent } from '../src/index';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface NatsServer {
  url: string;
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

export async function startNats(port?: number): Promise<NatsServer> {
  const p = port ?? (await freePort());
  const proc = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(p)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += String(d)));
  const url = `nats://127.0.0.1:${p}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`nats-server exited: ${stderr}`);
    try {
      const nc = await connect({ servers: url, maxReconnectAttempts: 0 });
      await nc.close();
      break;
    } catch {
      if (i > 100) throw new Error(`nats-server did not start on ${url}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    port: p,
    proc,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      process.kill(proc.pid!, 'SIGTERM');
      await exited;
    },
  };
}

export const testAccount = (label: string): PrivateKeyAccount => privateKeyToAccount(keccak256(toHex(`gridmarket test key ${label}`)));

export interface SplitFixture {
  whole: Market;
  publicCase: PublicCase;
  operatorMarket: ReturnType<typeof publicMarket>;
  hosted: HostedAgent[];
  operator: PrivateKeyAccount;
}

/** A built-in case split as `gridmarket case split` splits it, with an account per agent. */
export function splitFixture(name = 'ieee14'): SplitFixture {
  const whole = loadCase(name);
  const operator = testAccount('operator');
  const accounts = Object.fromEntries(whole.agents.map((a) => [a.id, testAccount(a.id).address]));
  const { publicCase, privateFiles } = splitMarket(whole, { accounts, operator: operator.address });
  const roundTrip = JSON.parse(JSON.stringify({ publicCase, privateFiles }));
  const hosted = (roundTrip.privateFiles as unknown[]).map((raw) => {
    const f = parsePrivateAgent(raw);
    return { index: f.index, id: f.id, params: f.params, account: testAccount(f.id) };
  });
  return { whole, publicCase: roundTrip.publicCase, operatorMarket: publicMarket(roundTrip.publicCase), hosted, operator };
}

export async function connectTo(url: string, name: string): Promise<NatsConnection> {
  return connect({ servers: url, name, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
}

/** Deep equality that tells 0 from −0 and compares numbers bit for bit. */
export function sameBits(a: unknown, b: unknown, at = ''): string | undefined {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) ? undefined : `${at}: ${a} ≠ ${b}`;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b ? undefined : `${at}: ${String(a)} ≠ ${String(b)}`;
  const ka = Object.keys(a as object).filter((k) => k !== 'solveTimeMs');
  const kb = Object.keys(b as object).filter((k) => k !== 'solveTimeMs');
  if (ka.length !== kb.length) return `${at}: keys ${ka.join(',')} ≠ ${kb.join(',')}`;
  for (const k of ka) {
    const d = sameBits((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return undefined;
}

/** A solution as it comes over NATS: agents do not disclose their state of charge. */
export function withoutSoc<T extends { dispatch: { socKwh?: number[] }[] }>(s: T): T {
  return { ...s, dispatch: s.dispatch.map(({ socKwh: _soc, ...d }) => d) };
}
