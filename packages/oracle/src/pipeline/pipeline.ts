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
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildMarket, buildResult, type ClearingSolution, dayVariant, type Market, readCaseFile, type ResultDocument, runAdmm, solveCentralized } from '@gridmarket/clearing';
import { type Deployment, deploymentMismatch, describeDeploymentMismatch, participantRegistryAbi, type SettlementMode } from '@gridmarket/contracts';
import { deployContracts, type LocalChain, readDeploymentFile, startAnvil } from '@gridmarket/contracts/node';
import type { Hex } from 'viem';
import { fundPositions } from '../agent/fund';
import { withdrawAvailable } from '../agent/withdraw';
import { describeViolation, dispute, findViolations } from '../auditor/dispute';
import { type Account, ChainContext, revertName } from '../chain/context';
import { type OnchainEpoch, toOnchain } from '../documents/onchain';
import { DocumentStore } from '../documents/store';
import { type MeterFault, readMeter, type SignedReading } from '../meter/meters';
import { ensureEpochPosted, releaseBond } from '../operator/postEpoch';
import { ensureAgents, ensureGas, ensureNetwork } from '../operator/registration';
import { readEpoch } from '../read/epoch';
import { tokenDecimals } from '../read/epochData';
import { readEpochPositions } from '../read/positions';
import { readStoredReadings } from '../read/readings';
import { type RelayResult, relayReadings } from '../relayer/relay';
import { settleEpoch } from '../settler/settle';
import { passTime } from './clock';
import { corruptDocument, type Corruption } from './faults';
import { type DayReport, dayReport } from './report';

/** A run asked for something its case or days do not have (a fault on an agent that does not exist, a day past the last). */
export class PipelineInputError extends Error {
  override name = 'PipelineInputError';
}

/** The chain cannot be reached, or does not hold the deployment the run was pointed at. */
export class ChainUnavailableError extends Error {
  override name = 'ChainUnavailableError';
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
  admm?: { rho?: number; adaptive?: boolean; alpha?: number };
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
   * the operator's rounds), the agents' deposits and withdrawals, the meters with the relayer. By
   * default this process plays them (HERE).
   */
  roles?: Partial<DayRoles>;
}

/** The roles of a market day that can be played outside the operator's process. */
export interface DayRoles {
  /** Clears the day's market (the unconstrained reference is always solved here). */
  clear(market: Market, admm: NonNullable<PipelineOptions['admm']>): Promise<ClearingSolution>;
  /**
   * Every agent that buys (and the grid agent) deposits what posting will lock, before the epoch
   * is posted; the document is at `uri` under `hash`, the agents registered in `networkId`.
   */
  deposits(args: { ctx: ChainContext; onchain: OnchainEpoch; uri: string; hash: Hex; networkId: number; options: PipelineOptions }): Promise<void>;
  /** Every agent with a balance withdraws it, at the end of the day. */
  withdrawals(args: { ctx: ChainContext; agentIds: readonly number[] }): Promise<void>;
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
    const deployment = await setup('deploy', () => ensureDeployment(chainUrl, options, operatorKey, progress));
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

/** Reuses the deployment recorded for this chain if its contracts are there, else deploys. */
async function ensureDeployment(rpcUrl: string, options: PipelineOptions, operatorKey: Hex, progress: (s: string) => void): Promise<Deployment> {
  const probe = new ChainContext({ rpcUrl, operatorKey, deployment: { chainId: 1 } as Deployment });
  const chainId = await chainIdAt(rpcUrl, probe);
  const file = options.deploymentFile ?? path.join(options.workDir, 'deployments', `${chainId}.json`);
  if (existsSync(file)) {
    const d = readDeploymentFile(file);
    const mismatch = await deploymentMismatch(probe.publicClient, d);
    if (!mismatch) {
      progress(`using the deployment in ${file}\n`);
      return d;
    }
    // Given a chain or a deployment, a mismatch is the user's to resolve; on the embedded chain,
    // a deployment file left by an earlier run is simply replaced.
    if (options.deploymentFile || options.rpcUrl) throw new ChainUnavailableError(`${describeDeploymentMismatch(mismatch, d, file)}; deploy again or point at the right chain`);
  }
  if (options.rpcUrl && !options.deploymentFile && chainId !== 31337) {
    throw new ChainUnavailableError(`no deployment for chain ${chainId} in ${file}: deploy first (pnpm deploy:local deploys to a local anvil)`);
  }
  progress(`deploying the contracts to chain ${chainId}…\n`);
  const t0 = performance.now();
  const deployed = await deployContracts({
    rpcUrl,
    out: file,
    deployerPrivateKey: operatorKey,
    readingWindowSeconds: options.readingWindowSeconds ?? 2 * 3600,
    challengeWindowSeconds: options.challengeWindowSeconds ?? 3600,
  });
  progress(`deployed in ${seconds(performance.now() - t0)}: deployment written to ${file}\n`);
  return deployed;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function runDay(ctx: ChainContext, store: DocumentStore, market: Market, day: number, options: PipelineOptions, progress: (s: string) => void): Promise<DayReport> {
  const stageMs: Record<string, number> = {};
  const gasFrom = ctx.gas.length;
  const txFrom = ctx.transactions;
  const stage = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    const s = performance.now();
    const r = await f();
    stageMs[name] = (stageMs[name] ?? 0) + performance.now() - s;
    return r;
  };
  const epochId = options.firstEpoch + day;
  const mode = options.mode ?? 'imbalance';
  progress(`day ${day + 1} (epoch ${epochId}): clearing ${market.name} with ADMM…\n`);

  // Operator: clear, publish, register.
  const clearStart = performance.now();
  const roles: DayRoles = { ...HERE, ...options.roles };
  const solution = await stage('clear', () => roles.clear(market, options.admm ?? {}));
  progress(`  cleared in ${seconds(performance.now() - clearStart)}: ADMM ${solution.admm!.status} after ${solution.admm!.iterations} iterations\n`);
  if (solution.admm!.status !== 'converged') throw new Error(`ADMM did not converge for day ${day + 1} (${solution.admm!.status} after ${solution.admm!.iterations} iterations)`);
  // The unconstrained optimum, kept in the document as the reference of Fig. 6.7.
  const unconstrained = await stage('clear', () => solveCentralized(market, { constrained: false }));
  let doc: ResultDocument = buildResult(market, solution, { method: 'admm', ...(options.admm ?? {}) }, unconstrained.status === 'optimal' ? unconstrained : undefined);
  const corruption = options.corrupt?.find((c) => c.day === day)?.kind;
  if (corruption) {
    doc = corruptDocument(doc, market, corruption);
    progress(`  injecting a faulty oracle: the posted schedule has ${corruption === 'imbalance' ? 'an imbalanced hour' : corruption === 'overload' ? 'an overloaded line' : 'an unjustified trade'}\n`);
  }
  const { hash, uri } = await stage('publish', () => store.put(doc));
  const networkId = await stage('register', () => ensureNetwork(ctx, market.network, market.agents.length));
  const agentIds = await stage('register', () => ensureAgents(ctx, networkId, market.network, market.agents));
  const onchain = toOnchain(doc, { epochId, agentIds, tokenDecimals: await tokenDecimals(ctx), mode, unchecked: Boolean(corruption) });
  const report = (status: DayReport['status'], extra: Partial<Parameters<typeof dayReport>[1]> = {}) =>
    dayReport(ctx, { day, epochId, mode, status, doc, onchain, relay: { submitted: 0, rejected: [] }, admmIterations: solution.admm!.iterations, gasFrom, txFrom, stageMs, ...extra });

  // Agents: deposit what posting locks. Operator: post.
  await stage('deposits', () => roles.deposits({ ctx, onchain, uri, hash, networkId, options }));
  try {
    const { posted } = await stage('post', () => ensureEpochPosted(ctx, onchain, { networkId, documentHash: hash, documentURI: uri, toleranceWh: options.toleranceWh }));
    progress(`  epoch ${epochId} ${posted ? 'posted' : 'already posted'} (${mode} settlement): ${onchain.trades.length} trades, document ${uri}\n`);
  } catch (err) {
    const name = revertName(err);
    if (name !== 'UnbalancedHour' && name !== 'InsufficientBalance') throw err;
    const refusal = `the ledger refused the schedule: ${name}`;
    progress(`  ${refusal}\n`);
    return report('refused', { refusal });
  }

  // Watcher: dispute a faulty epoch before its challenge window closes.
  let epoch = await readEpoch(ctx, epochId);
  let disputed: DayReport['dispute'];
  if (!epoch.voided && options.watch !== false) {
    const violation = (await stage('watch', () => findViolations(ctx, onchain, networkId)))[0];
    if (violation) {
      const now = (await ctx.publicClient.getBlock()).timestamp;
      if (now <= epoch.challengeEndsAt) {
        progress(`  ${describeViolation(violation)}: disputing\n`);
        const watcher = ctx.challenger();
        await ensureGas(ctx, watcher.address);
        await stage('dispute', () => dispute(ctx, onchain, violation, watcher));
        epoch = await readEpoch(ctx, epochId);
      }
      disputed = { kind: violation.kind, description: describeViolation(violation) };
    }
  }
  if (epoch.voided) {
    progress(`  epoch ${epochId} is voided: every lock goes back\n`);
    await stage('settle', () => settleEpoch(ctx, onchain, new Map()));
    if (options.withdraw !== false) await stage('withdraw', () => roles.withdrawals({ ctx, agentIds }));
    return report('voided', { ...(disputed ? { dispute: disputed } : {}) });
  }
  if (options.stopAfter === 'post') return report('waiting', { ...(disputed ? { dispute: disputed } : {}) });

  // Meters and relayer.
  const relay = await stage('relay', () => roles.readings({ ctx, doc, agentIds, epochId, day, options }));
  progress(`  readings: ${relay.submitted} relayed, ${relay.alreadyOnChain} already on chain, ${relay.rejected.length} rejected${relay.rejected.length ? ` (${relay.rejected.map((r) => `agent ${r.agentId}: ${r.reason}`).join('; ')})` : ''}\n`);
  if (options.stopAfter === 'relay') return report('waiting', { relay, ...(disputed ? { dispute: disputed } : {}) });

  // Settler, after both windows; operator: bond back; agents: withdraw.
  const opens = epoch.readingsCloseAt > epoch.challengeEndsAt ? epoch.readingsCloseAt : epoch.challengeEndsAt;
  if (!(await passTime(ctx, opens, options.time, progress)) || options.stopAfter === 'windows') return report('waiting', { relay });
  const stored = await readStoredReadings(ctx, epochId, agentIds);
  const settle = await stage('settle', () => settleEpoch(ctx, onchain, stored));
  progress(`  settlement: ${settle.settled} positions in ${settle.batches} transaction${settle.batches === 1 ? '' : 's'}\n`);
  await stage('settle', () => releaseBond(ctx, epochId));
  if (options.withdraw !== false) await stage('withdraw', () => roles.withdrawals({ ctx, agentIds }));
  return report('settled', { relay, positions: await readEpochPositions(ctx, epochId), ...(disputed ? { dispute: disputed } : {}) });
}

/** Every role played in this process: the embedded run. */
const HERE: DayRoles = {
  clear: async (market, admm) => runAdmm(market, { constrained: true, ...admm }),
  async deposits({ ctx, onchain, options }) {
    // A test may leave agents short (by market index) so that posting is refused.
    const shortfall = new Map((options.shortfall ?? []).map((s) => [onchain.agentIds[s.agent]!, s.share]));
    await fundPositions(ctx, onchain, { mint: true, shortfall });
  },
  readings: async ({ ctx, doc, agentIds, epochId, day, options }) => relayReadings(ctx, await meterReadings(ctx, doc, agentIds, epochId, day, options)),
  withdrawals: async ({ ctx, agentIds }) => void (await withdrawAvailable(ctx, agentIds)),
};

/** Meters read what was delivered (the schedule, with noise and faults) and sign their readings. */
async function meterReadings(ctx: ChainContext, doc: ResultDocument, agentIds: readonly number[], epochId: number, day: number, options: PipelineOptions) {
  const out: SignedReading[] = [];
  for (const [pos, agentId] of agentIds.entries()) {
    const fault = options.faults?.find((f) => f.agent === pos);
    const signer = await meterSigner(ctx, agentId, fault);
    const reading = await readMeter({ scheduledWh: doc.schedule.wh[pos]!, epochId, agentId, day, noiseWh: options.noiseWh, ...(fault ? { fault } : {}), signer, chainId: ctx.deployment.chainId, meterReadings: ctx.deployment.meterReadings });
    if (reading) out.push(reading);
  }
  return out;
}

/** The key a simulated meter signs with: the one registered for the agent now, or a stranger's for a wrong-key fault. */
export async function meterSigner(ctx: ChainContext, agentId: number, fault?: MeterFault): Promise<Account> {
  return fault?.kind === 'wrong-key' ? ctx.meter(agentId, 97) : currentMeter(ctx, agentId);
}

/** The simulated meter whose key is registered for the agent now (keys rotate by generation). */
async function currentMeter(ctx: ChainContext, agentId: number): Promise<Account> {
  const a = await ctx.publicClient.readContract({ address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'agent', args: [agentId] });
  for (let g = 0; g < 8; g++) if (ctx.meter(agentId, g).address === a.meter) return ctx.meter(agentId, g);
  return ctx.meter(agentId, 0); // revoked or unknown key: the contract will say so
}

async function chainIdAt(rpcUrl: string, probe = new ChainContext({ rpcUrl, deployment: { chainId: 1 } as Deployment })): Promise<number> {
  return probe.publicClient.getChainId().catch((err: Error) => {
    throw new ChainUnavailableError(`the chain at ${rpcUrl} is not reachable (${err.message.split('\n')[0]})`, { cause: err });
  });
}

