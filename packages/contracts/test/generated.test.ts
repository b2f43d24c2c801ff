// The committed ABIs (src/generated.ts) must be what the current contracts compile to.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../src/deploy';
import { foundryBinary } from '../src/foundry';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('generated ABIs', () => {
  it('match a fresh generation from the forge artifacts', async () => {
    const build = spawnSync(foundryBinary('forge'), ['build'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gridmarket-abi-'));
    try {
      const fresh = path.join(dir, 'generated.ts');
      const wagmi = path.join(PACKAGE_DIR, 'node_modules', '.bin', 'wagmi');
      const gen = spawnSync(wagmi, ['generate'], { cwd: PACKAGE_DIR, encoding: 'utf8', env: { ...process.env, GENERATED_OUT: fresh } });
      assert.equal(gen.status, 0, gen.stderr + gen.stdout);
      const committed = await readFile(path.join(PACKAGE_DIR, 'src', 'generated.ts'), 'utf8');
      assert.ok(
        committed === (await readFile(fresh, 'utf8')),
        'src/generated.ts is stale: run `pnpm --filter @gridmarket/contracts abi` and commit the result',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
