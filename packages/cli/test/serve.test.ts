// gridmarket run ends by serving the web app on its chain: the URL is printed, the app shows the
// run's epoch, and SIGINT stops the app and the embedded chain.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/gridmarket.mjs', import.meta.url));

const answers = async (url: string) => {
  try {
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' });
    return true;
  } catch {
    return false;
  }
};

describe('gridmarket run (serving)', () => {
  it('prints the app URL, serves the run’s epoch, and stops app and chain on SIGINT', async () => {
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-cli-serve-'));
    const child = spawn(process.execPath, [BIN, 'run', '--case', 'ieee14', '--quiet', '--work-dir', workDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 300_000;
      let match: RegExpMatchArray | null = null;
      while (!(match = stdout.match(/web app: (http:\/\/127\.0\.0\.1:\d+) +\(chain (http:\/\/127\.0\.0\.1:\d+)/))) {
        if (child.exitCode !== null) assert.fail(`run exited with ${child.exitCode} before serving: ${stderr}`);
        if (Date.now() > deadline) assert.fail(`no URL after 300 s: ${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const [, appUrl, rpcUrl] = match;
      assert.match(stdout, /Table 6\.8/);
      const page = await fetch(`${appUrl}/epochs/1`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Epoch <!-- -->1/);
      assert.equal(await answers(rpcUrl!), true);

      child.kill('SIGINT');
      assert.equal(await exited, 0, stderr);
      assert.match(stdout, /stopped the web app and the chain\n$/);
      assert.equal(await answers(rpcUrl!), false, 'the chain is still up');
      await assert.rejects(fetch(appUrl!), 'the app is still up');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
