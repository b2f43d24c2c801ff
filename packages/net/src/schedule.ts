// The operator's word on each agent's consensus: an EIP-712 ConsensusSchedule per agent, the same
// struct and domain as ClearingLedger (`disputeSignedSchedule` recovers the signer and voids the
// epoch when the posted row differs). energyWh is the row the operator will post: the market's
// schedule rounded to whole Wh by roundScheduleWh (each hour sums to zero).
import { type Hex, hashTypedData, recoverTypedDataAddress } from 'viem';
import type { LocalAccount } from 'viem/accounts';

export interface ScheduleDomain {
  chainId: number;
  /** The ClearingLedger's address. */
  verifyingContract: Hex;
}

export interface SignedSchedule {
  epochId: number;
  agentId: number;
  energyWh: number[];
  signature: Hex;
}

export const CONSENSUS_SCHEDULE_TYPES = {
  ConsensusSchedule: [
    { name: 'epochId', type: 'uint32' },
    { name: 'agentId', type: 'uint16' },
    { name: 'energyWh', type: 'int32[24]' },
  ],
} as const;

const domainOf = (d: ScheduleDomain) => ({ name: 'GridMarket Clearing', version: '1', chainId: d.chainId, verifyingContract: d.verifyingContract });

function typed(d: ScheduleDomain, epochId: number, agentId: number, energyWh: readonly number[]) {
  if (energyWh.length !== 24) throw new Error(`a consensus schedule has 24 hours, got ${energyWh.length}`);
  return {
    domain: domainOf(d),
    types: CONSENSUS_SCHEDULE_TYPES,
    primaryType: 'ConsensusSchedule' as const,
    message: { epochId, agentId, energyWh: energyWh.map((w) => w) as unknown as readonly number[] & { length: 24 } },
  };
}

export async function signSchedule(account: LocalAccount, d: ScheduleDomain, epochId: number, agentId: number, energyWh: readonly number[]): Promise<SignedSchedule> {
  const signature = await account.signTypedData(typed(d, epochId, agentId, energyWh) as Parameters<LocalAccount['signTypedData']>[0]);
  return { epochId, agentId, energyWh: [...energyWh], signature };
}

export async function scheduleSigner(d: ScheduleDomain, s: SignedSchedule): Promise<Hex> {
  return recoverTypedDataAddress({ ...typed(d, s.epochId, s.agentId, s.energyWh), signature: s.signature } as Parameters<typeof recoverTypedDataAddress>[0]);
}

export const scheduleDigest = (d: ScheduleDomain, s: Omit<SignedSchedule, 'signature'>): Hex =>
  hashTypedData(typed(d, s.epochId, s.agentId, s.energyWh) as Parameters<typeof hashTypedData>[0]);
