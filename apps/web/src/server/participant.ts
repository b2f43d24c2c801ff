// What a participant's page needs from the server: the registered agents (to find the connected
// account's), and per epoch its schedule row and trades with their Merkle proofs, the statuses of
// its trades, its meter readings against the schedule, and its position (as settled, or as the
// shared settlement rule computes it from the readings on chain). The proofs are verified in the
// browser against the roots the browser reads from the chain itself.
import 'server-only';
import { MISSING_READING, participantRegistryAbi, settlePosition } from '@gridmarket/contracts';
import { type ChainContext, type DocumentStore, loadEpochData, positionOf, readEpochPositions, readStoredReadings, tradeStatuses } from '@gridmarket/oracle/read';
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
  const pos = positionOf(agentId, onchain.agentIds, `epoch ${epochId}`);
  const nameOf = new Map(onchain.agentIds.map((id, i) => [id, doc.case.agents[i]?.id ?? `agent ${id}`]));
  const [positions, readings, decimals] = await Promise.all([readEpochPositions(ctx, epochId), readStoredReadings(ctx, epochId, [agentId]), tokenDecimalsOf(ctx)]);
  const statuses = tradeStatuses(onchain.trades, positions, epoch);
  const measured = readings.get(agentId)?.energyWh;
  const settled = positions.settled.get(agentId);
  const rule = settlePosition({ mode: onchain.mode, isGrid: pos === onchain.gridPosition, toleranceWh: epoch.toleranceWh, row: onchain.rows[pos]!, measured, tariff: onchain.tariff });
  const passed = settled?.passed ?? rule.passed;
  return {
    epochId,
    agentId,
    mode: onchain.mode,
    tokenDecimals: decimals,
    toleranceWh: epoch.toleranceWh,
    schedule: { energyWh: onchain.rows[pos]!, proof: onchain.scheduleTree.getProof(pos) },
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
          status: statuses[i]!.status,
          verified: statuses[i]!.verified,
          proof: onchain.tradeTree!.getProof(i),
        },
      ];
    }),
    meter: Array.from({ length: 24 }, (_, h) => {
      const r = measured?.[h];
      return { hour: h, scheduledWh: onchain.rows[pos]![h]!, measuredWh: r === undefined || r === MISSING_READING ? null : r, passed: passed[h]! };
    }),
    reported: measured !== undefined,
    position: settled
      ? {
          settled: true,
          lock: settled.lock.toString(),
          credit: settled.credit.toString(),
          forfeit: settled.forfeit.toString(),
          surplusCredit: settled.surplusCredit.toString(),
          shortfallCharge: (settled.shortfallCharged + settled.shortfallUncollected).toString(),
        }
      : {
          settled: false,
          lock: rule.lock.toString(),
          credit: rule.credit.toString(),
          forfeit: rule.forfeit.toString(),
          surplusCredit: rule.surplusCredit.toString(),
          shortfallCharge: rule.shortfallCharge.toString(),
        },
  };
}
