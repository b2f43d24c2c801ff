// Shared test setup: a fresh anvil and work directory per test, and chain-side totals to check.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type LocalChain, startAnvil } from '@gridmarket/contracts/node';

export interface Sandbox {
  chain: LocalChain;
  workDir: string;
  done(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const chain = await startAnvil();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-oracle-'));
  return {
    chain,
    workDir,
    async done() {
      await chain.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
