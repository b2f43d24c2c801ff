// The end-to-end pipeline of one or more market days on a chain, a composition of the roles'
// actions:
//   operator: clear (ADMM, network enforced) → publish the document → register network and agents
//   agents:   deposit what the schedule will lock
//   operator: post the epoch (the ledger checks balance, computes the root, locks the escrow)
//   watcher:  dispute an overloaded line or an unjustified trade
//   meters:   read and sign; relayer: relay
//   (the reading and challenge windows pass)
//   settler:  settle every position; operator: release the bond; agents: withdraw.
// Every step reads the chain before it writes, so a run killed between any two transactions and
// started again continues where it stopped and never posts, pays or withdraws twice.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildMarket, dayVariant, type Market, readCaseFile, type ResultDocument } from '@gridmarket/clearing';
import type { Deployment, SettlementMode } from '@gridmarket/contracts';
import { type LocalChain, startAnvil } from '@gridmarket/contracts/node';
import type { Hex } from 'viem';
import { fundPositions } from '../agent/fund';
import { withdrawAvailable } from '../agent/withdraw';
import { watchEpoch } from '../auditor/watchEpoch';
import { ChainContext, revertName } from '../chain/context';
import { chainIdAt, ensureDeployment } from '../chain/deployment';
import { type OnchainEpoch, toOnchain } from '../documents/onchain';
import { DocumentStore } from '../documents/store';
import { type MeterFault, readMeter, type SignedReading } from '../meter/meters';
import { meterSigner } from '../meter/simulatedKeys';
import { type AdmmSettings, type Clear, clearDay, clearHere } from '../operator/clearDay';
import { ensureEpochPosted, releaseBond } from '../operator/postEpoch';
import { ensureAgents, ensureNetwork } from '../operator/registration';
import { tokenDecimals } from '../read/epochData';
import { readEpochPositions } from '../read/positions';
import { readStoredReadings } from '../read/readings';
import { type RelayResult, relayReadings } from '../relayer/relay';
import { settleEpoch } from '../settler/settle';
import { settlementOpensAt } from '../settler/settlePosted';
import { passTime } from './clock';
import { corruptDocument, type Corruption } from './faults';
import { DayLog, type DayOutcome, type DayReport } from './report';

/** A run asked for something its case or days do not have (a fault on an agent that does not exist, a day past the last). */
export class PipelineInputError extends Error {
  override name = 'PipelineInputError';
}

/** Anvil's first development key: public, for local chains only. */
export const ANVIL_OPERATOR_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export interface PipelineOptions {
  /** Built-in case name or case file. */
  case: string;
  days: number;
  firstEpoch: number;
  /** Which day of the case's variants the first day is (0 by default): days are distinct markets. */
  firstDay?: number;
  /** How positions settle: imbalance (two-settlement, the default) or thesis (the thesis's rule). */
  mode?: SettlementMode;
  /** A running chain; without one an anvil is started on a free loopback port and stopped at the end. */
  rpcUrl?: string;
  operatorKey?: Hex;
  /** Deployment file of the chain; for the embedded anvil a fresh deployment is made. */
  deploymentFile?: string;
  /** Working directory: document store, deployments, anvil state. */
  workDir: string;
  /**
   * Where the document store is served over HTTP (`gridmarket documents`, documents/server.ts):
   * epochs then carry `<documentsUrl>/documents/<hash>` instead of a `gridmarket-store://` URI.
   */
  documentsUrl?: string;
  /** Keep the embedded anvil's state in workDir so that a stopped run can resume. */
  persistChain?: boolean;
  /** Meter tolerance, Wh. */
  toleranceWh: number;
  /** Standard deviation of the simulated meters' noise, Wh. */
  noiseWh: number;
  faults?: MeterFault[];
  /** Days whose posted schedule is deliberately corrupted (a faulty oracle), for testing disputes. */
  corrupt?: { day: number; kind: Corruption }[];
  /** Agents (market index) that deposit only this share of what posting locks: the post is refused. */
  shortfall?: { agent: number; share: number }[];
  admm?: AdmmSettings;
  /** How to get past reading and challenge windows: move anvil's clock, or wait for real time. */
  time: 'advance' | 'wait';
  /** Challenge and reading windows of a fresh embedded deployment, seconds. */
  readingWindowSeconds?: number;
  challengeWindowSeconds?: number;
  /**
   * Stop each day after a step (resume later with another run): after posting, after relaying the
   * readings, or once the reading and challenge windows are over (participants can then settle and
   * claim themselves).
   */
  stopAfter?: 'post' | 'relay' | 'windows';
  /**
   * Agents withdraw what they have available at the end of each day (default true). False leaves
   * the proceeds in the settlement contract, for the participants to claim themselves.
   */
  withdraw?: boolean;
  /** Watch posted epochs and dispute faulty ones (default true; false plays an absent watcher). */
  watch?: boolean;
  /** Leave the embedded anvil running after the run (the caller stops it with `report.stopChain`). */
  keepChain?: boolean;
  /** For tests: stop after this many transactions (as if the process were killed). */
  maxTransactions?: number;
  onProgress?: (line: string) => void;
  /** Called with the chain once it is up (the embedded one too), e.g. to serve an app on it. */
  onChain?: (chain: { rpcUrl: string; deployment: Deployment }) => void;
  /**
   * Roles played elsewhere (other processes, other machines): the clearing (the agents answering
   * the operator's rounds), the agents' deposits and withdrawals, the meters with the relayer, the
   * settler. By default this process plays them (HERE).
   */
  roles?: Partial<DayRoles>;
}

/** The roles of a market day that can be played outside the operator's process. */
export interface DayRoles {
  /** Clears the day's market (the unconstrained reference is always solved here). */
  clear: Clear;
  /**
   * Every agent that buys (and the grid agent) deposits what posting will lock, before the epoch
   * is posted; the document is at `uri` under `hash`, the agents registered in `networkId`.
   */
  deposits(args: { ctx: ChainContext; onchain: OnchainEpoch; uri: string; hash: Hex; networkId: number; options: PipelineOptions }): Promise<void>;
  /** Every agent with a balance withdraws it, at the end of the day. */
  withdrawals(args: { ctx: ChainContext; agentIds: readonly number[] }): Promise<void>;
  /** Every position of the posted epoch settled (after its windows, or once it is voided). */
  settlement(args: { ctx: ChainContext; onchain: OnchainEpoch; voided: boolean }): Promise<{ settled: number; batches: number }>;
  /** Meters read and sign the posted epoch's day, the relayer puts the readings on chain. */
  readings(args: { ctx: ChainContext; doc: ResultDocument; agentIds: readonly number[]; epochId: number; day: number; options: PipelineOptions }): Promise<RelayResult>;
}

export type { DayReport };

export interface PipelineReport {
  case: string;
  chainId: number;
  rpcUrl: string;
  deployment: Deployment;
  days: DayReport[];
  totals: {
    generated: number;
    verified: number;
    settled: number;
    rejected: number;
    transactions: number;
    settledEnergyKwh: number;
    settledValueUsd: number;
    creditedUsd: number;
    imbalanceChargedUsd: number;
    imbalanceUncollectedUsd: number;
    surplusCreditedUsd: number;
  };
  wallTimeMs: number;
  /** The run started its own anvil (stopped at the end unless `keepChain`). */
  embeddedChain: boolean;
  /** Wall time of the steps before the first day: checking the case, starting anvil, deploying (or finding the deployment). */
  setupMs: Record<string, number>;
  /** With `keepChain`: stops the embedded anvil. */
  stopChain?: () => Promise<void>;
  /** With `keepChain`: settles when the embedded anvil exits, whoever stopped it. */
  chainExited?: Promise<unknown>;
}

/** Everything the run's options refer to exists in its case and days: checked before any side effect. */
function checkOptions(options: PipelineOptions, agents: number): void {
  const agentRange = `the case has agents 0 to ${agents - 1}`;
  for (const f of options.faults ?? []) {
    if (f.agent >= agents) throw new PipelineInputError(`--fault ${f.agent}:${f.kind}: no agent ${f.agent} (${agentRange})`);
  }
  for (const s of options.shortfall ?? []) {
    if (s.agent >= agents) throw new PipelineInputError(`shortfall: no agent ${s.agent} (${agentRange})`);
  }
  for (const c of options.corrupt ?? []) {
    if (c.day >= options.days) throw new PipelineInputError(`--corrupt ${c.day + 1}:${c.kind}: the run has ${options.days} day${options.days === 1 ? '' : 's'}, so day ${c.day + 1} never comes`);
  }
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineReport> {
  const t0 = performance.now();
  const progress = options.onProgress ?? (() => {});
  const setupMs: Record<string, number> = {};
  const setup = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    const s = performance.now();
    try {
      return await f();
    } finally {
      setupMs[name] = (setupMs[name] ?? 0) + performance.now() - s;
    }
  };
  const { raw, baseDir, firstMarket } = await setup('check the case', () => {
    const file = readCaseFile(options.case);
    return { ...file, firstMarket: buildMarket(dayVariant(file.raw as never, options.firstDay ?? 0), file.baseDir) };
  });
  checkOptions(options, firstMarket.agents.length);
  if (options.rpcUrl) await setup('deploy', () => chainIdAt(options.rpcUrl!)); // a chain given must answer before anything is written
  mkdirSync(options.workDir, { recursive: true });
  const store = new DocumentStore(path.join(options.workDir, 'store'), options.documentsUrl);
  let anvil: LocalChain | undefined;
  try {
    let rpcUrl = options.rpcUrl;
    if (!rpcUrl) {
      const state = options.persistChain ? path.join(options.workDir, 'anvil-state.json') : undefined;
      anvil = await setup('start anvil', () => startAnvil({ extraArgs: state ? ['--state', state] : [] }));
      rpcUrl = anvil.rpcUrl;
      progress(`anvil on ${rpcUrl} (pid ${anvil.pid})${state ? `, state in ${state}` : ''}\n`);
    }
    const operatorKey = options.operatorKey ?? ANVIL_OPERATOR_KEY;
    const chainUrl = rpcUrl;
    const deployment = await setup('deploy', () =>
      ensureDeployment({
        rpcUrl: chainUrl,
        deployerKey: operatorKey,
        workDir: options.workDir,
        givenChain: options.rpcUrl !== undefined,
        ...(options.deploymentFile ? { deploymentFile: options.deploymentFile } : {}),
        ...(options.readingWindowSeconds !== undefined ? { readingWindowSeconds: options.readingWindowSeconds } : {}),
        ...(options.challengeWindowSeconds !== undefined ? { challengeWindowSeconds: options.challengeWindowSeconds } : {}),
        onProgress: progress,
      }),
    );
    options.onChain?.({ rpcUrl, deployment });
    const ctx = new ChainContext({ rpcUrl, deployment, operatorKey, ...(options.maxTransactions !== undefined ? { maxTransactions: options.maxTransactions } : {}) });
    const days: DayReport[] = [];
    for (let day = 0; day < options.days; day++) {
      const market = day === 0 ? firstMarket : buildMarket(dayVariant(raw as never, (options.firstDay ?? 0) + day), baseDir);
      days.push(await runDay(ctx, store, market, day, options, progress));
    }
    const sum = (f: (d: DayReport) => number) => days.reduce((s, d) => s + f(d), 0);
    return {
      case: options.case,
      chainId: deployment.chainId,
      rpcUrl,
      deployment,
      days,
      totals: {
        generated: sum((d) => d.generated),
        verified: sum((d) => d.verified),
        settled: sum((d) => d.settled),
        rejected: sum((d) => d.rejected),
        transactions: sum((d) => d.transactions),
        settledEnergyKwh: sum((d) => d.settledEnergyKwh),
        settledValueUsd: sum((d) => d.settledValueUsd),
        creditedUsd: sum((d) => d.money.credited),
        imbalanceChargedUsd: sum((d) => d.money.imbalance.shortfallCharged),
        imbalanceUncollectedUsd: sum((d) => d.money.imbalance.shortfallUncollected),
        surplusCreditedUsd: sum((d) => d.money.imbalance.surplusCredited),
      },
      wallTimeMs: performance.now() - t0,
      setupMs,
      embeddedChain: anvil !== undefined,
      ...(anvil && options.keepChain ? { stopChain: anvil.stop, chainExited: anvil.exited } : {}),
    };
  } catch (err) {
    await anvil?.stop();
    throw err;
  } finally {
    if (!options.keepChain) await anvil?.stop();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function runDay(ctx: ChainContext, store: DocumentStore, market: Market, day: number, options: PipelineOptions, progress: (s: string) => void): Promise<DayReport> {
  const log = new DayLog(ctx);
  const roles: DayRoles = { ...HERE, ...options.roles };
  const epochId = options.firstEpoch + day;
  const mode = options.mode ?? 'imbalance';

  // Operator: clear, publish, register.
  progress(`day ${day + 1} (epoch ${epochId}): clearing ${market.name} with ADMM…\n`);
  const clearStart = performance.now();
  const cleared = await log.stage('clear', () => clearDay({ market, ...(options.admm ? { admm: options.admm } : {}), clear: roles.clear }));
  progress(`  cleared in ${seconds(performance.now() - clearStart)}: ADMM converged after ${cleared.iterations} iterations\n`);
  let doc: ResultDocument = cleared.doc;
  const corruption = options.corrupt?.find((c) => c.day === day)?.kind;
  if (corruption) {
    doc = corruptDocument(doc, market, corruption);
    progress(`  injecting a faulty oracle: the posted schedule has ${corruption === 'imbalance' ? 'an imbalanced hour' : corruption === 'overload' ? 'an overloaded line' : 'an unjustified trade'}\n`);
  }
  const { hash, uri } = await log.stage('publish', () => store.put(doc));
  const networkId = await log.stage('register', () => ensureNetwork(ctx, market.network, market.agents.length));
  const agentIds = await log.stage('register', () => ensureAgents(ctx, networkId, market.network, market.agents));
  const onchain = toOnchain(doc, { epochId, agentIds, tokenDecimals: await tokenDecimals(ctx), mode, unchecked: Boolean(corruption) });
  const end = (outcome: DayOutcome) => log.report({ day, epochId, mode, doc, onchain, admmIterations: cleared.iterations }, outcome);

  // Agents: deposit what posting locks. Operator: post.
  await log.stage('deposits', () => roles.deposits({ ctx, onchain, uri, hash, networkId, options }));
  let posted: Awaited<ReturnType<typeof ensureEpochPosted>>;
  try {
    posted = await log.stage('post', () => ensureEpochPosted(ctx, onchain, { networkId, documentHash: hash, documentURI: uri, toleranceWh: options.toleranceWh }));
    progress(`  epoch ${epochId} ${posted.posted ? 'posted' : 'already posted'} (${mode} settlement): ${onchain.trades.length} trades, document ${uri}\n`);
  } catch (err) {
    const name = revertName(err);
    if (name !== 'UnbalancedHour' && name !== 'InsufficientBalance') throw err;
    const refusal = `the ledger refused the schedule: ${name}`;
    progress(`  ${refusal}\n`);
    return end({ status: 'refused', refusal });
  }

  // Watcher: dispute a faulty epoch before its challenge window closes.
  const watched = options.watch === false ? { epoch: posted.epoch } : await log.stage('watch', () => watchEpoch(ctx, { epoch: posted.epoch, onchain, networkId, onProgress: progress }));
  const { epoch } = watched;
  const dispute = watched.dispute ? { dispute: watched.dispute } : {};
  if (epoch.voided) {
    progress(`  epoch ${epochId} is voided: every lock goes back\n`);
    await log.stage('settle', () => roles.settlement({ ctx, onchain, voided: true }));
    if (options.withdraw !== false) await log.stage('withdraw', () => roles.withdrawals({ ctx, agentIds }));
    return end({ status: 'voided', ...dispute });
  }
  if (options.stopAfter === 'post') return end({ status: 'waiting', ...dispute });

  // Meters and relayer.
  const relay = await log.stage('relay', () => roles.readings({ ctx, doc, agentIds, epochId, day, options }));
  progress(`  readings: ${relay.submitted} relayed, ${relay.alreadyOnChain} already on chain, ${relay.rejected.length} rejected${relay.rejected.length ? ` (${relay.rejected.map((r) => `agent ${r.agentId}: ${r.reason}`).join('; ')})` : ''}\n`);
  if (options.stopAfter === 'relay') return end({ status: 'waiting', relay, ...dispute });

  // Settler, after both windows; operator: bond back; agents: withdraw.
  if (!(await passTime(ctx, settlementOpensAt(epoch), options.time, progress)) || options.stopAfter === 'windows') return end({ status: 'waiting', relay });
  const settle = await log.stage('settle', () => roles.settlement({ ctx, onchain, voided: false }));
  progress(`  settlement: ${settle.settled} positions in ${settle.batches} transaction${settle.batches === 1 ? '' : 's'}\n`);
  await log.stage('settle', () => releaseBond(ctx, epochId));
  if (options.withdraw !== false) await log.stage('withdraw', () => roles.withdrawals({ ctx, agentIds }));
  return end({ status: 'settled', relay, positions: await readEpochPositions(ctx, epochId), ...dispute });
}

/** Every role played in this process: the embedded run. */
const HERE: DayRoles = {
  clear: clearHere,
  async deposits({ ctx, onchain, options }) {
    // A test may leave agents short (by market index) so that posting is refused.
    const shortfall = new Map((options.shortfall ?? []).map((s) => [onchain.agentIds[s.agent]!, s.share]));
    await fundPositions(ctx, onchain, { mint: true, shortfall });
  },
  async readings({ ctx, doc, agentIds, epochId, day, options }) {
    // Every simulated meter reads and signs with its own key; then one relay.
    const readings: SignedReading[] = [];
    for (const [pos, agentId] of agentIds.entries()) {
      const fault = options.faults?.find((f) => f.agent === pos);
      const reading = await readMeter(ctx, { doc, agentIds, epochId, agentId, day, noiseWh: options.noiseWh, ...(fault ? { fault } : {}), signer: await meterSigner(ctx, agentId, fault) });
      if (reading) readings.push(reading);
    }
    return relayReadings(ctx, readings);
  },
  settlement: async ({ ctx, onchain, voided }) => settleEpoch(ctx, onchain, voided ? new Map() : await readStoredReadings(ctx, onchain.epochId, onchain.agentIds)),
  withdrawals: async ({ ctx, agentIds }) => void (await withdrawAvailable(ctx, agentIds)),
};
