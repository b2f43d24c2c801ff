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
