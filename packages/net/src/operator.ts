// The operator's process logic for one epoch: it holds the public case only, runs the ADMM rounds
// over NATS (an OperatorSession per attempt), restarts the epoch without agents that the fault
// policy excluded, builds the result document, and signs each agent's consensus schedule.
import type { NatsConnection } from '@nats-io/transport-node';
import { type AdmmOptions, buildResult, type ClearingSolution, type Market, type PublicCase, type ResultDocument, roundScheduleWh, runAdmmOver } from '@gridmarket/clearing';
import type { LocalAccount } from 'viem/accounts';
import { DEFAULT_FAULT_POLICY, EpochRestart, type ExclusionReason, type FaultPolicy, OperatorSession, type WireStats } from './operatorSession';
import { ClearingAbortedError } from './errors';
import { noRefusals, type RefusalCounts } from './protocol';
import { type ScheduleDomain, signSchedule, type SignedSchedule } from './schedule';

export interface OperatorEpochOptions {
  prefix?: string;
  epoch: number;
  market: Market;
  publicCase: PublicCase;
  account: LocalAccount;
  admm?: Omit<AdmmOptions, 'constrained'> & { constrained?: boolean };
  policy?: Partial<FaultPolicy>;
  /** The ledger's EIP-712 domain: with it, each agent's schedule is signed and sent to it. */
  scheduleDomain?: ScheduleDomain;
  /** On-chain agent id of each agent (case order), for the signed schedules (default: the index). */
  onchainAgentIds?: readonly number[];
  /** Attempts before the operator gives up (each attempt excludes at least one agent). */
  maxAttempts?: number;
  log?: (line: string) => void;
  /** Called with each attempt's session when it starts (tests stop an operator mid-clearing with it). */
  onSession?: (s: OperatorSession) => void;
}

export interface OperatorStatus {
  epoch: number;
  /** converged, or converged without some agents (never a plain "converged" then), or the ADMM status. */
  clearing: string;
  admmStatus: string;
  iterations: number;
  attempts: number;
  sessions: number[];
  excluded: { agent: number; id: string; reason: ExclusionReason; detail: string }[];
  refused: RefusalCounts;
  wire: WireStats;
  msPerRound: number;
  /** Wall time of the last attempt: waiting for every hello (certificates), the rounds, the result document and signed schedules. */
  timingsMs: { join: number; rounds: number; document: number };
}

export interface OperatorEpochResult {
  solution: ClearingSolution;
  document: ResultDocument;
  scheduleWh: number[][];
  schedules: SignedSchedule[];
  status: OperatorStatus;
}

let lastSession = 0;
/** Session numbers: milliseconds since 1970, strictly increasing within a process. */
export function nextSession(): number {
  lastSession = Math.max(Date.now(), lastSession + 1);
  return lastSession;
}

export async function runOperatorEpoch(nc: NatsConnection, o: OperatorEpochOptions): Promise<OperatorEpochResult> {
  const policy = { ...DEFAULT_FAULT_POLICY, ...o.policy };
  const refused = noRefusals();
  const wire: WireStats = { messagesOut: 0, bytesOut: 0, messagesIn: 0, bytesIn: 0 };
  const excluded = new Map<number, { reason: ExclusionReason; detail: string }>();
  const sessions: number[] = [];
  const admm: AdmmOptions = { constrained: true, ...o.admm };
  const maxAttempts = o.maxAttempts ?? o.publicCase.agents.length;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const session = nextSession();
    sessions.push(session);
    const s = new OperatorSession(nc, {
      prefix: o.prefix ?? 'gridmarket',
      epoch: o.epoch,
      session,
      publicCase: o.publicCase,
      account: o.account,
      policy,
      excluded: new Map([...excluded].map(([a, e]) => [a, e.reason])),
      refused,
      wire,
      ...(o.log ? { log: o.log } : {}),
    });
    o.onSession?.(s);
    try {
      const t0 = performance.now();
      await s.begin({ constrained: admm.constrained });
      const tRounds = performance.now();
      const solution = await runAdmmOver(s, o.market, admm);
      const roundsMs = performance.now() - tRounds;
      const msPerRound = roundsMs / Math.max(1, solution.admm!.iterations);
      const tDocument = performance.now();
      const document = buildResult(o.market, solution, { rho: solution.admm!.rho[0] ?? 0, transport: 'nats', sessions: sessions.length });
      const scheduleWh = roundScheduleWh(solution.dispatch.map((d) => d.netKw));
      const schedules: SignedSchedule[] = [];
      if (o.scheduleDomain) {
        for (let a = 0; a < scheduleWh.length; a++) {
          if (excluded.has(a)) continue;
          const signed = await signSchedule(o.account, o.scheduleDomain, o.epoch, o.onchainAgentIds?.[a] ?? a, scheduleWh[a]!);
          schedules.push(signed);
          s.sendTo(a, 'schedule', signed);
        }
      }
      const ex = [...excluded].map(([agent, e]) => ({ agent, id: o.publicCase.agents[agent]!.id, ...e }));
      const admmStatus = solution.admm!.status;
      const status: OperatorStatus = {
        epoch: o.epoch,
        clearing: ex.length && admmStatus === 'converged' ? `converged without ${ex.map((e) => e.id).join(', ')} (excluded, schedule fixed at zero)` : admmStatus,
        admmStatus,
        iterations: solution.admm!.iterations,
        attempts: attempt,
        sessions,
        excluded: ex,
        refused,
        wire,
        msPerRound,
        timingsMs: { join: tRounds - t0, rounds: roundsMs, document: performance.now() - tDocument },
      };
      s.broadcast('end', { clearing: status.clearing, iterations: status.iterations, excluded: ex.map((e) => e.agent), welfareUsd: solution.welfareUsd });
      await nc.flush();
      o.log?.(`epoch ${o.epoch}: ${status.clearing} in ${status.iterations} iterations (${(performance.now() - t0).toFixed(0)} ms)`);
      return { solution, document, scheduleWh, schedules, status };
    } catch (err) {
      if (!(err instanceof EpochRestart)) throw err;
      for (const e of err.excluded) excluded.set(e.agent, { reason: e.reason, detail: e.detail });
      o.log?.(`epoch ${o.epoch}: ${err.message}`);
    } finally {
      s.close();
    }
  }
  throw new ClearingAbortedError(`epoch ${o.epoch}: no clearing after ${maxAttempts} attempts (excluded: ${[...excluded.keys()].join(', ')})`);
}
