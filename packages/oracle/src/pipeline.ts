// The end-to-end pipeline of one or more market days on a chain:
//   clear (ADMM, network enforced) → publish the document → register network and agents → post the
//   epoch → watch it (dispute if infeasible) → meters read and sign → relay → wait for the reading
//   window → tolerance checks → wait for the challenge window → buyers escrow → settle → withdraw.
// Every step reads the chain before it writes, so a run killed between any two transactions and
// started again continues where it stopped and never posts, pays or withdraws twice.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildMarket, buildResult, dayVariant, type Market, readCaseFile, type ResultDocument, runAdmm, solveCentralized } from '@gridmarket/clearing';
import { type Deployment, parseDeployment, participantRegistryAbi } from '@gridmarket/contracts';
import { deployContracts, type LocalChain, startAnvil } from '@gridmarket/contracts/node';
import { type Hex } from 'viem';
import { checkBitsOf, checkSchedule, isPassed } from './checks';
import { type Account, ChainContext } from './context';
import { disputeHour, findViolations } from './dispute';
import { ensureEpochPosted, readEpoch } from './epoch';
import { tokenDecimals } from './epochData';
import { type MeterFault, signReading, simulateReadings } from './meters';
import { type OnchainEpoch, toOnchain } from './onchain';
import { ensureAgents, ensureNetwork } from './registration';
import { relayReadings } from './relay';
import { fundBuyers, settleTrades, tradeStatuses, withdrawProceeds } from './settlement';
import { DocumentStore } from './store';
import { corruptSchedule, type Corruption } from './faults';

/** Anvil's first development key: public, for local chains only. */
export const ANVIL_OPERATOR_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export interface PipelineOptions {
  /** Built-in case name or case file. */
  case: string;
  days: number;
  firstEpoch: number;
  /** Which day of the case's variants the first day is (0 by default): days are distinct markets. */
  firstDay?: number;
  /** A running chain; without one an anvil is started on a free loopback port and stopped at the end. */
  rpcUrl?: string;
  operatorKey?: Hex;
  /** Deployment file of the chain; for the embedded anvil a fresh deployment is made. */
  deploymentFile?: string;
  /** Working directory: document store, deployments, anvil state. */
  workDir: string;
  /** Keep the embedded anvil's state in workDir so that a stopped run can resume. */
  persistChain?: boolean;
  /** Meter tolerance, Wh. */
  toleranceWh: number;
  /** Standard deviation of the simulated meters' noise, Wh. */
  noiseWh: number;
  faults?: MeterFault[];
  /** Days whose posted schedule is deliberately corrupted (a faulty oracle), for testing disputes. */
  corrupt?: { day: number; kind: Corruption }[];
  /** Buyers (market index) that escrow only this share of what they owe. */
  shortfall?: { agent: number; share: number }[];
  admm?: { rho?: number; adaptive?: boolean; alpha?: number };
  /** How to get past reading and challenge windows: move anvil's clock, or wait for real time. */
  time: 'advance' | 'wait';
  /** Challenge and reading windows of a fresh embedded deployment, seconds. */
  readingWindowSeconds?: number;
  challengeWindowSeconds?: number;
  /**
   * Stop each day after a step (resume later with another run): after posting, after relaying the
   * readings, or once buyers have escrowed (participants can then settle and claim themselves).
   */
  stopAfter?: 'post' | 'relay' | 'deposits';
  /** Watch posted epochs and dispute infeasible ones (default true; false plays an absent watcher). */
  watch?: boolean;
  /** Leave the embedded anvil running after the run (the caller stops it with `report.stopChain`). */
  keepChain?: boolean;
  /** For tests: stop after this many transactions (as if the process were killed). */
  maxTransactions?: number;
  onProgress?: (line: string) => void;
  /** Called with the chain once it is up (the embedded one too), e.g. to serve an app on it. */
  onChain?: (chain: { rpcUrl: string; deployment: Deployment }) => void;
}

export interface DayReport {
  day: number;
  epochId: number;
  status: 'settled' | 'voided' | 'waiting';
  /** Table 6.8 for this day. */
  generated: number;
  submitted: number;
  verified: number;
  settled: number;
  rejected: number;
  rejectedBy: { seller: number; buyer: number; both: number };
  unpaid: number;
  failed: number;
  settledEnergyKwh: number;
  settledValueUsd: number;
  averagePriceUsdPerKwh: number;
  readings: { submitted: number; rejected: { agentId: number; reason: string }[] };
  dispute?: { hour: number; kind: string; amountWh: string; line?: number };
  welfareUsd: number;
  admmIterations: number;
  transactions: number;
  /** Transactions per step (a step sent in gas-bounded batches shows how many it took). */
  transactionsByStep: Record<string, number>;
  gas: Record<string, number>;
  gasPerSettledTrade: number;
  stageMs: Record<string, number>;
}

export interface PipelineReport {
  case: string;
  chainId: number;
  rpcUrl: string;
  deployment: Deployment;
  days: DayReport[];
  totals: { generated: number; submitted: number; verified: number; settled: number; rejected: number; unpaid: number; failed: number; transactions: number; settledEnergyKwh: number; settledValueUsd: number };
  wallTimeMs: number;
  /** With `keepChain`: stops the embedded anvil. */
  stopChain?: () => Promise<void>;
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineReport> {
  const t0 = performance.now();
  const progress = options.onProgress ?? (() => {});
  mkdirSync(options.workDir, { recursive: true });
  const store = new DocumentStore(path.join(options.workDir, 'store'));
  let anvil: LocalChain | undefined;
  try {
    let rpcUrl = options.rpcUrl;
    if (!rpcUrl) {
      const state = options.persistChain ? path.join(options.workDir, 'anvil-state.json') : undefined;
      anvil = await startAnvil({ extraArgs: state ? ['--state', state] : [] });
      rpcUrl = anvil.rpcUrl;
      progress(`anvil on ${rpcUrl} (pid ${anvil.pid})${state ? `, state in ${state}` : ''}\n`);
    }
    const operatorKey = options.operatorKey ?? ANVIL_OPERATOR_KEY;
    const deployment = await ensureDeployment(rpcUrl, options, operatorKey, progress);
    options.onChain?.({ rpcUrl, deployment });
    const ctx = new ChainContext({ rpcUrl, deployment, operatorKey, ...(options.maxTransactions !== undefined ? { maxTransactions: options.maxTransactions } : {}) });
    const { raw, baseDir } = readCaseFile(options.case);
    const days: DayReport[] = [];
    for (let day = 0; day < options.days; day++) {
      const market = buildMarket(dayVariant(raw as never, (options.firstDay ?? 0) + day), baseDir);
      days.push(await runDay(ctx, store, market, day, options, progress));
    }
    const sum = (k: keyof DayReport) => days.reduce((s, d) => s + (d[k] as number), 0);
    return {
      case: options.case,
      chainId: deployment.chainId,
      rpcUrl,
      deployment,
      days,
      totals: {
        generated: sum('generated'),
        submitted: sum('submitted'),
        verified: sum('verified'),
        settled: sum('settled'),
        rejected: sum('rejected'),
        unpaid: sum('unpaid'),
        failed: sum('failed'),
        transactions: sum('transactions'),
        settledEnergyKwh: sum('settledEnergyKwh'),
        settledValueUsd: sum('settledValueUsd'),
      },
      wallTimeMs: performance.now() - t0,
      ...(anvil && options.keepChain ? { stopChain: anvil.stop } : {}),
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
  const chainId = await probe.publicClient.getChainId().catch((err: Error) => {
    throw new Error(`the chain at ${rpcUrl} is not reachable (${err.message.split('\n')[0]})`);
  });
  const file = options.deploymentFile ?? path.join(options.workDir, 'deployments', `${chainId}.json`);
  if (existsSync(file)) {
    const d = parseDeployment(JSON.parse(readFileSync(file, 'utf8')), file);
    const code = await probe.publicClient.getCode({ address: d.clearingLedger });
    if (d.chainId === chainId && code && code !== '0x') {
      progress(`using the deployment in ${file}\n`);
      return d;
    }
    if (options.deploymentFile || options.rpcUrl) {
      throw new Error(`${file} names contracts that chain ${chainId} at ${rpcUrl} does not have: the chain was reset; deploy again or point at the right chain`);
    }
  }
  if (options.rpcUrl && !options.deploymentFile && chainId !== 31337) {
    throw new Error(`no deployment for chain ${chainId} in ${file}: deploy first (pnpm deploy:local deploys to a local anvil)`);
  }
  progress(`deploying the contracts to chain ${chainId}…\n`);
  return deployContracts({
    rpcUrl,
    out: file,
    deployerPrivateKey: operatorKey,
    readingWindowSeconds: options.readingWindowSeconds ?? 2 * 3600,
    challengeWindowSeconds: options.challengeWindowSeconds ?? 3600,
  });
}

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
  progress(`day ${day + 1} (epoch ${epochId}): clearing ${market.name} with ADMM…\n`);

  const solution = await stage('clear', () => runAdmm(market, { constrained: true, ...(options.admm ?? {}) }));
  if (solution.admm!.status !== 'converged') throw new Error(`ADMM did not converge for day ${day + 1} (${solution.admm!.iterations} iterations)`);
  // The unconstrained optimum, kept in the document as the reference of Fig. 6.7.
  const unconstrained = await stage('clear', () => solveCentralized(market, { constrained: false }));
  let doc: ResultDocument = buildResult(market, solution, { method: 'admm', ...(options.admm ?? {}) }, unconstrained);
  const corruption = options.corrupt?.find((c) => c.day === day)?.kind;
  if (corruption) {
    doc = corruptSchedule(doc, market, corruption);
    progress(`  injecting a faulty oracle: the posted schedule has ${corruption === 'imbalance' ? 'an imbalanced hour' : 'an overloaded line'}\n`);
  }
  const { hash, uri } = await stage('publish', () => store.put(doc));

  const networkId = await stage('register', () => ensureNetwork(ctx, market.network, market.agents.length));
  const agentIds = await stage('register', () => ensureAgents(ctx, networkId, market.network, market.agents));
  const onchain = toOnchain(doc, { epochId, agentIds, tokenDecimals: await tokenDecimals(ctx), unchecked: Boolean(corruption) });
  const { posted } = await stage('post', () => ensureEpochPosted(ctx, onchain, { networkId, documentHash: hash, documentURI: uri, toleranceWh: options.toleranceWh }));
  progress(`  epoch ${epochId} ${posted ? 'posted' : 'already posted'}: ${onchain.trades.length} trades, document ${uri}\n`);

  // A watcher's check before the challenge window closes: dispute an infeasible schedule.
  let epoch = await readEpoch(ctx, epochId);
  let dispute: DayReport['dispute'];
  if (!epoch.voided && options.watch !== false) {
    const violations = await stage('watch', () => findViolations(ctx, onchain, networkId));
    const v = violations[0];
    if (v) {
      const now = (await ctx.publicClient.getBlock()).timestamp;
      if (now <= epoch.challengeEndsAt) {
        progress(`  hour ${v.hour} is infeasible (${v.kind}, ${v.amountWh} Wh): disputing\n`);
        await stage('dispute', () => disputeHour(ctx, onchain, v.hour));
        epoch = await readEpoch(ctx, epochId);
      }
      dispute = { hour: v.hour, kind: v.kind, amountWh: v.amountWh.toString(), ...(v.line !== undefined ? { line: v.line } : {}) };
    }
  }
  if (epoch.voided) {
    progress(`  epoch ${epochId} is voided: nothing is settled\n`);
    return dayReport(ctx, day, epochId, 'voided', doc, onchain, [], { submitted: 0, rejected: [] }, dispute, solution.admm!.iterations, gasFrom, txFrom, stageMs);
  }

  if (options.stopAfter === 'post') {
    return dayReport(ctx, day, epochId, 'waiting', doc, onchain, [], { submitted: 0, rejected: [] }, dispute, solution.admm!.iterations, gasFrom, txFrom, stageMs);
  }
  const readings = await stage('meters', () => meterReadings(ctx, doc, onchain, day, options));
  const relay = await stage('relay', () => relayReadings(ctx, readings));
  progress(`  readings: ${relay.submitted} relayed, ${relay.alreadyOnChain} already on chain, ${relay.rejected.length} rejected${relay.rejected.length ? ` (${relay.rejected.map((r) => `agent ${r.agentId}: ${r.reason}`).join('; ')})` : ''}\n`);

  if (options.stopAfter === 'relay' || !(await passTime(ctx, epoch.readingsCloseAt, options, progress))) {
    return dayReport(ctx, day, epochId, 'waiting', doc, onchain, [], relay, dispute, solution.admm!.iterations, gasFrom, txFrom, stageMs);
  }
  await stage('checks', () => checkSchedule(ctx, onchain));
  if (!(await passTime(ctx, epoch.challengeEndsAt, options, progress))) {
    return dayReport(ctx, day, epochId, 'waiting', doc, onchain, [], relay, dispute, solution.admm!.iterations, gasFrom, txFrom, stageMs);
  }
  const shortfall = new Map((options.shortfall ?? []).map((s) => [agentIds[s.agent]!, s.share]));
  await stage('deposits', () => fundBuyers(ctx, onchain, { mint: true, shortfall }));
  if (options.stopAfter === 'deposits') {
    return dayReport(ctx, day, epochId, 'waiting', doc, onchain, [], relay, dispute, solution.admm!.iterations, gasFrom, txFrom, stageMs);
  }
  const settle = await stage('settle', () => settleTrades(ctx, onchain));
  progress(`  settlement: ${settle.sent} trades sent in ${settle.batches} batch${settle.batches === 1 ? '' : 'es'}\n`);
  await stage('withdraw', () => withdrawProceeds(ctx, agentIds));
  const bits = await checkBitsOf(ctx, epochId, agentIds);
  return dayReport(ctx, day, epochId, 'settled', doc, onchain, bits, relay, dispute, solution.admm!.iterations, gasFrom, txFrom, stageMs);
}

/** Meters read what was delivered (the schedule, with noise and faults) and sign their readings. */
async function meterReadings(ctx: ChainContext, doc: ResultDocument, epoch: OnchainEpoch, day: number, options: PipelineOptions) {
  const chainId = ctx.deployment.chainId;
  const out = [];
  for (const [pos, agentId] of epoch.agentIds.entries()) {
    const fault = options.faults?.find((f) => f.agent === pos);
    const values = simulateReadings(doc.schedule.wh[pos]!, { seed: epoch.epochId * 100_003 + agentId * 7 + day, noiseWh: options.noiseWh, ...(fault ? { fault } : {}) });
    if (!values) continue;
    const signer: Account = fault?.kind === 'wrong-key' ? ctx.meter(agentId, 97) : await currentMeter(ctx, agentId);
    out.push(await signReading(signer, chainId, ctx.deployment.meterReadings, { epochId: epoch.epochId, agentId, energyWh: values }));
  }
  return out;
}

/** The simulated meter whose key is registered for the agent now (keys rotate by generation). */
async function currentMeter(ctx: ChainContext, agentId: number): Promise<Account> {
  const a = await ctx.publicClient.readContract({ address: ctx.deployment.participantRegistry, abi: participantRegistryAbi, functionName: 'agent', args: [agentId] });
  for (let g = 0; g < 8; g++) if (ctx.meter(agentId, g).address === a.meter) return ctx.meter(agentId, g);
  return ctx.meter(agentId, 0); // revoked or unknown key: the contract will say so
}

/** Gets the chain past `deadline` (anvil: move its clock; otherwise wait). Returns false if it gave up. */
async function passTime(ctx: ChainContext, deadline: bigint, options: PipelineOptions, progress: (s: string) => void): Promise<boolean> {
  if (options.time === 'advance') {
    // What counts is the next block's timestamp: a chain reloaded from saved state may have blocks
    // from before a clock jump that was not saved, so mine and look.
    const test = ctx.testClient();
    for (let attempt = 0; attempt < 3; attempt++) {
      await test.mine({ blocks: 1 });
      const t = (await ctx.publicClient.getBlock()).timestamp;
      if (t > deadline) return true;
      await test.increaseTime({ seconds: Number(deadline - t) + 1 });
    }
    throw new Error(`could not move the chain's clock past ${deadline}`);
  }
  const now = (await ctx.publicClient.getBlock()).timestamp;
  if (now > deadline) return true;
  const waitS = Number(deadline - now) + 1;
  progress(`  waiting ${waitS} s for the window to close (run again later to resume)\n`);
  await new Promise((r) => setTimeout(r, waitS * 1000));
  for (;;) {
    const t = (await ctx.publicClient.getBlock()).timestamp;
    if (t > deadline) return true;
    await new Promise((r) => setTimeout(r, 5000));
  }
}

async function dayReport(
  ctx: ChainContext,
  day: number,
  epochId: number,
  status: DayReport['status'],
  doc: ResultDocument,
  onchain: OnchainEpoch,
  bits: bigint[],
  relay: { submitted: number; rejected: { agentId: number; reason: string }[] },
  dispute: DayReport['dispute'],
  admmIterations: number,
  gasFrom: number,
  txFrom: number,
  stageMs: Record<string, number>,
): Promise<DayReport> {
  const statuses = status === 'settled' ? await tradeStatuses(ctx, epochId, onchain.trades.length) : [];
  const pos = new Map(onchain.agentIds.map((id, i) => [id, i]));
  let verified = 0;
  const rejectedBy = { seller: 0, buyer: 0, both: 0 };
  let settled = 0;
  let rejected = 0;
  let unpaid = 0;
  let energyWh = 0n;
  let value = 0n;
  onchain.trades.forEach((t, i) => {
    if (status !== 'settled') return;
    const s = isPassed(bits[pos.get(t.seller)!]!, t.hour);
    const b = isPassed(bits[pos.get(t.buyer)!]!, t.hour);
    if (s && b) verified++;
    const st = statuses[i];
    if (st === 'settled') {
      settled++;
      energyWh += t.energyWh;
      value += t.value;
    } else if (st === 'rejected') {
      rejected++;
      if (!s && !b) rejectedBy.both++;
      else if (!s) rejectedBy.seller++;
      else rejectedBy.buyer++;
    } else unpaid++;
  });
  const gas: Record<string, number> = {};
  const transactionsByStep: Record<string, number> = {};
  for (const g of ctx.gas.slice(gasFrom)) {
    gas[g.step] = (gas[g.step] ?? 0) + Number(g.gasUsed);
    transactionsByStep[g.step] = (transactionsByStep[g.step] ?? 0) + 1;
  }
  const unitsPerUsd = 10 ** (await tokenDecimals(ctx));
  return {
    day,
    epochId,
    status,
    generated: onchain.trades.length,
    submitted: status === 'settled' ? settled + rejected + unpaid : 0,
    verified,
    settled,
    rejected,
    rejectedBy,
    unpaid,
    failed: 0,
    settledEnergyKwh: Number(energyWh) / 1000,
    settledValueUsd: Number(value) / unitsPerUsd,
    averagePriceUsdPerKwh: energyWh > 0n ? Number(value) / unitsPerUsd / (Number(energyWh) / 1000) : 0,
    readings: { submitted: relay.submitted, rejected: relay.rejected },
    ...(dispute ? { dispute } : {}),
    welfareUsd: doc.welfareUsd,
    admmIterations,
    transactions: ctx.transactions - txFrom,
    transactionsByStep,
    gas,
    gasPerSettledTrade: settled > 0 ? Math.round((gas['settle trades'] ?? 0) / settled) : 0,
    stageMs,
  };
}
