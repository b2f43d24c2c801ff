// Deploys the market with script/Deploy.s.sol through forge, and writes the deployment atomically.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Deployment, parseDeployment } from './deployment';
import { foundryBinary } from './foundry';

/** The repository root (foundry.toml lives there). */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface DeployOptions {
  rpcUrl: string;
  /** Where to write the deployment JSON (written atomically). */
  out: string;
  deployerPrivateKey?: `0x${string}`;
  oracle?: `0x${string}`;
  registrar?: `0x${string}`;
  settlementToken?: `0x${string}`;
  readingWindowSeconds?: number;
  challengeWindowSeconds?: number;
  minBondWei?: bigint;
  /** Share of a voided epoch's bond paid to a committed challenger, basis points (default 5000). */
  challengerShareBps?: number;
  /** Receives the rest of a voided epoch's bond (default: the burn address). */
  treasury?: `0x${string}`;
}

export class DeployError extends Error {
  override name = 'DeployError';
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new DeployError(`forge script failed (${code}):\n${out}`))));
  });
}

export async function deployContracts(options: DeployOptions): Promise<Deployment> {
  // forge may only write inside deployments/ (foundry.toml fs_permissions): stage the file there.
  await mkdir(path.join(REPO_ROOT, 'deployments'), { recursive: true });
  const dir = await mkdtemp(path.join(REPO_ROOT, 'deployments', '.staging-'));
  const tmp = path.join(dir, 'deployment.json');
  const env: NodeJS.ProcessEnv = { ...process.env, DEPLOYMENT_OUT: tmp };
  if (options.deployerPrivateKey) env.DEPLOYER_PRIVATE_KEY = options.deployerPrivateKey;
  if (options.oracle) env.ORACLE_ADDRESS = options.oracle;
  if (options.registrar) env.REGISTRAR_ADDRESS = options.registrar;
  if (options.settlementToken) env.SETTLEMENT_TOKEN = options.settlementToken;
  if (options.readingWindowSeconds !== undefined) env.READING_WINDOW = String(options.readingWindowSeconds);
  if (options.challengeWindowSeconds !== undefined) env.CHALLENGE_WINDOW = String(options.challengeWindowSeconds);
  if (options.minBondWei !== undefined) env.MIN_BOND = options.minBondWei.toString();
  if (options.challengerShareBps !== undefined) env.CHALLENGER_SHARE_BPS = String(options.challengerShareBps);
  if (options.treasury) env.TREASURY = options.treasury;
  try {
    await run(
      foundryBinary('forge'),
      ['script', 'script/Deploy.s.sol:Deploy', '--rpc-url', options.rpcUrl, '--broadcast', '--slow'],
      env,
      REPO_ROOT,
    );
    const deployment = parseDeployment(JSON.parse(await readFile(tmp, 'utf8')), tmp);
    await mkdir(path.dirname(options.out), { recursive: true });
    // Staged beside the destination, then renamed: readers never see a half-written file.
    const staged = `${options.out}.${process.pid}.tmp`;
    await copyFile(tmp, staged);
    await rename(staged, options.out);
    return deployment;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
