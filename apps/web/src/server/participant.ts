// What a participant's page needs from the server: the registered agents (to find the connected
// account's), and per epoch its schedule and trade leaves with their Merkle proofs, the statuses of
// its trades and its meter checks. The proofs are verified in the browser against the roots the
// browser reads from the chain itself.
import 'server-only';
import { MISSING_READING, meterReadingsAbi, participantRegistryAbi } from '@gridmarket/contracts';
import { type ChainContext, checkBitsOf, type DocumentStore, isChecked, isPassed, loadEpochData, tradeStatuses } from '@gridmarket/oracle/read';
import type { AgentInfo, ParticipantEpoch } from '@/lib/types';
import { tokenDecimalsOf } from './epochs';

// IParticipantRegistry.AgentKind, in its declaration order.
const KINDS = ['seller', 'buyer', 'grid'] as const;

/** Every registered agent, named as in the latest document that lists it. */
export async function listAgents(ctx: ChainContext, names: Map<number, string>): Promise<AgentInfo[]> {
  const count = await ctx.publicClient.readContract({ address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'agentCount' });
  const agents = await Promise.all(
    Array.from({ length: count }, (_, id) => ctx.publicClient.readContract({ address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'agent', args: [id] })),
  );
  return agents.map((a, id) => ({ id, name: names.get(id) ?? `agent ${id}`, kind: KINDS[a.kind] ?? 'buyer', bus: a.bus, owner: a.owner, hasStorage: a.hasStorage }));
}

export async function participantEpoch(ctx: ChainContext, store: DocumentStore, epochId: number, agentId: number): Promise<ParticipantEpoch> {
  const { epoch, onchain, doc } = await loadEpochData(ctx, store, epochId);
  const pos = onchain.agentIds.indexOf(agentId);
  if (pos < 0) throw new RangeError(`agent ${agentId} is not in epoch ${epochId}`);
  const nameOf = new Map(onchain.agentIds.map((id, i) => [id, doc.case.agents[i]?.id ?? `agent ${id}`]));
  const [statuses, [bits], has, decimals] = await Promise.all([
    tradeStatuses(ctx, epochId, onchain.trades.length),
    checkBitsOf(ctx, epochId, [agentId]),
    ctx.publicClient.readContract({ address: ctx.deployment.meterReadings, abi: meterReadingsAbi, functionName: 'hasReadings', args: [epochId, agentId] }),
    tokenDecimalsOf(ctx),
  ]);
  const readings = has ? await ctx.publicClient.readContract({ address: ctx.deployment.meterReadings, abi: meterReadingsAbi, functionName: 'readings', args: [epochId, agentId] }) : undefined;
  return {
    epochId,
    agentId,
    tokenDecimals: decimals,
    toleranceWh: epoch.toleranceWh,
    schedule: onchain.schedule.flatMap((leaf, i) => (leaf.agentId === agentId ? [{ hour: leaf.hour, energyWh: leaf.energyWh.toString(), proof: onchain.scheduleTree.getProof(i) }] : [])),
    trades: onchain.trades.flatMap((t, i) => {
      if (t.seller !== agentId && t.buyer !== agentId) return [];
      const counterparty = t.seller === agentId ? t.buyer : t.seller;
      return [
        {
          tradeIndex: t.tradeIndex,
          role: t.seller === agentId ? ('seller' as const) : ('buyer' as const),
          counterparty,
          counterpartyName: nameOf.get(counterparty)!,
          hour: t.hour,
          energyWh: t.energyWh.toString(),
          value: t.value.toString(),
          status: statuses[i]!,
          proof: onchain.tradeTree!.getProof(i),
        },
      ];
    }),
    meter: Array.from({ length: 24 }, (_, h) => {
      const r = readings?.[h];
      return {
        hour: h,
        scheduledWh: doc.schedule.wh[pos]![h]!,
        measuredWh: r === undefined || r === MISSING_READING ? null : r,
        checked: isChecked(bits!, h),
        passed: isPassed(bits!, h),
      };
    }),
  };
}
