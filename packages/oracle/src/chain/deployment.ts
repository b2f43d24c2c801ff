// The chain a run works on: reachable, and holding the deployment the run was pointed at (or, on a
// local chain, a fresh one).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Deployment, deploymentMismatch, describeDeploymentMismatch } from '@gridmarket/contracts';
import { deployContracts, readDeploymentFile } from '@gridmarket/contracts/node';
import type { Hex } from 'viem';
import { ChainContext } from './context';

/** The chain cannot be reached, or does not hold the deployment the run was pointed at. */
export class ChainUnavailableError extends Error {
  override name = 'ChainUnavailableError';
}

/** The chain's id; a ChainUnavailableError naming the URL when nothing answers there. */
export async function chainIdAt(rpcUrl: string, probe = new ChainContext({ rpcUrl, deployment: { chainId: 1 } as Deployment })): Promise<number> {
  return probe.publicClient.getChainId().catch((err: Error) => {
    throw new ChainUnavailableError(`the chain at ${rpcUrl} is not reachable (${err.message.split('\n')[0]})`, { cause: err });
  });
}

export interface EnsureDeploymentParameters {
  rpcUrl: string;
  /** Deploys from this key when there is nothing to reuse. */
  deployerKey: Hex;
  /** Where the deployment is recorded; default `<workDir>/deployments/<chainId>.json`. */
  deploymentFile?: string;
  workDir: string;
  /**
   * The chain was given by the user (not started by the run): a recorded deployment that does not
   * match it is an error rather than replaced, and only a local chain (31337) is deployed to unasked.
   */
  givenChain: boolean;
  /** Windows of a fresh deployment, seconds. */
  readingWindowSeconds?: number;
  challengeWindowSeconds?: number;
  onProgress?: (line: string) => void;
}

/** Reuses the deployment recorded for this chain if its contracts are there, else deploys. */
export async function ensureDeployment(p: EnsureDeploymentParameters): Promise<Deployment> {
  const progress = p.onProgress ?? (() => {});
  const probe = new ChainContext({ rpcUrl: p.rpcUrl, operatorKey: p.deployerKey, deployment: { chainId: 1 } as Deployment });
  const chainId = await chainIdAt(p.rpcUrl, probe);
  const file = p.deploymentFile ?? path.join(p.workDir, 'deployments', `${chainId}.json`);
  if (existsSync(file)) {
    const d = readDeploymentFile(file);
    const mismatch = await deploymentMismatch(probe.publicClient, d);
    if (!mismatch) {
      progress(`using the deployment in ${file}\n`);
      return d;
    }
    // Given a chain or a deployment, a mismatch is the user's to resolve; on the run's own chain, a
    // deployment file left by an earlier run is simply replaced.
    if (p.deploymentFile || p.givenChain) throw new ChainUnavailableError(`${describeDeploymentMismatch(mismatch, d, file)}; deploy again or point at the right chain`);
  }
  if (p.givenChain && !p.deploymentFile && chainId !== 31337) {
    throw new ChainUnavailableError(`no deployment for chain ${chainId} in ${file}: deploy first (pnpm deploy:local deploys to a local anvil)`);
  }
  progress(`deploying the contracts to chain ${chainId}…\n`);
  const t0 = performance.now();
  const deployed = await deployContracts({
    rpcUrl: p.rpcUrl,
    out: file,
    deployerPrivateKey: p.deployerKey,
    readingWindowSeconds: p.readingWindowSeconds ?? 2 * 3600,
    challengeWindowSeconds: p.challengeWindowSeconds ?? 3600,
  });
  progress(`deployed in ${((performance.now() - t0) / 1000).toFixed(1)} s: deployment written to ${file}\n`);
  return deployed;
}
