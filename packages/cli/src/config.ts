// Configuration of the chain commands: flags, then environment, then a config file, then defaults.
// Validated with zod; errors name the setting and where it came from.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from './io';

const hexKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 0x-prefixed 32-byte hex private key');

export const configSchema = z
  .object({
    /** JSON-RPC URL of the chain; absent: `run` starts its own anvil. */
    rpcUrl: z.string().url().optional(),
    /** Key of the operator (deployer, registrar, oracle, relayer); anvil's first dev key by default. */
    operatorKey: hexKey.optional(),
    /** Deployment file (addresses); default: <workDir>/deployments/<chainId>.json. */
    deploymentFile: z.string().optional(),
    /** Where documents, deployments and chain state are kept. */
    workDir: z.string().default('.gridmarket'),
    /** Meter tolerance, Wh (at most a megawatt-hour: beyond it no reading can fail). */
    toleranceWh: z.number().int().positive().max(1e6).default(50),
    /** Standard deviation of the simulated meters' noise, Wh (at most a megawatt-hour). */
    noiseWh: z.number().nonnegative().max(1e6).default(15),
  })
  .strict();

export type Config = z.output<typeof configSchema>;

const ENV: Record<string, keyof Config> = {
  GRIDMARKET_RPC_URL: 'rpcUrl',
  GRIDMARKET_OPERATOR_KEY: 'operatorKey',
  GRIDMARKET_DEPLOYMENT: 'deploymentFile',
  GRIDMARKET_WORK_DIR: 'workDir',
};

/** Merges the config file (--config, GRIDMARKET_CONFIG or ./gridmarket.config.json), env and flags. */
export function loadConfig(flags: Partial<Record<keyof Config, unknown>> & { config?: string }): Config {
  const file = flags.config ?? process.env.GRIDMARKET_CONFIG ?? (existsSync('gridmarket.config.json') ? 'gridmarket.config.json' : undefined);
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UsageError(`config file ${file}: ${(err as Error).message}`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) if (process.env[name]) fromEnv[key] = process.env[name];
  const fromFlags = Object.fromEntries(Object.entries(flags).filter(([k, v]) => v !== undefined && k !== 'config'));
  const merged = { ...fromFile, ...fromEnv, ...fromFlags };
  const r = configSchema.safeParse(merged);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const key = String(i.path[0] ?? '');
    const source = key in fromFlags ? 'flag' : Object.values(ENV).includes(key as keyof Config) && key in fromEnv ? 'environment' : file ? `config file ${file}` : 'defaults';
    throw new UsageError(`${key || 'config'} (${source}): ${i.message}`);
  }
  return { ...r.data, workDir: path.resolve(r.data.workDir) };
}
