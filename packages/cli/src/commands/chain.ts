// Connecting the participant, auditor and dispute commands to the chain an epoch is on.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Deployment, parseDeployment } from '@gridmarket/contracts';
import { ANVIL_OPERATOR_KEY, ChainContext, DocumentStore } from '@gridmarket/oracle';
import { createPublicClient, http, type PublicClient } from 'viem';
import type { Config } from '../config';
import { ChainMismatchError } from '../errors';
import { UsageError } from '../io';

export async function connect(config: Config): Promise<{ ctx: ChainContext; store: DocumentStore }> {
  if (!config.rpcUrl) throw new UsageError('--rpc is required: the URL of the chain the epoch is on (gridmarket run prints it)');
  const client = createPublicClient({ transport: http(config.rpcUrl) });
  const chainId = await client.getChainId().catch((err: Error) => {
    throw new ChainMismatchError(`the chain at ${config.rpcUrl} is not reachable (${err.message.split('\n')[0]})`, { cause: err });
  });
  const file = config.deploymentFile ?? path.join(config.workDir, 'deployments', `${chainId}.json`);
  if (!existsSync(file)) throw new UsageError(`no deployment file ${file} for chain ${chainId}: pass --deployment`);
  const deployment = parseDeployment(readJson(file), file);
  await checkDeployment(client, chainId, deployment, file);
  const ctx = new ChainContext({ rpcUrl: config.rpcUrl, deployment, operatorKey: (config.operatorKey as `0x${string}` | undefined) ?? ANVIL_OPERATOR_KEY });
  return { ctx, store: new DocumentStore(path.join(config.workDir, 'store')) };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--deployment ${file}: not a readable JSON file (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
}

/** The deployment is for this chain, and each of its contracts has code there (a reset chain has none). */
async function checkDeployment(client: PublicClient, chainId: number, deployment: Deployment, file: string): Promise<void> {
  if (deployment.chainId !== chainId) {
    throw new ChainMismatchError(`the deployment ${file} is for chain ${deployment.chainId}, but the chain at the RPC URL is chain ${chainId}`);
  }
  const contracts = ['networkRegistry', 'participantRegistry', 'clearingLedger', 'meterReadings', 'settlement', 'settlementToken'] as const;
  const codes = await Promise.all(contracts.map((name) => client.getCode({ address: deployment[name] })));
  const missing = contracts.filter((_, i) => !codes[i] || codes[i] === '0x');
  if (missing.length > 0) {
    throw new ChainMismatchError(
      `chain ${chainId} has no contract at the deployment's ${missing.map((m) => `${m} ${deployment[m]}`).join(', ')} (${file}): was the chain reset or the deployment made elsewhere?`,
    );
  }
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
