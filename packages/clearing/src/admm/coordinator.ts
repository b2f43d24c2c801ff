// Consensus ADMM, thesis Algorithm 1, in scaled form (Boyd et al. 2011, §3 and §7):
//   p_i^{k+1} = argmin f_i(p) + ρ/2 ‖p − z_i^k + u_i^k‖²      local agents (4-3), (4-4)
//   z^{k+1}   = Π(p̂^{k+1} + u^k)                              operator: (4-5) or (4-6)
//   u_i^{k+1} = u_i^k + p̂_i^{k+1} − z_i^{k+1}                  (4-8)
// with p̂ = αp + (1 − α)z (α = 1 is the thesis; 1.5–1.8 over-relaxes). Stopping (4-9)–(4-11):
//   r_pri = ‖p − z‖ ≤ ε_pri = √(NT)·ε_abs + ε_rel·max(‖p‖, ‖z‖)
//   r_dual = ρ‖z^k − z^{k−1}‖ ≤ ε_dual = √(NT)·ε_abs + ε_rel·‖ρu‖
// Adaptive ρ is residual balancing (Boyd §3.4.1): ρ ← 2ρ when r_pri > 10·r_dual, ρ/2 when
// r_dual > 10·r_pri, and every agent rescales u so that ρu is unchanged. A run that cannot converge
// stops early, 'infeasible' when δu = p̂ − z settles on a non-zero certificate or 'diverging' when the
// iterates blow up (infeasibility.ts).
//
// The coordinator holds agent endpoints (messages only) and the operator; it never sees an agent's
// parameters, and the operator never sees p or u on their own.
import type { Market } from '../case/market';
import { type ClearingSolution, flowsOf, maxLineViolation } from '../solution';
import { type AgentDispatch, sumWelfareTerms, welfareWithStoragePenalty } from '../model/welfare';
import { createAgent } from './agents';
import type { AgentEndpoint, FinalReport, Offer, ProposeRequest, Rescale, ResidualReport } from './messages';
import { type AdmmDiagnostic, type AdmmStatus, describeDivergence, describeInfeasibility, TerminationMonitor } from './infeasibility';
import { NetworkOperator, type OperatorStep } from './operator';
import { ADMM_DEFAULTS, checkAdmmSettings } from './settings';

export interface AdmmOptions {
  /** Enforce line limits in the operator's projection (4-6); otherwise average (4-5). */
  constrained: boolean;
  rho?: number;
  adaptive?: boolean;
  /** Over-relaxation α ∈ (0, 2); 1 disables it. */
  alpha?: number;
  epsAbs?: number;
  epsRel?: number;
  maxIter?: number;
  /** ε_inf: δu has settled when ‖δu^k − δu^{k−1}‖ ≤ ε_inf·‖δu^k‖ for 10 iterations running (infeasibility.ts). */
  epsInfeasible?: number;
  /** Called after every iteration (progress reporting). */
  onIteration?: (progress: AdmmProgress) => void;
}

export interface AdmmProgress {
  iteration: number;
  primalResidual: number;
  dualResidual: number;
  epsPrimal: number;
  epsDual: number;
  rho: number;
  welfareUsd: number;
}

/** Builds the agents from the market's private parameters: each endpoint keeps its own. */
export function createAgents(market: Market): AgentEndpoint[] {
  return market.params.map((p, a) => createAgent(a, market.hours, p));
}

export function runAdmm(market: Market, options: AdmmOptions): ClearingSolution {
  return runAdmmWith(createAgents(market), market, options);
}

/** The public part of a market that the coordinator and the operator may use. */
export type PublicMarket = Pick<Market, 'H' | 'network' | 'hours' | 'agents'>;

/**
 * One exchange of a round, asked of all agents at once (a batch: one request, N answers, returned
 * in agent-index order whatever order they arrived in). The arithmetic lives in `admmRounds` only,
 * so that every transport gives the same iterates bit for bit.
 */
export type AdmmAsk =
  | { kind: 'propose'; iteration: number; request: ProposeRequest }
  | { kind: 'accept'; iteration: number; /** z agent-major (z_i(t) at i·T + t); valid until the next ask. */ z: Float64Array }
  | { kind: 'rescale'; iteration: number; request: Rescale }
  | { kind: 'report'; iteration: number; rho: number };

/** What an ask is answered with: offers, residual reports (agent order), nothing, final reports. */
export type AdmmAnswer = Offer[] | ResidualReport[] | FinalReport[] | undefined;

/**
 * The operator's side of the message boundary, asynchronous: each call is one exchange of a round
 * with every agent, answered in agent-index order. `InProcessAgents` is the in-process transport;
 * the NATS transport (@gridmarket/net) sends the same requests to other processes.
 */
export interface AgentTransport {
  readonly size: number;
  propose(iteration: number, request: ProposeRequest): Promise<Offer[]>;
  accept(iteration: number, z: Float64Array, hours: number): Promise<ResidualReport[]>;
  rescale(iteration: number, request: Rescale): Promise<void>;
  report(iteration: number, rho: number): Promise<FinalReport[]>;
}

/** The in-process transport: synchronous endpoints, one promise per exchange (not per agent). */
export class InProcessAgents implements AgentTransport {
  constructor(readonly agents: AgentEndpoint[]) {}
  get size(): number {
    return this.agents.length;
  }
  async propose(_iteration: number, request: ProposeRequest): Promise<Offer[]> {
    return this.agents.map((agent) => agent.propose(request));
  }
  async accept(_iteration: number, z: Float64Array, hours: number): Promise<ResidualReport[]> {
    return this.agents.map((agent, a) => agent.accept({ type: 'consensus', z: z.subarray(a * hours, (a + 1) * hours) }));
  }
  async rescale(_iteration: number, request: Rescale): Promise<void> {
    for (const agent of this.agents) agent.rescale(request);
  }
  async report(_iteration: number, rho: number): Promise<FinalReport[]> {
    return this.agents.map((agent) => agent.report(rho));
  }
}

/**
 * Runs ADMM with the given endpoints, synchronously (the in-process fast path). The market is used
 * for what is public only: the network and its limits (for the operator), the hours, the agent count.
 */
export function runAdmmWith(agents: AgentEndpoint[], market: PublicMarket, options: AdmmOptions): ClearingSolution {
  const T = market.hours;
  const rounds = admmRounds(agents.length, market, options);
  let step = rounds.next();
  while (!step.done) {
    const ask = step.value;
    let answer: AdmmAnswer;
    switch (ask.kind) {
      case 'propose':
        answer = agents.map((agent) => agent.propose(ask.request));
        break;
      case 'accept':
        answer = agents.map((agent, a) => agent.accept({ type: 'consensus', z: ask.z.subarray(a * T, (a + 1) * T) }));
        break;
      case 'rescale':
        for (const agent of agents) agent.rescale(ask.request);
        answer = undefined;
        break;
      case 'report':
        answer = agents.map((agent) => agent.report(ask.rho));
        break;
    }
    step = rounds.next(answer);
  }
  return step.value;
}

/** Runs ADMM over a transport (in-process or across machines): the same rounds, awaited. */
export async function runAdmmOver(transport: AgentTransport, market: PublicMarket, options: AdmmOptions): Promise<ClearingSolution> {
  const rounds = admmRounds(transport.size, market, options);
  let step = rounds.next();
  while (!step.done) {
    const ask = step.value;
    let answer: AdmmAnswer;
    switch (ask.kind) {
      case 'propose':
        answer = await transport.propose(ask.iteration, ask.request);
        break;
      case 'accept':
        answer = await transport.accept(ask.iteration, ask.z, market.hours);
        break;
      case 'rescale':
        await transport.rescale(ask.iteration, ask.request);
        answer = undefined;
        break;
      case 'report':
        answer = await transport.report(ask.iteration, ask.rho);
        break;
    }
    step = rounds.next(answer);
  }
  return step.value;
}

/**
 * Consensus ADMM as a sequence of asks: the coordinator yields each exchange and is resumed with
 * the agents' answers in agent-index order. Every sum runs over agents in index order, so the
 * iterates do not depend on the transport or on the order in which answers arrived.
 */
export function* admmRounds(N: number, market: PublicMarket, options: AdmmOptions): Generator<AdmmAsk, ClearingSolution, AdmmAnswer> {
  const t0 = performance.now();
  const o = { ...ADMM_DEFAULTS, ...options };
  checkAdmmSettings(o);
  const T = market.hours;
  const operator = new NetworkOperator(
    { H: market.H, lines: market.network.lines.length, agents: N, limitsKw: market.network.lines.map((l) => l.limitKw) },
    T,
    options.constrained,
  );
  const trace = {
    rho: [] as number[],
    primalResidual: [] as number[],
    dualResidual: [] as number[],
    epsPrimal: [] as number[],
    epsDual: [] as number[],
    welfareUsd: [] as number[],
    zViolationKw: [] as number[],
  };
  let rho = o.rho;
  let status: AdmmStatus = 'max_iter_reached';
  let diagnostic: AdmmDiagnostic | undefined;
  const monitor = new TerminationMonitor(o.epsInfeasible);
  let iteration = 0;
  let step: OperatorStep | undefined;
  const sqrtNT = Math.sqrt(N * T);

  for (iteration = 1; iteration <= o.maxIter; iteration++) {
    const offers = (yield { kind: 'propose', iteration, request: { type: 'propose', rho, alpha: o.alpha } }) as Offer[];
    step = operator.consensus(offers);
    const residuals = (yield { kind: 'accept', iteration, z: step.z }) as ResidualReport[];
    let mismatchSq = 0;
    let proposalSq = 0;
    let consensusSq = 0;
    let scaledDualSq = 0;
    let welfare = 0;
    for (let a = 0; a < N; a++) {
      const r = residuals[a]!;
      mismatchSq += r.mismatchSq;
      proposalSq += r.proposalSq;
      consensusSq += r.consensusSq;
      scaledDualSq += r.scaledDualSq;
      welfare += r.surplusUsd;
    }
    const primal = Math.sqrt(mismatchSq);
    const dual = rho * Math.sqrt(step.changeSq);
    const epsPrimal = sqrtNT * o.epsAbs + o.epsRel * Math.max(Math.sqrt(proposalSq), Math.sqrt(consensusSq));
    const epsDual = sqrtNT * o.epsAbs + o.epsRel * Math.sqrt(scaledDualSq);
    trace.rho.push(rho);
    trace.primalResidual.push(primal);
    trace.dualResidual.push(dual);
    trace.epsPrimal.push(epsPrimal);
    trace.epsDual.push(epsDual);
    trace.welfareUsd.push(welfare);
    trace.zViolationKw.push(step.violationKw);
    o.onIteration?.({ iteration, primalResidual: primal, dualResidual: dual, epsPrimal, epsDual, rho, welfareUsd: welfare });
    if (primal <= epsPrimal && dual <= epsDual) {
      status = 'converged';
      break;
    }
    const summary = { primalResidual: primal, dualResidual: dual, epsPrimal, welfareUsd: welfare, rho, proposalSq, consensusSq, entries: N * T, dualStepSq: step.dualStepSq, dualStepChangeSq: step.dualStepChangeSq };
    const verdict = monitor.observe(summary);
    if (verdict) {
      status = verdict;
      diagnostic =
        verdict === 'diverging'
          ? describeDivergence(iteration, summary)
          : describeInfeasibility(operator.hourCertificates(o.alpha), market.network.lines, iteration, Math.sqrt(step.dualStepSq) / o.alpha);
      break;
    }
    if (o.adaptive) {
      const factor = primal > 10 * dual ? 2 : dual > 10 * primal ? 0.5 : 1;
      if (factor !== 1) {
        rho *= factor;
        yield { kind: 'rescale', iteration, request: { type: 'rescale', factor: 1 / factor } };
        operator.rescaleDuals(1 / factor);
      }
    }
  }
  if (iteration > o.maxIter) iteration = o.maxIter;

  const L = market.network.lines.length;
  const z = Array.from({ length: N }, (_, a) => hoursOf(step!.z, a, T));
  const lineMultipliers = Array.from({ length: L }, (_, l) => hoursOf(step!.lineMultipliers, l, T));
  const reports = (yield { kind: 'report', iteration, rho }) as FinalReport[];
  // The committed schedule is the consensus z (network-feasible); components are the agents' own.
  const dispatch: AgentDispatch[] = reports.map((r, a) => ({ ...r.dispatch, netKw: z[a]!.slice() }));
  const proposals = reports.map((r) => r.dispatch.netKw);
  const flowsZ = flowsOf(market as Market, z);
  const flowsP = flowsOf(market as Market, proposals);
  let finalMismatch = 0;
  proposals.forEach((p, a) => p.forEach((v, t) => (finalMismatch = Math.max(finalMismatch, Math.abs(v - z[a]![t]!)))));
  const nodal = reports.map((r) => r.dualPriceUsdPerKwh);
  const gridIndex = market.agents.findIndex((a) => a.kind === 'grid');
  // Welfare at what is committed (z), from each agent's own terms; the trace's welfare is at p.
  const welfare = sumWelfareTerms(reports.map((r) => r.welfareAtSchedule));
  return {
    method: 'admm',
    constrained: options.constrained,
    status,
    welfareUsd: welfareWithStoragePenalty(welfare),
    welfare,
    dispatch,
    systemPriceUsdPerKwh: nodal[gridIndex >= 0 ? gridIndex : 0]!.slice(),
    nodalPriceUsdPerKwh: nodal,
    // The projection's multipliers are in scaled units (kW); ρ·μ is a price in USD/kWh.
    lineDualUsdPerKwh: lineMultipliers.map((row) => row.map((m) => rho * m)),
    flowsKw: flowsZ,
    solveTimeMs: performance.now() - t0,
    accuracy: {
      iterations: iteration,
      primalResidual: trace.primalResidual.at(-1) ?? NaN,
      dualResidual: trace.dualResidual.at(-1) ?? NaN,
    },
    reportedMarginalCostUsdPerKwh: reports.map((r) => r.marginalCostUsdPerKwh),
    admm: {
      status,
      ...(diagnostic ? { diagnostic } : {}),
      iterations: iteration,
      ...trace,
      finalPViolationKw: maxLineViolation(market as Market, flowsP),
      finalMismatchKw: finalMismatch,
    },
  };
}

/** Row i of a row-major array with T columns, as the plain array a message carries. */
export function hoursOf(values: Float64Array, i: number, T: number): number[] {
  const row = new Array<number>(T);
  for (let t = 0; t < T; t++) row[t] = values[i * T + t]!;
  return row;
}
