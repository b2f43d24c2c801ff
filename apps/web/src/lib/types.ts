// What the server hands the pages: plain JSON (integers that can exceed 2^53 as decimal strings).
import type { EpochStatus } from './status';

export interface EpochSummary {
  id: number;
  status: EpochStatus;
  /** How positions settle: imbalance (two-settlement) or thesis. */
  mode: 'imbalance' | 'thesis';
  networkId: number;
  oracle: string;
  postedAt: number;
  readingsCloseAt: number;
  challengeEndsAt: number;
  toleranceWh: number;
  agentCount: number;
  tradeCount: number;
  /** Scheduled supply of the day (Wh) and what the epoch pays for it at most (token base units). */
  supplyWh: string;
  supplyValue: string;
  /** Locked from consumers at posting, and the grid agent's surplus reserve (base units). */
  lockedValue: string;
  reserve: string;
  /** Positions settled (or refunded, if voided) so far. */
  settledAgents: number;
  /** Paid so far (base units): day-ahead credits, forfeits, imbalance charges and credits. */
  credited: string;
  forfeited: string;
  shortfallCharged: string;
  shortfallUncollected: string;
  surplusCredited: string;
  voided: boolean;
  scheduleRoot: string;
  tradeRoot: string;
  documentHash: string;
  documentURI: string;
}

/** The document of an epoch as the app could get it. */
export type DocumentState = { state: 'ok' } | { state: 'missing' | 'tampered' | 'refused' | 'invalid'; message: string };

export interface HeatCell {
  x: number;
  y: number;
  kwh: number;
}

export interface EpochCharts {
  caseName: string;
  method: string;
  welfareUsd: number;
  prices: { hour: number; settlement: number; system: number }[];
  dispatch: { hour: number; generation: number; gridImport: number; discharge: number; consumption: number; charge: number }[];
  soc: { agents: string[]; rows: Record<string, number>[] };
  lines: { line: string; limitKw: number; constrained: number; unconstrained: number | null }[];
  unconstrainedWelfareUsd: number | null;
  admm: { iteration: number; primal: number; dual: number; epsPrimal: number; epsDual: number }[] | null;
  sellerBuyer: { sellers: string[]; buyers: string[]; cells: HeatCell[] };
  sellerHour: { sellers: string[]; cells: HeatCell[] };
  settlementByHour: { hour: number; settledKwh: number; rejectedKwh: number; openKwh: number; settledUsd: number }[];
}

export interface AgentInfo {
  id: number;
  name: string;
  kind: 'grid' | 'seller' | 'buyer';
  bus: number;
  owner: string;
  hasStorage: boolean;
}

/** A participant's view of one epoch (the proofs are checked in the browser, not here). */
export interface ParticipantEpoch {
  epochId: number;
  agentId: number;
  mode: 'imbalance' | 'thesis';
  tokenDecimals: number;
  /** The agent's schedule row (24 hourly Wh) and its proof against the schedule root. */
  schedule: { energyWh: number[]; proof: string[] };
  trades: {
    tradeIndex: number;
    role: 'seller' | 'buyer';
    counterparty: number;
    counterpartyName: string;
    hour: number;
    energyWh: string;
    value: string;
    status: 'open' | 'settled' | 'rejected' | 'voided';
    verified: boolean;
    proof: string[];
  }[];
  /** Per hour: scheduled and metered Wh, and whether the hour was within the tolerance. */
  meter: { hour: number; scheduledWh: number; measuredWh: number | null; passed: boolean }[];
  /** Whether the meter reported at all (a reading is stored on chain). */
  reported: boolean;
  /** The position as settled on chain, or as the settlement rule computes it from the readings. */
  position: { settled: boolean; lock: string; credit: string; forfeit: string; surplusCredit: string; shortfallCharge: string };
  toleranceWh: number;
}

/** An event of the gridmarket contracts. */
export interface EventRecord {
  block: number;
  tx: string;
  logIndex: number;
  contract: string;
  event: string;
  epoch: number | null;
  agent: number | null;
  details: string;
}

/** A transaction sent to a gridmarket contract. */
export interface TxRecord {
  block: number;
  hash: string;
  from: string;
  contract: string;
  fn: string;
  gasUsed: number;
  ok: boolean;
}

/** An account the local node signs for (development only). */
export interface DevAccount {
  address: string;
  label: string;
}
