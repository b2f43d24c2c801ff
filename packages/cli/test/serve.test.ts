// gridmarket run ends by serving the web app on its chain: the URL and the next commands are
// printed, the app shows the run's epoch, the proceeds are left to claim, SIGINT stops the app and
// the embedded chain, and a chain that dies while served is reported with exit 4.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { settlementAbi } from '@gridmarket/contracts';
import { createPublicClient, type Hex, http } from 'viem';

const BIN = fileURLToPath(new URL('../bin/gridmarket.mjs', import.meta.url));

const answers = async (url: string) => {
  try {
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' });
    return true;
  } catch {
    return false;
  }
};

/** Starts `gridmarket run` serving, and waits for the app's URL. */
async function startServing(workDir: string, ...args: string[]) {
  const child = spawn(process.execPath, [BIN, 'run', '--case', 'ieee14', '--work-dir', workDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += String(d)));
  child.stderr.on('data', (d) => (out.stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 300_000;
  let match: RegExpMatchArray | null = null;
  while (!(match = out.stdout.match(/web app: (http:\/\/127\.0\.0\.1:\d+) +\(chain (http:\/\/127\.0\.0\.1:\d+)/))) {
    if (child.exitCode !== null) assert.fail(`run exited with ${child.exitCode} before serving: ${out.stderr}`);
    if (Date.now() > deadline) assert.fail(`no URL after 300 s: ${out.stdout}${out.stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, out, exited, appUrl: match[1]!, rpcUrl: match[2]! };
}

describe('gridmarket run (serving)', () => {
  it('prints the app URL and the next commands, serves the run’s epoch, leaves proceeds to claim, and stops app and chain on SIGINT', async () => {
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-cli-serve-'));
    const { child, out, exited, appUrl, rpcUrl } = await startServing(workDir, '--quiet');
    const stderr = () => out.stderr;
    try {
      const { stdout } = out;
      assert.match(stdout, /Table 6\.8/);
      assert.match(stdout, new RegExp(`gridmarket proof --rpc ${rpcUrl} --work-dir \\S+ --epoch 1 --agent 1`));
      assert.match(stdout, new RegExp(`gridmarket audit --rpc ${rpcUrl} --work-dir \\S+ --epoch 1`));
      assert.match(stdout, /a participant can claim them in the web app/);
      // A seller's proceeds wait in the settlement contract.
      const deployment = JSON.parse(readFileSync(path.join(workDir, 'deployments', '31337.json'), 'utf8')) as { settlement: Hex };
      const client = createPublicClient({ transport: http(rpcUrl) });
      const account = await client.readContract({ address: deployment.settlement, abi: settlementAbi, functionName: 'accountOf', args: [1] });
      assert.ok(account.available > 0n, 'nothing left to claim');
      const page = await fetch(`${appUrl}/epochs/1`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Epoch <!-- -->1/);
      assert.equal(await answers(rpcUrl!), true);

      child.kill('SIGINT');
      assert.equal(await exited, 0, stderr());
      assert.match(out.stdout, /stopped the web app and the chain\n$/);
      assert.equal(await answers(rpcUrl!), false, 'the chain is still up');
      await assert.rejects(fetch(appUrl!), 'the app is still up');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(workDir, { recursive: true, force: true });
    }
  });

  it('says so and exits 4 when the chain stops while the app is served', async () => {
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-cli-serve-'));
    const { child, out, exited, appUrl } = await startServing(workDir);
    try {
      // The first test left a fresh build: nothing to wait for, so no repeated waiting line while serving.
      await new Promise((r) => setTimeout(r, 11_000));
      assert.doesNotMatch(out.stderr, /waiting for the web app build/);
      const pid = Number(out.stderr.match(/anvil on \S+ \(pid (\d+)\)/)?.[1]);
      assert.ok(pid > 0, out.stderr);
      process.kill(pid, 'SIGKILL');
      assert.equal(await exited, 4, out.stderr);
      assert.match(out.stderr, /error: the chain at http:\/\/127\.0\.0\.1:\d+ stopped on its own; the web app cannot read it any more\n/);
      await assert.rejects(fetch(appUrl), 'the app is still up');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
