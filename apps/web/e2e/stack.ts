// Everything a browser run needs: Debian's chromium (installed when missing), the scenario's chain,
// the production build and the server. Each piece is stopped by its own handle, also on failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type ConsoleMessage, type Page } from 'playwright-core';
import { ensureBuilt, type ServedApp, serveApp } from '../serve/index';
import { buildScenario, type Scenario } from './scenario';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Installs Debian's chromium if it is not there (CI starts on a fresh machine). */
export function ensureChromium(log: (line: string) => void = () => {}): void {
  if (existsSync(CHROMIUM)) return;
  log(`${CHROMIUM} is missing: installing Debian's chromium (apt-get)…\n`);
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  for (const args of [['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', 'chromium']]) {
    const [cmd, ...rest] = [...asRoot, ...args] as [string, ...string[]];
    const r = spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`could not install chromium (${args.join(' ')} exited with ${r.status}); install it, or set CHROMIUM_PATH`);
  }
  execFileSync(CHROMIUM, ['--version'], { stdio: 'ignore' });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Stack {
  scenario: Scenario;
  app: ServedApp;
  browser: Browser;
  stop(): Promise<void>;
}

export async function startStack(log: (line: string) => void = () => {}): Promise<Stack> {
  ensureChromium(log);
  await ensureBuilt(log);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-web-'));
  const stops: (() => Promise<void>)[] = [async () => rmSync(workDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    const scenario = await buildScenario(workDir, log);
    stops.push(scenario.stopChain);
    const app = await serveApp({ rpcUrl: scenario.rpcUrl, workDir, documentOrigins: [scenario.documentsUrl] });
    stops.push(app.stop);
    const browser = await launchBrowser();
    stops.push(() => browser.close());
    return { scenario, app, browser, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Console errors and uncaught exceptions of a page, to assert there are none. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return errors;
}
