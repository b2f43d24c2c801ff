// Where the app reads from: the chain (JSON-RPC), the deployment of the contracts on it and the
// document store. Set by environment (gridmarket run sets them when it serves the app).
import path from 'node:path';
import { z } from 'zod';

const schema = z.object({
  GRIDMARKET_RPC_URL: z.string().url('must be an http(s) URL').default('http://127.0.0.1:8545'),
  /** Document store and deployments (<workDir>/store, <workDir>/deployments/<chainId>.json). */
  GRIDMARKET_WORK_DIR: z.string().min(1).default('.gridmarket'),
  /** A deployment file, if not the one in the work dir. */
  GRIDMARKET_DEPLOYMENT: z.string().min(1).optional(),
  /** Offer the development accounts (anvil impersonation) on a local chain: on unless "0". */
  GRIDMARKET_DEV_ACCOUNTS: z.enum(['0', '1']).default('1'),
  /**
   * Comma-separated origins (http(s)://host:port) the app may fetch result documents from; none by
   * default. The URI is whatever the epoch's poster wrote on chain: without this list it could make
   * the server fetch from the server's own network.
   */
  GRIDMARKET_DOCUMENT_ORIGINS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const origins: string[] = [];
      for (const item of v.split(',').map((x) => x.trim()).filter(Boolean)) {
        let url: URL | undefined;
        try {
          url = new URL(item);
        } catch {}
        if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
          ctx.addIssue({ code: 'custom', message: `"${item}" is not an http(s) origin` });
          return z.NEVER;
        }
        origins.push(url.origin);
      }
      return origins;
    }),
});

export interface WebConfig {
  rpcUrl: string;
  workDir: string;
  deploymentFile: string | undefined;
  devAccounts: boolean;
  /** Origins documents are fetched from over HTTP (GRIDMARKET_DOCUMENT_ORIGINS). */
  documentOrigins: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function webConfig(env: Record<string, string | undefined> = process.env): WebConfig {
  const r = schema.safeParse(env);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ConfigError(`${String(i.path[0])}: ${i.message}`);
  }
  return {
    rpcUrl: r.data.GRIDMARKET_RPC_URL,
    workDir: path.resolve(r.data.GRIDMARKET_WORK_DIR),
    deploymentFile: r.data.GRIDMARKET_DEPLOYMENT,
    devAccounts: r.data.GRIDMARKET_DEV_ACCOUNTS === '1',
    documentOrigins: r.data.GRIDMARKET_DOCUMENT_ORIGINS,
  };
}
