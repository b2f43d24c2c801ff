// Disputes: finds an hour of a committed schedule that breaks power balance or a line limit, with
// the same integer arithmetic as ClearingLedger, and proves it on chain from that hour's leaves.
import { clearingLedgerAbi, networkRegistryAbi, participantRegistryAbi, scheduleMultiProof } from '@gridmarket/contracts';
import type { ChainContext } from './context';
import type { OnchainEpoch } from './onchain';

export interface Violation {
  hour: number;
  kind: 'imbalance' | 'overload';
  /** Net injection (imbalance) or the line's flow (overload), Wh. */
  amountWh: bigint;
  line?: number;
  limitWh?: bigint;
}

const SCALE = 1_000_000_000n;

/** Every violation the contract would accept as proof, hour by hour. */
export async function findViolations(ctx: ChainContext, epoch: OnchainEpoch, networkId: number): Promise<Violation[]> {
  const net = await ctx.publicClient.readContract({ address: ctx.deployment.networkRegistry, abi: networkRegistryAbi, functionName: 'network', args: [networkId] });
  const ptdf = await ctx.publicClient.readContract({ address: ctx.deployment.networkRegistry, abi: networkRegistryAbi, functionName: 'ptdf', args: [networkId] });
  const limits = await ctx.publicClient.readContract({ address: ctx.deployment.networkRegistry, abi: networkRegistryAbi, functionName: 'lineLimits', args: [networkId] });
  const bus = new Map<number, number>();
  for (const id of epoch.agentIds) {
    const a = await ctx.publicClient.readContract({ address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'agent', args: [id] });
    bus.set(id, a.bus);
  }
  const out: Violation[] = [];
  for (let hour = 0; hour < 24; hour++) {
    const leaves = epoch.schedule.filter((l) => l.hour === hour);
    const imbalance = leaves.reduce((s, l) => s + l.energyWh, 0n);
    if (imbalance !== 0n) {
      out.push({ hour, kind: 'imbalance', amountWh: imbalance });
      continue;
    }
    for (let line = 0; line < net.lineCount; line++) {
      let flow = 0n;
      for (const l of leaves) flow += BigInt(ptdf[line * net.busCount + bus.get(l.agentId)! - 1]!) * l.energyWh;
      const bound = (BigInt(limits[line]!) + BigInt(net.flowToleranceWh)) * SCALE;
      if (flow > bound || flow < -bound) {
        const half = flow > 0n ? SCALE / 2n : -SCALE / 2n;
        out.push({ hour, kind: 'overload', amountWh: (flow + half) / SCALE, line, limitWh: BigInt(limits[line]!) });
        break;
      }
    }
  }
  return out;
}

/** The call that proves `hour` of the epoch infeasible: every agent's leaf for that hour. */
export function disputeHourRequest(ctx: ChainContext, epoch: OnchainEpoch, hour: number) {
  const indices = epoch.schedule.flatMap((l, i) => (l.hour === hour ? [i] : []));
  const mp = scheduleMultiProof(epoch.scheduleTree, indices);
  return {
    address: ctx.deployment.clearingLedger,
    abi: clearingLedgerAbi,
    functionName: 'disputeHour' as const,
    args: [epoch.epochId, hour, mp.leaves, mp.proof, mp.proofFlagBits] as const,
  };
}

/** Sends the proof that `hour` of the epoch is infeasible, from the operator (a watcher). */
export async function disputeHour(ctx: ChainContext, epoch: OnchainEpoch, hour: number): Promise<void> {
  await ctx.send('dispute', disputeHourRequest(ctx, epoch, hour));
}
