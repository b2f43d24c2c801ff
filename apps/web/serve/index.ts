// Building and serving the app from Node: used by `gridmarket run` (which ends by serving it), the
// browser tests, the screenshots and the bench. The production build is made when missing or
// older than the sources; the server is a `next start` on a loopback port, stopped by its PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@gridmarket/contracts/node';

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function nextBin(webDir = WEB_DIR): string {
  return createRequire(path.join(webDir, 'package.json')).resolve('next/dist/bin/next');
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * True if there is no production build or a source it depends on changed after it. `webDir` is this
 * app unless the bench measures another checkout of it beside this one.
 */
export function buildIsStale(webDir = WEB_DIR): boolean {
  const id = path.join(webDir, '.next', 'BUILD_ID');
  if (!existsSync(id)) return true;
  const built = statSync(id).mtimeMs;
  const packages = path.resolve(webDir, '../../packages');
  const sources = [path.join(webDir, 'src'), path.join(webDir, 'next.config.ts'), ...['clearing', 'contracts', 'oracle'].map((p) => path.join(packages, p, 'src'))];
  return sources.some((s) => (existsSync(s) && statSync(s).isFile() ? statSync(s).mtimeMs : newestMtime(s)) > built);
}

/**
 * Makes the production build if it is missing or stale, in a child process (so a caller can go on
 * with other work meanwhile); `signal` stops it. Progress: a line when it starts and one with the
 * time it took.
 */
export async function ensureBuilt(log: (line: string) => void = () => {}, webDir = WEB_DIR, signal?: AbortSignal): Promise<void> {
  if (!buildIsStale(webDir)) return;
  log(`building the web app in ${webDir} (production build, a minute or two)…\n`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [nextBin(webDir), 'build'], { cwd: webDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += String(d)));
  child.stderr?.on('data', (d: Buffer) => (output += String(d)));
  const stop = () => child.kill('SIGTERM');
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c) => resolve(c));
    });
    if (signal?.aborted) throw new Error('the web app build was stopped');
    if (code !== 0) throw new Error(`the web app did not build:\n${output}`);
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  log(`built the web app in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}

export interface ServeOptions {
  rpcUrl: string;
  workDir: string;
  deploymentFile?: string;
  port?: number;
  /** Offer the development accounts on a local chain (default true). */
  devAccounts?: boolean;
  /** Receives the server's own output (requests that failed, with their errors). */
  log?: (chunk: string) => void;
  /** A file that receives the server's own output too (created with its directory). */
  logFile?: string;
  /** Another checkout of this app to serve (the bench's baseline); built already. */
  webDir?: string;
  /** Origins the app may fetch result documents from (GRIDMARKET_DOCUMENT_ORIGINS); none by default. */
  documentOrigins?: readonly string[];
}

export interface ServedApp {
  url: string;
  pid: number;
  /** Settles when the server exits, whoever stopped it, with its exit code (null after a signal). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts the production server and waits until it answers. */
export async function serveApp(options: ServeOptions): Promise<ServedApp> {
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    GRIDMARKET_RPC_URL: options.rpcUrl,
    GRIDMARKET_WORK_DIR: path.resolve(options.workDir),
    GRIDMARKET_DEV_ACCOUNTS: options.devAccounts === false ? '0' : '1',
    GRIDMARKET_DOCUMENT_ORIGINS: (options.documentOrigins ?? []).join(','),
  };
  if (options.deploymentFile) env.GRIDMARKET_DEPLOYMENT = path.resolve(options.deploymentFile);
  else delete env.GRIDMARKET_DEPLOYMENT;
  const webDir = options.webDir ?? WEB_DIR;
  const child: ChildProcess = spawn(process.execPath, [nextBin(webDir), 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: webDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let file: ReturnType<typeof createWriteStream> | undefined;
  if (options.logFile) {
    mkdirSync(path.dirname(options.logFile), { recursive: true });
    file = createWriteStream(options.logFile, { flags: 'a' });
  }
  const take = (d: Buffer) => {
    output += String(d);
    options.log?.(String(d));
    file?.write(d);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    file?.end();
    resolve(code);
  }));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the web server exited with code ${child.exitCode}: ${output.trim()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the web server did not answer on ${url} within 30 s: ${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid ?? -1, exited, stop };
}
