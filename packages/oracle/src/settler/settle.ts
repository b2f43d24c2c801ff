// The settler: settles every agent of an epoch that is not settled yet, in gas-bounded batches,
// revealing each agent's schedule row (a multiproof against the root on chain) and its standing
// meter reading. Anyone may do it; re-running sends nothing for agents already settled.
import { MISSING, packRows, scheduleMultiProof, settlementAbi, tariffArgs } from '@gridmarket/contracts';
import type { Hex } from 'viem';
import { sendInBatches } from '../chain/batching';
import type { Account, ChainContext } from '../chain/context';
import type { OnchainEpoch } from '../documents/onchain';
import type { StoredReading } from '../read/readings';

const NO_METER = '0x0000000000000000000000000000000000000000' as Hex;
const NO_VALUES = Array.from({ length: 24 }, () => MISSING);

/** The settleAgents call for the agents at some network positions. */
export function settleAgentsRequest(ctx: ChainContext, epoch: OnchainEpoch, positions: readonly number[], readings: ReadonlyMap<number, StoredReading>) {
  const mp = scheduleMultiProof(epoch.scheduleTree, positions);
  const stored = mp.agentIds.map((id) => readings.get(id));
  return {
    address: ctx.deployment.settlement,
    abi: settlementAbi,
    functionName: 'settleAgents' as const,
    args: [
      epoch.epochId,
      {
        agentIds: mp.agentIds,
        scheduleWh: mp.scheduleWh,
        meters: stored.map((r) => r?.meter ?? NO_METER),
        measuredWh: packRows(stored.map((r) => r?.energyWh ?? NO_VALUES)),
      },
      mp.proof,
      mp.proofFlagBits,
      tariffArgs(epoch.tariff),
    ] as const,
  };
}

/** Positions of the agents not settled (or refunded) yet. */
export async function unsettledPositions(ctx: ChainContext, epoch: OnchainEpoch): Promise<number[]> {
  const settled = await Promise.all(
    epoch.agentIds.map((id) => ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'isSettled', args: [epoch.epochId, id] })),
  );
  return epoch.agentIds.flatMap((_, k) => (settled[k] ? [] : [k]));
}

export async function settleEpoch(
  ctx: ChainContext,
  epoch: OnchainEpoch,
  readings: ReadonlyMap<number, StoredReading>,
  account?: Account,
): Promise<{ settled: number; batches: number }> {
  const pending = await unsettledPositions(ctx, epoch);
  if (pending.length === 0) return { settled: 0, batches: 0 };
  const { batches } = await sendInBatches(ctx, {
    step: 'settle positions',
    items: pending,
    build: (slice) => settleAgentsRequest(ctx, epoch, slice, readings),
    ...(account ? { account } : {}),
  });
  return { settled: pending.length, batches };
}
