// Connecting the participant, auditor and dispute commands to the chain an epoch is on.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { deploymentMismatch, describeDeploymentMismatch } from '@gridmarket/contracts';
import { readDeploymentFile } from '@gridmarket/contracts/node';
import { ANVIL_OPERATOR_KEY, ChainContext, DocumentStore } from '@gridmarket/oracle';
import { createPublicClient, http } from 'viem';
import type { Config } from '../config';
import { ChainMismatchError } from '../errors';
import { UsageError } from '../io';

export async function connect(config: Config, options: { documentsUrl?: string } = {}): Promise<{ ctx: ChainContext; store: DocumentStore }> {
  if (!config.rpcUrl) throw new UsageError('--rpc is required: the URL of the chain the epoch is on (gridmarket run prints it)');
  const client = createPublicClient({ transport: http(config.rpcUrl) });
  const chainId = await client.getChainId().catch((err: Error) => {
    throw new ChainMismatchError(`the chain at ${config.rpcUrl} is not reachable (${err.message.split('\n')[0]})`, { cause: err });
  });
  const file = config.deploymentFile ?? path.join(config.workDir, 'deployments', `${chainId}.json`);
  if (!existsSync(file)) throw new UsageError(`no deployment file ${file} for chain ${chainId}: pass --deployment`);
  const deployment = readDeploymentFile(file);
  const mismatch = await deploymentMismatch(client, deployment);
  if (mismatch) throw new ChainMismatchError(describeDeploymentMismatch(mismatch, deployment, file));
  const ctx = new ChainContext({ rpcUrl: config.rpcUrl, deployment, operatorKey: (config.operatorKey as `0x${string}` | undefined) ?? ANVIL_OPERATOR_KEY });
  return { ctx, store: new DocumentStore(path.join(config.workDir, 'store'), options.documentsUrl) };
}

export const chainOptions = [
  ['--rpc <url>', 'JSON-RPC URL of the chain (env GRIDMARKET_RPC_URL)'],
  ['--deployment <file>', 'deployment file (default: <work-dir>/deployments/<chainId>.json)'],
  ['--work-dir <dir>', 'document store and deployments (default .gridmarket)'],
  ['--config <file>', 'config file (default gridmarket.config.json if present)'],
] as const;

export function chainFlags(opts: { rpc?: string; deployment?: string; workDir?: string; config?: string }) {
  return { rpcUrl: opts.rpc, deploymentFile: opts.deployment, workDir: opts.workDir, config: opts.config };
}
