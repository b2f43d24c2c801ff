// Building and serving the app from Node: used by `gridmarket run` (which ends by serving it), the
// browser tests, the screenshots and the bench. The production build is made when missing or
// older than the sources; the server is a `next start` on a loopback port, stopped by its PID.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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

/** Makes the production build if it is missing or stale. */
export function ensureBuilt(log: (line: string) => void = () => {}, webDir = WEB_DIR): void {
  if (!buildIsStale(webDir)) return;
  log(`building the web app in ${webDir} (production build, a minute or two)…\n`);
  const r = spawnSync(process.execPath, [nextBin(webDir), 'build'], { cwd: webDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the web app did not build:\n${r.stdout}\n${r.stderr}`);
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
  /** Another checkout of this app to serve (the bench's baseline); built already. */
  webDir?: string;
}

export interface ServedApp {
  url: string;
  pid: number;
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
  };
  if (options.deploymentFile) env.GRIDMARKET_DEPLOYMENT = path.resolve(options.deploymentFile);
  else delete env.GRIDMARKET_DEPLOYMENT;
  const webDir = options.webDir ?? WEB_DIR;
  const child: ChildProcess = spawn(process.execPath, [nextBin(webDir), 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: webDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const take = (d: Buffer) => {
    output += String(d);
    options.log?.(String(d));
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
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
  return { url, pid: child.pid ?? -1, stop };
}
