// An auditor's check of one epoch: fetch the document, check it against the committed hash,
// recompute both Merkle roots and compare them with the chain, recheck power balance and line flows
// from the document with the network on chain, and compare every decided trade with the meter
// readings on chain.
import { MISSING_READING, meterReadingsAbi } from '@gridmarket/contracts';
import type { Hex } from 'viem';
import type { ChainContext } from './context';
import { findViolations, type Violation } from './dispute';
import { loadEpochData } from './epochData';
import { tradeStatuses } from './settlement';
import { checkConservation } from './onchain';
import type { DocumentStore } from './store';

export interface Disagreement {
  tradeIndex: number;
  status: 'settled' | 'rejected';
  /** What the readings on chain imply. */
  expected: 'settled' | 'rejected';
  reason: string;
}

export interface AuditReport {
  epochId: number;
  voided: boolean;
  document: { uri: string; hash: Hex; matchesChain: boolean };
  roots: { schedule: { chain: Hex; recomputed: Hex }; trades: { chain: Hex; recomputed: Hex }; match: boolean };
  violations: Violation[];
  /** Why the document's trades do not add up to its schedule, if they do not. */
  conservation: string | null;
  settlement: { settled: number; rejected: number; open: number; disagreements: Disagreement[] };
  ok: boolean;
}

export async function auditEpoch(ctx: ChainContext, store: DocumentStore, epochId: number): Promise<AuditReport> {
  const data = await loadEpochData(ctx, store, epochId); // throws StoreError on a tampered document
  const { epoch, onchain, doc } = data;
  const zero = `0x${'00'.repeat(32)}` as Hex;
  const scheduleRoot = onchain.scheduleTree.root as Hex;
  const tradeRoot = (onchain.tradeTree?.root ?? zero) as Hex;
  const rootsMatch = scheduleRoot === epoch.scheduleRoot && tradeRoot === epoch.tradeRoot;
  const violations = await findViolations(ctx, onchain, epoch.networkId);
  let conservation: string | null = null;
  try {
    checkConservation(doc);
  } catch (err) {
    conservation = (err as Error).message;
  }

  // Meter outcome per (agent, hour) from the readings on chain.
  const passes = new Map<number, boolean[]>();
  for (const [pos, id] of onchain.agentIds.entries()) {
    const has = await ctx.publicClient.readContract({ address: ctx.deployment.meterReadings, abi: meterReadingsAbi, functionName: 'hasReadings', args: [epochId, id] });
    const readings = has
      ? await ctx.publicClient.readContract({ address: ctx.deployment.meterReadings, abi: meterReadingsAbi, functionName: 'readings', args: [epochId, id] })
      : undefined;
    passes.set(
      id,
      Array.from({ length: 24 }, (_, h) => {
        const r = readings?.[h];
        return r !== undefined && r !== MISSING_READING && Math.abs(r - doc.schedule.wh[pos]![h]!) <= epoch.toleranceWh;
      }),
    );
  }
  const statuses = await tradeStatuses(ctx, epochId, onchain.trades.length);
  const disagreements: Disagreement[] = [];
  let settled = 0;
  let rejected = 0;
  let open = 0;
  onchain.trades.forEach((t, i) => {
    const s = statuses[i]!;
    if (s === 'open') {
      open++;
      return;
    }
    if (s === 'settled') settled++;
    else rejected++;
    const sellerOk = passes.get(t.seller)![t.hour]!;
    const buyerOk = passes.get(t.buyer)![t.hour]!;
    const expected = sellerOk && buyerOk ? 'settled' : 'rejected';
    if (expected !== s) {
      disagreements.push({
        tradeIndex: i,
        status: s,
        expected,
        reason: `seller ${t.seller} ${sellerOk ? 'within' : 'outside'} tolerance, buyer ${t.buyer} ${buyerOk ? 'within' : 'outside'} at hour ${t.hour}`,
      });
    }
  });
  return {
    epochId,
    voided: epoch.voided,
    document: { uri: data.uri, hash: epoch.documentHash, matchesChain: true },
    roots: { schedule: { chain: epoch.scheduleRoot, recomputed: scheduleRoot }, trades: { chain: epoch.tradeRoot, recomputed: tradeRoot }, match: rootsMatch },
    violations,
    conservation,
    settlement: { settled, rejected, open, disagreements },
    ok: rootsMatch && violations.length === 0 && conservation === null && disagreements.length === 0,
  };
}
