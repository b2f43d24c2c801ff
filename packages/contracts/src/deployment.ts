// The addresses and parameters a deployment writes (script/Deploy.s.sol), validated at the edge.
import { type Address, getAddress, isAddress } from 'viem';
import { z } from 'zod';

const address = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), { message: 'not a 20-byte hex address' })
  .transform((s) => getAddress(s) as Address);

export const deploymentSchema = z.object({
  chainId: z.number().int().positive(),
  startBlock: z.number().int().nonnegative(),
  readingWindow: z.number().int().nonnegative(),
  challengeWindow: z.number().int().nonnegative(),
  minBond: z.union([z.number(), z.string()]).transform((v) => BigInt(v)),
  challengerShareBps: z.number().int().min(0).max(10_000),
  treasury: address,
  networkRegistry: address,
  participantRegistry: address,
  clearingLedger: address,
  meterReadings: address,
  settlement: address,
  settlementToken: address,
});

export type Deployment = z.output<typeof deploymentSchema>;

export class DeploymentFileError extends Error {
  override name = 'DeploymentFileError';
}

/** Parses a deployment document; errors name the field and the problem. */
export function parseDeployment(json: unknown, source = 'deployment'): Deployment {
  const result = deploymentSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new DeploymentFileError(`${source} is not a valid deployment: ${issues}`);
  }
  return result.data;
}

/** The settlement token has 6 decimals: one base unit is one micro-dollar. */
export const TOKEN_DECIMALS = 6;

/** The deployment's contracts, by the field naming each one's address. */
export const DEPLOYED_CONTRACTS = ['networkRegistry', 'participantRegistry', 'clearingLedger', 'meterReadings', 'settlement', 'settlementToken'] as const;

/** Why a deployment does not describe the chain it is used with. */
export type DeploymentMismatch = { kind: 'wrong-chain'; deploymentChainId: number; chainId: number } | { kind: 'no-code'; chainId: number; missing: readonly (typeof DEPLOYED_CONTRACTS)[number][] };

/**
 * Checks a deployment against the chain a client reaches: the same chain id, and code at each of its
 * addresses (a reset chain has none). Undefined when it matches. One check for the CLI, the pipeline
 * and the web app.
 */
export async function deploymentMismatch(
  client: { getChainId(): Promise<number>; getCode(args: { address: Address }): Promise<`0x${string}` | undefined> },
  deployment: Deployment,
): Promise<DeploymentMismatch | undefined> {
  const chainId = await client.getChainId();
  if (deployment.chainId !== chainId) return { kind: 'wrong-chain', deploymentChainId: deployment.chainId, chainId };
  const codes = await Promise.all(DEPLOYED_CONTRACTS.map((name) => client.getCode({ address: deployment[name] })));
  const missing = DEPLOYED_CONTRACTS.filter((_, i) => !codes[i] || codes[i] === '0x');
  return missing.length > 0 ? { kind: 'no-code', chainId, missing } : undefined;
}

/** The mismatch in a sentence, naming the file and the addresses. */
export function describeDeploymentMismatch(m: DeploymentMismatch, deployment: Deployment, file: string): string {
  if (m.kind === 'wrong-chain') return `the deployment ${file} is for chain ${m.deploymentChainId}, but the chain at the RPC URL is chain ${m.chainId}`;
  return `chain ${m.chainId} has no contract at the deployment's ${m.missing.map((name) => `${name} ${deployment[name]}`).join(', ')} (${file}): was the chain reset or the deployment made elsewhere?`;
}
