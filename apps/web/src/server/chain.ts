// The app's connection to the chain and the document store, with the states a user must be told
// about: no chain at the URL, no deployment for it, or a deployment made for another chain.
import 'server-only';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Deployment, parseDeployment } from '@gridmarket/contracts';
import { ChainContext, DocumentStore } from '@gridmarket/oracle/read';
import { createPublicClient, http } from 'viem';
import { type WebConfig, webConfig } from './config';
import { errorResponse, json } from './http';

export type Connection =
  | { state: 'ok'; ctx: ChainContext; store: DocumentStore; deployment: Deployment; config: WebConfig; chainId: number; now: bigint; blockNumber: bigint }
  | { state: 'no-chain'; config: WebConfig; reason: string }
  | { state: 'no-deployment'; config: WebConfig; chainId: number; reason: string }
  | { state: 'wrong-chain'; config: WebConfig; chainId: number; expected: number; file: string };

let cached: { key: string; ctx: ChainContext } | undefined;

export async function connect(): Promise<Connection> {
  const config = webConfig();
  const probe = createPublicClient({ transport: http(config.rpcUrl, { retryCount: 0, timeout: 3000 }) });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (err) {
    return { state: 'no-chain', config, reason: (err as Error).message.split('\n')[0] ?? 'no answer' };
  }
  const file = config.deploymentFile ?? path.join(config.workDir, 'deployments', `${chainId}.json`);
  if (!existsSync(/*turbopackIgnore: true*/ file)) return { state: 'no-deployment', config, chainId, reason: `no deployment file ${file}` };
  let deployment: Deployment;
  try {
    deployment = parseDeployment(JSON.parse(readFileSync(/*turbopackIgnore: true*/ file, 'utf8')), file);
  } catch (err) {
    return { state: 'no-deployment', config, chainId, reason: (err as Error).message };
  }
  if (deployment.chainId !== chainId) return { state: 'wrong-chain', config, chainId, expected: deployment.chainId, file };
  const key = `${config.rpcUrl}|${file}|${deployment.chainId}|${deployment.clearingLedger}|${deployment.settlement}`;
  if (cached?.key !== key) cached = { key, ctx: new ChainContext({ rpcUrl: config.rpcUrl, deployment }) };
  const ctx = cached.ctx;
  const code = await ctx.publicClient.getCode({ address: deployment.clearingLedger });
  if (!code || code === '0x') {
    return { state: 'no-deployment', config, chainId, reason: `${file} names contracts that chain ${chainId} does not have (was the chain reset?)` };
  }
  const block = await ctx.publicClient.getBlock();
  return { state: 'ok', ctx, store: new DocumentStore(path.join(config.workDir, 'store'), undefined, { httpOrigins: config.documentOrigins, files: false }), deployment, config, chainId, now: block.timestamp, blockNumber: block.number };
}

export type Connected = Extract<Connection, { state: 'ok' }>;

/**
 * A route handler that needs the chain: without a usable one it answers 503 saying what is wrong,
 * and whatever the handler throws becomes a JSON error with the status `errorResponse` gives it.
 */
export function chainRoute<P>(handler: (c: Connected, req: Request, params: P) => Promise<Response>) {
  return async (req: Request, { params }: { params: Promise<P> }): Promise<Response> => {
    const c = await connect();
    if (c.state !== 'ok') return json({ error: describeConnection(c) }, 503);
    try {
      return await handler(c, req, await params);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

export function describeConnection(c: Exclude<Connection, { state: 'ok' }>): string {
  switch (c.state) {
    case 'no-chain':
      return `No chain answers at ${c.config.rpcUrl} (${c.reason}). Start one with "gridmarket run" or set GRIDMARKET_RPC_URL.`;
    case 'no-deployment':
      return `Chain ${c.chainId} at ${c.config.rpcUrl} has no gridmarket deployment: ${c.reason}.`;
    case 'wrong-chain':
      return `Wrong chain: ${c.file} is a deployment on chain ${c.expected}, but ${c.config.rpcUrl} is chain ${c.chainId}.`;
  }
}
