// The operator's side of one clearing attempt over NATS: an AgentTransport whose every exchange is
// one broadcast (or one message per agent for the consensus) and one collection of answers, stored
// by agent index as they arrive and handed to the coordinator in index order once all are in.
//
// Fault policy (see the README):
//   - each exchange has a deadline (roundTimeoutMs); agents that have not answered by then are
//     asked again, one message each, up to `retries` times;
//   - an agent still missing, or whose answers were refused as invalid (not finite, or an offer
//     outside its public bounds), is excluded: the attempt ends with EpochRestart and the operator
//     starts the epoch again, with a stand-in whose schedule is zero in the agent's place;
//   - every refused message is counted by reason (RefusalCounts).
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  type AgentTransport,
  type FinalReport,
  type Offer,
  type ProposeRequest,
  type PublicCase,
  type Rescale,
  type ResidualReport,
  type AgentEndpoint,
  hoursOf,
} from '@gridmarket/clearing';
import type { LocalAccount } from 'viem/accounts';
import { type Certificate, decode, type Decoded, isFiniteArray, OPERATOR, type RefusalCounts, SessionSigner, subjects, verifyBody, verifyCertificate } from './protocol';
import { ZeroAgent } from './standIn';
import { ClearingAbortedError, NatsConnectionError } from './errors';

export interface FaultPolicy {
  /** How long an exchange waits for every agent's answer before asking the missing ones again (ms). */
  roundTimeoutMs: number;
  /** How many times a missing agent is asked again before it is excluded. */
  retries: number;
  /** How long the operator waits for every agent to say hello (ms). */
  joinTimeoutMs: number;
}

export const DEFAULT_FAULT_POLICY: FaultPolicy = { roundTimeoutMs: 5_000, retries: 2, joinTimeoutMs: 30_000 };

export type ExclusionReason = 'did not join' | 'no answer' | 'invalid answer';

export class EpochRestart extends Error {
  override name = 'EpochRestart';
  constructor(readonly excluded: { agent: number; reason: ExclusionReason; detail: string }[]) {
    super(`agents ${excluded.map((e) => `${e.agent} (${e.reason})`).join(', ')} excluded: the epoch starts again without them`);
  }
}

export interface WireStats {
  messagesOut: number;
  bytesOut: number;
  messagesIn: number;
  bytesIn: number;
}

type Phase = 'hello' | 'offer' | 'residuals' | 'final';

interface Pending {
  phase: Phase;
  iteration: number;
  answers: unknown[];
  waiting: Set<number>;
  invalid: Map<number, string>;
  resolve: () => void;
}

export interface OperatorSessionOptions {
  prefix: string;
  epoch: number;
  session: number;
  publicCase: PublicCase;
  account: LocalAccount;
  policy: FaultPolicy;
  /** Agents already excluded (stand-ins answer for them). */
  excluded: ReadonlyMap<number, string>;
  refused: RefusalCounts;
  wire: WireStats;
  log?: (line: string) => void;
}

export class OperatorSession implements AgentTransport {
  readonly size: number;
  private readonly hours: number;
  private readonly signer: SessionSigner;
  private readonly subj: ReturnType<typeof subjects>;
  private readonly keys = new Map<number, `0x${string}`>();
  private readonly seen = new Set<string>();
  private readonly standIns = new Map<number, AgentEndpoint>();
  private sub?: Subscription;
  private pending?: Pending;
  /** The operator's copy of each agent's z and u (agent-major), for the public-bounds check of offers. */
  private readonly z: Float64Array;
  private readonly u: Float64Array;
  private readonly offers: Float64Array;
  private alpha = 1;
  /** A ρ change not yet sent: it rides on the next propose or report. */
  private pendingRescale: number | undefined;
  private verifying = Promise.resolve();
  rounds = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly o: OperatorSessionOptions,
  ) {
    this.size = o.publicCase.agents.length;
    this.hours = o.publicCase.hours;
    this.signer = new SessionSigner(OPERATOR, o.epoch, o.session);
    this.subj = subjects(o.prefix, o.epoch);
    for (const [a] of o.excluded) this.standIns.set(a, new ZeroAgent(a, this.hours, o.publicCase.agents[a]!.kind));
    this.z = new Float64Array(this.size * this.hours);
    this.u = new Float64Array(this.size * this.hours);
    this.offers = new Float64Array(this.size * this.hours);
  }

  private publish(subject: string, text: string): void {
    this.o.wire.messagesOut++;
    this.o.wire.bytesOut += Buffer.byteLength(text);
    this.nc.publish(subject, text);
  }

  /** Certifies the session key, says `begin` until every agent said hello (or the join deadline). */
  async begin(settings: Record<string, unknown>): Promise<void> {
    const cert = await this.signer.certify(this.o.account);
    this.sub = this.nc.subscribe(this.subj.toOperator, {
      callback: (err, msg) => {
        if (err) return;
        this.o.wire.messagesIn++;
        this.o.wire.bytesIn += msg.data.length;
        this.receive(msg.data);
      },
    });
    const remote = this.remoteAgents();
    const joined = this.collect('hello', 0, remote, () => {});
    let announce = 0;
    const say = () => this.publish(this.subj.broadcast, this.signer.encode('begin', 0, { cert, agents: this.size, excluded: [...this.o.excluded.keys()], announce: announce++, settings }));
    say();
    const timer = setInterval(say, Math.min(1000, this.o.policy.joinTimeoutMs / 4));
    try {
      await joined.wait(this.o.policy.joinTimeoutMs, 0, () => {});
    } finally {
      clearInterval(timer);
    }
    const missing = joined.missing();
    if (missing.length && missing.length === remote.length) throw new ClearingAbortedError(`no agent joined epoch ${this.o.epoch} within ${this.o.policy.joinTimeoutMs} ms: are the agents started, on the same NATS server and subject prefix?`);
    if (missing.length) throw new EpochRestart(missing.map((agent) => ({ agent, reason: 'did not join', detail: `no hello within ${this.o.policy.joinTimeoutMs} ms` })));
  }

  close(): void {
    this.sub?.unsubscribe();
  }

  private remoteAgents(): number[] {
    return Array.from({ length: this.size }, (_, a) => a).filter((a) => !this.standIns.has(a));
  }

  /** Starts collecting one exchange's answers from `agents`; `ask(agents, attempt)` (re)sends the request. */
  private collect(phase: Phase, iteration: number, agents: number[], ask: (agents: number[], attempt: number) => void) {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const p: Pending = { phase, iteration, answers: new Array(this.size), waiting: new Set(agents), invalid: new Map(), resolve };
    this.pending = p;
    // Replays are remembered for the current exchange only: a message of an earlier one is refused
    // as stale by the order check, so memory stays bounded by the agents, not the iterations.
    this.seen.clear();
    if (p.waiting.size === 0) resolve();
    const missing = () => [...p.waiting].sort((a, b) => a - b);
    const wait = async (timeoutMs: number, retries: number, resend: (agents: number[], attempt: number) => void) => {
      for (let attempt = 0; ; attempt++) {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([done.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)))]);
        clearTimeout(timer);
        await this.verifying;
        if (!timedOut || p.waiting.size === 0) return;
        if (attempt >= retries) return;
        this.o.log?.(`epoch ${this.o.epoch} iteration ${iteration}: no ${phase} from agents ${missing().join(', ')} within ${timeoutMs} ms, asking again (${attempt + 1}/${retries})`);
        resend(missing(), attempt + 1);
      }
    };
    ask(agents, 0);
    return { p, wait, missing };
  }

  /** Runs one exchange to completion, or ends the attempt with the agents to exclude. */
  private async exchange<T>(phase: Phase, iteration: number, ask: (agents: number[], attempt: number) => void): Promise<T[]> {
    const remote = this.remoteAgents();
    const c = this.collect(phase, iteration, remote, ask);
    await c.wait(this.o.policy.roundTimeoutMs, this.o.policy.retries, ask);
    this.pending = undefined;
    const missing = c.missing();
    if (this.nc.isClosed()) throw new NatsConnectionError(`the NATS connection closed during ${phase} of iteration ${iteration}`);
    if (missing.length && missing.length === remote.length && remote.length > 1 && c.p.invalid.size === 0) {
      // Nobody answered: the server or the network is down, not every agent at once.
      throw new ClearingAbortedError(`no agent answered ${phase} of iteration ${iteration} after ${this.o.policy.retries + 1} requests of ${this.o.policy.roundTimeoutMs} ms: is the NATS server up?`);
    }
    if (missing.length) {
      throw new EpochRestart(
        missing.map((agent) =>
          c.p.invalid.has(agent)
            ? { agent, reason: 'invalid answer', detail: c.p.invalid.get(agent)! }
            : { agent, reason: 'no answer', detail: `no ${phase} for iteration ${iteration} after ${this.o.policy.retries + 1} requests of ${this.o.policy.roundTimeoutMs} ms` },
        ),
      );
    }
    return c.p.answers as T[];
  }

  async propose(iteration: number, request: ProposeRequest): Promise<Offer[]> {
    this.rounds = iteration;
    this.alpha = request.alpha;
    const rescale = this.takeRescale();
    const payload = { rho: request.rho, alpha: request.alpha, ...(rescale !== undefined ? { rescale } : {}) };
    const answers = await this.exchange<number[]>('offer', iteration, (agents, attempt) => {
      if (attempt === 0) this.publish(this.subj.broadcast, this.signer.encode('propose', iteration, payload));
      else for (const a of agents) this.publish(this.subj.toAgent(a), this.signer.encode('propose', iteration, { ...payload, to: a, retry: attempt }));
    });
    const T = this.hours;
    const offers: Offer[] = new Array(this.size);
    for (let a = 0; a < this.size; a++) {
      const standIn = this.standIns.get(a);
      if (standIn) {
        if (rescale !== undefined) standIn.rescale({ type: 'rescale', factor: rescale });
        offers[a] = standIn.propose(request);
      } else offers[a] = { type: 'offer', agent: a, offer: answers[a]! };
      for (let t = 0; t < T; t++) this.offers[a * T + t] = offers[a]!.offer[t]!;
    }
    return offers;
  }

  async accept(iteration: number, z: Float64Array, hours: number): Promise<ResidualReport[]> {
    const answers = await this.exchange<ResidualReport>('residuals', iteration, (agents, attempt) => {
      for (const a of agents) this.publish(this.subj.toAgent(a), this.signer.encode('consensus', iteration, { to: a, z: hoursOf(z, a, hours), ...(attempt ? { retry: attempt } : {}) }));
    });
    const out: ResidualReport[] = new Array(this.size);
    for (let a = 0; a < this.size; a++) {
      const standIn = this.standIns.get(a);
      out[a] = standIn ? standIn.accept({ type: 'consensus', z: hoursOf(z, a, hours) }) : { type: 'residuals', agent: a, ...(answers[a] as Omit<ResidualReport, 'type' | 'agent'>) };
    }
    // u ← u + p̂ − z = v − z (the offer v = p̂ + u): the operator's copy, for the next bounds check.
    for (let k = 0; k < z.length; k++) {
      this.u[k] = this.offers[k]! - z[k]!;
      this.z[k] = z[k]!;
    }
    return out;
  }

  async rescale(_iteration: number, request: Rescale): Promise<void> {
    this.pendingRescale = (this.pendingRescale ?? 1) * request.factor;
    for (let k = 0; k < this.u.length; k++) this.u[k] = this.u[k]! * request.factor;
  }

  private takeRescale(): number | undefined {
    const f = this.pendingRescale;
    this.pendingRescale = undefined;
    return f;
  }

  async report(iteration: number, rho: number): Promise<FinalReport[]> {
    const rescale = this.takeRescale();
    const payload = { rho, ...(rescale !== undefined ? { rescale } : {}) };
    const answers = await this.exchange<FinalReport>('final', iteration, (agents, attempt) => {
      if (attempt === 0) this.publish(this.subj.broadcast, this.signer.encode('report', iteration, payload));
      else for (const a of agents) this.publish(this.subj.toAgent(a), this.signer.encode('report', iteration, { ...payload, to: a, retry: attempt }));
    });
    return Array.from({ length: this.size }, (_, a) => {
      const standIn = this.standIns.get(a);
      if (standIn) {
        if (rescale !== undefined) standIn.rescale({ type: 'rescale', factor: rescale });
        return standIn.report(rho);
      }
      return { ...(answers[a] as FinalReport), type: 'report', agent: a };
    });
  }

  /** Sends a message of the operator's session to one agent (signed schedules, at the end). */
  sendTo(agent: number, kind: 'schedule', payload: object): void {
    this.publish(this.subj.toAgent(agent), this.signer.encode(kind, 0, { ...payload, to: agent }));
  }

  broadcast(kind: 'end', payload: unknown): void {
    this.publish(this.subj.broadcast, this.signer.encode(kind, 0, payload));
  }

  private receive(data: Uint8Array): void {
    const m = decode(data);
    const r = this.o.refused;
    if (!m) return void r.malformed++;
    const b = m.body;
    if (b.epoch !== this.o.epoch) return void r.stale++;
    if (b.session < this.o.session) return void r.stale++;
    if (b.session > this.o.session) return void r.outOfOrder++;
    if (!Number.isInteger(b.sender) || b.sender < 0 || b.sender >= this.size || this.standIns.has(b.sender)) return void r.forged++;
    if (b.kind === 'hello') {
      // A message id is its signature: a hello seen before is a replay, refused before it queues
      // for the certificate check (secp256k1, milliseconds) that every answer waits behind.
      if (this.seen.has(m.id)) return void r.replayed++;
      // The certificate check is asynchronous (secp256k1); answers are read once it is done.
      this.verifying = this.verifying.then(() => this.hello(m));
      return;
    }
    const key = this.keys.get(b.sender);
    if (!key || !verifyBody(m, key)) return void r.forged++;
    if (this.seen.has(m.id)) return void r.replayed++;
    this.seen.add(m.id);
    const p = this.pending;
    const phase = b.kind as Phase;
    const order: Phase[] = ['hello', 'offer', 'residuals', 'final'];
    if (!order.includes(phase) || !p) return void r.outOfOrder++;
    const at = (it: number, ph: Phase) => it * 4 + order.indexOf(ph);
    if (at(b.iteration, phase) < at(p.iteration, p.phase)) return void r.stale++;
    if (at(b.iteration, phase) > at(p.iteration, p.phase)) return void r.outOfOrder++;
    if (!p.waiting.has(b.sender)) return void r.replayed++; // a second answer to the same request (after a retry)
    const problem = this.check(phase, b.sender, b.payload);
    if (problem) {
      r.invalid++;
      p.invalid.set(b.sender, problem);
      this.o.log?.(`epoch ${this.o.epoch} iteration ${b.iteration}: refused ${phase} of agent ${b.sender}: ${problem}`);
      return;
    }
    p.answers[b.sender] = phase === 'offer' ? (b.payload as { offer: number[] }).offer : b.payload;
    p.waiting.delete(b.sender);
    p.invalid.delete(b.sender);
    if (p.waiting.size === 0) p.resolve();
  }

  private async hello(m: Decoded): Promise<void> {
    const r = this.o.refused;
    const b = m.body;
    const cert = (b.payload as { cert?: Certificate } | null)?.cert;
    const expected = this.o.publicCase.agents[b.sender]?.account;
    if (
      !cert ||
      cert.sender !== b.sender ||
      cert.epoch !== this.o.epoch ||
      cert.session !== this.o.session ||
      !(await verifyCertificate(cert, expected)) ||
      !verifyBody(m, cert.sessionKey)
    ) {
      return void r.forged++;
    }
    if (this.seen.has(m.id)) return void r.replayed++;
    this.seen.add(m.id);
    if (this.keys.has(b.sender)) return void r.replayed++;
    this.keys.set(b.sender, cert.sessionKey);
    const p = this.pending;
    if (p?.phase === 'hello' && p.waiting.delete(b.sender) && p.waiting.size === 0) p.resolve();
  }

  /** What is wrong with an answer's payload, if anything: finite numbers, offers within public bounds. */
  private check(phase: Phase, a: number, payload: unknown): string | undefined {
    const T = this.hours;
    if (payload === null || typeof payload !== 'object') return 'payload is not an object';
    if (phase === 'offer') {
      const offer = (payload as { offer?: unknown }).offer;
      if (!isFiniteArray(offer, T)) return `offer must be ${T} finite numbers`;
      // p̂ = v − u (the operator's u), p = (p̂ − (1 − α)z)/α: within the agent's public range.
      const bounds = this.o.publicCase.agents[a]!;
      for (let t = 0; t < T; t++) {
        const u = this.u[a * T + t]!;
        const pHat = offer[t]! - u;
        const p = (pHat - (1 - this.alpha) * this.z[a * T + t]!) / this.alpha;
        const tol = 1e-6 + 1e-9 * (Math.abs(offer[t]!) + Math.abs(u) + Math.abs(this.z[a * T + t]!));
        const max = bounds.maxKw[t];
        if (p < bounds.minKw[t]! - tol || (max !== null && max !== undefined && p > max + tol)) {
          return `offer implies ${p} kW in hour ${t}, outside the public range [${bounds.minKw[t]}, ${max ?? '∞'}] kW`;
        }
      }
      return undefined;
    }
    if (phase === 'residuals') {
      for (const f of ['mismatchSq', 'proposalSq', 'consensusSq', 'scaledDualSq', 'surplusUsd'] as const) {
        const v = (payload as Record<string, unknown>)[f];
        if (typeof v !== 'number' || !Number.isFinite(v)) return `${f} must be a finite number`;
      }
      return undefined;
    }
    if (phase === 'final') {
      const f = payload as Partial<FinalReport>;
      if (!f.dispatch || !isFiniteArray(f.dispatch.netKw, T)) return `dispatch.netKw must be ${T} finite numbers`;
      // Every series the document and the settlement price (5-2) read: finite, where present.
      const d = f.dispatch as unknown as Record<string, unknown>;
      for (const k of ['generationKw', 'chargeKw', 'dischargeKw', 'socKwh', 'consumptionKw', 'importKw']) {
        if (d[k] !== undefined && !isFiniteArray(d[k], T)) return `dispatch.${k} must be ${T} finite numbers`;
      }
      if (!isFiniteArray(f.dualPriceUsdPerKwh, T)) return `dualPriceUsdPerKwh must be ${T} finite numbers`;
      const w = f.welfareAtSchedule as unknown as Record<string, unknown> | undefined;
      if (!w || !['utilityUsd', 'generationCostUsd', 'importCostUsd', 'storagePenaltyUsd'].every((k) => typeof w[k] === 'number' && Number.isFinite(w[k]))) return 'welfareAtSchedule must hold four finite numbers';
      // A seller's generation and marginal cost weight the settlement price: both are required, its
      // generation within the public range of its injection, its marginal cost not negative.
      const agent = this.o.publicCase.agents[a]!;
      if (agent.kind === 'seller') {
        const g = d.generationKw;
        if (!isFiniteArray(g, T)) return `dispatch.generationKw must be ${T} finite numbers`;
        for (let t = 0; t < T; t++) {
          const max = agent.maxKw[t];
          if (g[t]! < -1e-6 || (max !== null && max !== undefined && g[t]! > max + 1e-6)) return `generation ${g[t]} kW in hour ${t} is outside the public range [0, ${max ?? '∞'}] kW`;
        }
        const mc = f.marginalCostUsdPerKwh;
        if (!isFiniteArray(mc, T) || mc.some((v) => v < 0)) return `marginalCostUsdPerKwh must be ${T} finite numbers, none negative`;
      }
      return undefined;
    }
    return undefined;
  }
}
