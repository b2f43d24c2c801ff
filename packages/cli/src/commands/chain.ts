// Connecting the participant, auditor and dispute commands to the chain an epoch is on.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { deploymentMismatch, describeDeploymentMismatch } from '@gridmarket/contracts';
import { readDeploymentFile } from '@gridmarket/contracts/node';
import { ANVIL_OPERATOR_KEY, ChainContext, DocumentStore } from '@gridmarket/oracle';
import type { Command } from 'commander';
import { createPublicClient, type Hex, http } from 'viem';
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

/** The chain flags of a command (chainOptions), as commander parses them. */
export type ChainOpts = { rpc?: string; deployment?: string; workDir?: string; config?: string };

export function chainFlags(opts: ChainOpts) {
  return { rpcUrl: opts.rpc, deploymentFile: opts.deployment, workDir: opts.workDir, config: opts.config };
}

/** Adds the chain flags to a command. */
export function withChain(cmd: Command): Command {
  for (const [flag, help] of chainOptions) cmd.option(flag, help);
  return cmd;
}

/** A key given with --key or --key-file (exactly one of them); `what` names it in the error. */
export async function keyFromFlags(opts: { key?: string; keyFile?: string }, what: string): Promise<Hex> {
  if ((opts.key === undefined) === (opts.keyFile === undefined)) throw new UsageError(`give ${what} with --key or --key-file (one of them)`);
  const { readKey } = await import('@gridmarket/net');
  return readKey(opts.key !== undefined ? 'key' : 'key-file', opts.key ?? opts.keyFile!, opts.key === undefined);
}
