// An auditor's check of one epoch from public data: fetch the document and check it against the
// committed hash; recompute the schedule root from the rows, the trade root and the tariff hash and
// compare them with the chain; recheck balance and every line flow with the network on chain, and
// every trade against its parties' rows and the tariff; and recompute every settled position from
// the standing meter readings with the shared settlement rule, comparing it with what the
// Settlement contract paid.
import { epochCommitments, settlePosition, tariffHash } from '@gridmarket/contracts';
import type { Hex } from 'viem';
import type { ChainContext } from '../chain/context';
import { checkConservation } from '../documents/onchain';
import type { DocumentStore } from '../documents/store';
import { loadEpochData } from '../read/epochData';
import { readEpochBook, readEpochPositions } from '../read/positions';
import { readStoredReadings } from '../read/readings';
import { findViolations, type Violation } from './dispute';

export interface PositionDisagreement {
  agentId: number;
  field: 'lock' | 'credit' | 'forfeit' | 'surplusCredit' | 'shortfallCharge' | 'passed';
  paid: string;
  expected: string;
}

export interface AuditReport {
  epochId: number;
  voided: boolean;
  document: { uri: string; hash: Hex; matchesChain: boolean };
  roots: { schedule: { chain: Hex; recomputed: Hex }; trades: { chain: Hex; recomputed: Hex }; tariff: { chain: Hex; recomputed: Hex }; match: boolean };
  /** What posting locked and commits, recomputed, against the chain. */
  commitments: { lockedValue: string; supplyValue: string; reserve: string; match: boolean };
  violations: Violation[];
  /** Why the document's trades do not add up to its schedule, if they do not. */
  conservation: string | null;
  settlement: { agents: number; settled: number; refunded: number; disagreements: PositionDisagreement[] };
  ok: boolean;
}

export async function auditEpoch(ctx: ChainContext, store: DocumentStore, epochId: number): Promise<AuditReport> {
  const data = await loadEpochData(ctx, store, epochId); // throws StoreError on a tampered document
  const { epoch, onchain, doc } = data;
  const zero = `0x${'00'.repeat(32)}` as Hex;
  const scheduleRoot = onchain.scheduleTree.root as Hex;
  const tradeRoot = (onchain.tradeTree?.root ?? zero) as Hex;
  const tariff = tariffHash(onchain.tariff);
  const rootsMatch = scheduleRoot === epoch.scheduleRoot && tradeRoot === epoch.tradeRoot && tariff === epoch.tariffHash;
  const c = epochCommitments(onchain.rows, onchain.gridPosition, onchain.tariff, onchain.mode);
  const commitmentsMatch = c.lockedValue === epoch.lockedValue && c.supplyValue === epoch.supplyValue && c.reserve === epoch.reserve;
  const violations = await findViolations(ctx, onchain, epoch.networkId);
  let conservation: string | null = null;
  try {
    checkConservation(doc);
  } catch (err) {
    conservation = (err as Error).message;
  }

  const positions = await readEpochPositions(ctx, epochId);
  const readings = await readStoredReadings(ctx, epochId, onchain.agentIds);
  const disagreements: PositionDisagreement[] = [];
  onchain.agentIds.forEach((agentId, k) => {
    const paid = positions.settled.get(agentId);
    if (!paid) return;
    const expected = settlePosition({
      mode: onchain.mode,
      isGrid: k === onchain.gridPosition,
      toleranceWh: epoch.toleranceWh,
      row: onchain.rows[k]!,
      measured: readings.get(agentId)?.energyWh,
      tariff: onchain.tariff,
    });
    const compare = (field: PositionDisagreement['field'], a: unknown, b: unknown) => {
      if (String(a) !== String(b)) disagreements.push({ agentId, field, paid: String(a), expected: String(b) });
    };
    compare('lock', paid.lock, expected.lock);
    compare('credit', paid.credit, expected.credit);
    compare('forfeit', paid.forfeit, expected.forfeit);
    compare('surplusCredit', paid.surplusCredit, expected.surplusCredit);
    compare('shortfallCharge', paid.shortfallCharged + paid.shortfallUncollected, expected.shortfallCharge);
    compare('passed', paid.passed.map(Number).join(''), expected.passed.map(Number).join(''));
  });
  const book = await readEpochBook(ctx, epochId);
  return {
    epochId,
    voided: epoch.voided,
    document: { uri: data.uri, hash: epoch.documentHash, matchesChain: true },
    roots: {
      schedule: { chain: epoch.scheduleRoot, recomputed: scheduleRoot },
      trades: { chain: epoch.tradeRoot, recomputed: tradeRoot },
      tariff: { chain: epoch.tariffHash, recomputed: tariff },
      match: rootsMatch,
    },
    commitments: { lockedValue: c.lockedValue.toString(), supplyValue: c.supplyValue.toString(), reserve: c.reserve.toString(), match: commitmentsMatch },
    violations,
    conservation,
    settlement: { agents: onchain.agentIds.length, settled: positions.settled.size, refunded: positions.refunded.size, disagreements },
    ok: rootsMatch && commitmentsMatch && violations.length === 0 && conservation === null && disagreements.length === 0 && book.settledAgents === positions.settled.size + positions.refunded.size,
  };
}
