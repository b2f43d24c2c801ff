// A participant's process: it holds one or more agents' private files and account keys, answers
// the operator's rounds over NATS, and keeps the consensus schedule the operator signed for each
// of its agents (checked after posting: see check.ts). Each hosted agent has its own session key,
// certified by its own account.
//
// What an agent accepts from the operator, per session (all signed by the operator's certified
// session key; everything else is refused and counted):
//   begin (session s)         s higher than the last seen: the epoch starts (again) from scratch
//   propose k                 k = last proposal + 1 after consensus k − 1 (or k = last: a retry,
//                             answered again from the same state)
//   consensus k (its own z)   after propose k, once (again on a retry)
//   report k                  after consensus k
//   schedule                  after report: the signed ConsensusSchedule of its agent
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { type AgentEndpoint, createAgent, type PrivateParams, type PublicCase } from '@gridmarket/clearing';
import type { LocalAccount } from 'viem/accounts';
import { type Certificate, decode, type Decoded, isFiniteArray, noRefusals, OPERATOR, type RefusalCounts, SessionSigner, subjects, verifyBody, verifyCertificate } from './protocol';
import { type ScheduleDomain, scheduleSigner, type SignedSchedule } from './schedule';

export interface HostedAgent {
  index: number;
  id: string;
  params: PrivateParams;
  account: LocalAccount;
  /** Its on-chain agent id, which the signed schedule must name (unknown: checked against the chain after posting). */
  agentId?: number;
}

export type AgentState = 'waiting' | 'joined' | 'clearing' | 'reported' | 'excluded' | 'scheduled';

export interface HostedStatus {
  index: number;
  id: string;
  state: AgentState;
  session: number;
  iteration: number;
  /** The operator's signed schedule for this agent, once received and verified. */
  schedule?: SignedSchedule;
  /** Its final consensus z_i (kW per hour), as the operator sent it last. */
  consensusKw?: number[];
  refused: RefusalCounts;
}

export interface EpochEnd {
  clearing: string;
  iterations: number;
  excluded: number[];
  welfareUsd: number;
}

export interface AgentHostOptions {
  prefix: string;
  epoch: number;
  publicCase: PublicCase;
  agents: HostedAgent[];
  /** The operator's account (default: publicCase.operator). */
  operator?: string;
  /** The ledger's EIP-712 domain, to check the operator's signed schedules (optional). */
  scheduleDomain?: ScheduleDomain;
  log?: (line: string) => void;
  /** Test hook: changes what an agent sends (fault tests); returns the payload to send. */
  tamper?: (agent: number, kind: string, iteration: number, payload: unknown) => unknown;
  /** Test hook: sees each message as it goes out. */
  onSend?: (agent: number, kind: string, iteration: number, wire: string) => void;
}

interface AgentRun {
  h: HostedAgent;
  status: HostedStatus;
  endpoint?: AgentEndpoint;
  signer?: SessionSigner;
  proposed: number;
  accepted: number;
  reported: boolean;
  replies: Map<string, unknown>;
}

export class AgentHost {
  private readonly subs: Subscription[] = [];
  private readonly runs: Map<number, AgentRun>;
  private session = 0;
  private operatorKey?: `0x${string}`;
  private readonly seen = new Set<string>();
  /** The last round the operator's broadcast proposed (pruning point of `seen`). */
  private round = 0;
  private queue = Promise.resolve();
  private readonly subj: ReturnType<typeof subjects>;
  private readonly scheduleWaiters: (() => void)[] = [];
  private endedWith?: (end: EpochEnd) => void;
  /** Resolves with the operator's `end` message of the epoch (its last session). */
  readonly ended: Promise<EpochEnd> = new Promise((resolve) => (this.endedWith = resolve));
  /** Refusals of broadcasts (not addressed to one agent). */
  readonly refused: RefusalCounts = noRefusals();

  constructor(
    private readonly nc: NatsConnection,
    private readonly o: AgentHostOptions,
  ) {
    this.subj = subjects(o.prefix, o.epoch);
    this.runs = new Map(
      o.agents.map((h) => {
        const pub = o.publicCase.agents[h.index];
        if (!pub || pub.id !== h.id) throw new Error(`agent ${h.id} is not agent ${h.index} of the public case`);
        if (pub.kind !== h.params.kind) throw new Error(`agent ${h.id} is a ${pub.kind} in the public case, its private file says ${h.params.kind}`);
        return [h.index, { h, status: { index: h.index, id: h.id, state: 'waiting', session: 0, iteration: 0, refused: noRefusals() }, proposed: 0, accepted: 0, reported: false, replies: new Map() }];
      }),
    );
  }

  start(): void {
    const handle = (target?: number) => (err: Error | null, msg: { data: Uint8Array }) => {
      if (err) return;
      // One message at a time, in arrival order: certificate checks are asynchronous.
      const data = msg.data;
      this.queue = this.queue.then(() => this.receive(data, target)).catch((e) => this.o.log?.(`agent host: ${(e as Error).message}`));
    };
    this.subs.push(this.nc.subscribe(this.subj.broadcast, { callback: handle() }));
    for (const a of this.runs.keys()) this.subs.push(this.nc.subscribe(this.subj.toAgent(a), { callback: handle(a) }));
  }

  async stop(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    await this.queue;
  }

  status(): { session: number; refused: RefusalCounts; agents: HostedStatus[] } {
    return { session: this.session, refused: { ...this.refused }, agents: [...this.runs.values()].map((r) => ({ ...r.status, refused: { ...r.status.refused } })) };
  }

  /** An agent's session signer (tests craft messages with a genuine key). */
  signerOf(agent: number): SessionSigner | undefined {
    return this.runs.get(agent)?.signer;
  }

  /** Resolves once every hosted agent holds a verified signed schedule (or is excluded). */
  schedules(): Promise<void> {
    const done = () => [...this.runs.values()].every((r) => r.status.state === 'scheduled' || r.status.state === 'excluded');
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.scheduleWaiters.push(() => done() && resolve()));
  }

  private send(run: AgentRun, kind: 'hello' | 'offer' | 'residuals' | 'final', iteration: number, payload: unknown): void {
    const p = this.o.tamper ? this.o.tamper(run.h.index, kind, iteration, payload) : payload;
    if (p === undefined) return; // a fault test's silent agent
    const text = run.signer!.encode(kind, iteration, p);
    // Only the last answer of each kind can be asked again (a retry is for the current step).
    run.replies.delete(`${kind}:${iteration - 1}`);
    run.replies.set(`${kind}:${iteration}`, p);
    this.nc.publish(this.subj.toOperator, text);
    this.o.onSend?.(run.h.index, kind, iteration, text);
  }

  private async receive(data: Uint8Array, target: number | undefined): Promise<void> {
    const counts = target === undefined ? this.refused : this.runs.get(target)!.status.refused;
    const m = decode(data);
    if (!m) return void counts.malformed++;
    const b = m.body;
    if (b.sender !== OPERATOR) return void counts.forged++;
    if (b.epoch !== this.o.epoch) return void counts.stale++;
    if (b.kind === 'begin') return this.begin(m, counts);
    if (b.session < this.session) return void counts.stale++;
    if (b.session > this.session || !this.operatorKey) return void counts.outOfOrder++;
    if (!verifyBody(m, this.operatorKey)) return void counts.forged++;
    if (this.seen.has(m.id)) return void counts.replayed++;
    // A new round: messages of earlier ones are refused as stale by the order checks, so only this
    // round's need remembering.
    if (b.kind === 'propose' && target === undefined && b.iteration > this.round) {
      this.round = b.iteration;
      this.seen.clear();
    }
    this.seen.add(m.id);
    const payload = (b.payload ?? {}) as Record<string, unknown>;
    // A message to one agent names it (so that the same numbers to two agents are two messages).
    if (target !== undefined && payload.to !== target) return void counts.forged++;
    if (target === undefined && payload.to !== undefined) return void counts.outOfOrder++;
    if (b.kind === 'end') {
      this.endedWith?.(payload as unknown as EpochEnd);
      return;
    }
    const targets = target === undefined ? [...this.runs.values()] : [this.runs.get(target)!];
    for (const run of targets) {
      if (run.status.state === 'excluded' || !run.endpoint) continue;
      const c = run.status.refused;
      switch (b.kind) {
        case 'propose': {
          const retry = b.iteration === run.proposed && run.accepted === run.proposed - 1;
          if (b.iteration < run.proposed || (b.iteration === run.proposed && !retry)) {
            c.stale++;
            continue;
          }
          if (b.iteration > run.proposed + 1 || run.accepted !== b.iteration - 1) {
            c.outOfOrder++;
            continue;
          }
          if (typeof payload.rho !== 'number' || typeof payload.alpha !== 'number' || !(payload.rho > 0) || !Number.isFinite(payload.rho)) {
            c.invalid++;
            continue;
          }
          if (retry) {
            this.send(run, 'offer', b.iteration, { ...(run.replies.get(`offer:${b.iteration}`) as object), retry: payload.retry });
            continue;
          }
          if (typeof payload.rescale === 'number') run.endpoint.rescale({ type: 'rescale', factor: payload.rescale });
          const offer = run.endpoint.propose({ type: 'propose', rho: payload.rho, alpha: payload.alpha });
          run.proposed = b.iteration;
          run.status.iteration = b.iteration;
          run.status.state = 'clearing';
          this.send(run, 'offer', b.iteration, { offer: Array.from(offer.offer) }); // kept for a retry: the agent rewrites its own
          break;
        }
        case 'consensus': {
          if (b.iteration < run.proposed || (b.iteration === run.accepted && payload.retry === undefined)) {
            c.stale++;
            continue;
          }
          if (b.iteration !== run.proposed) {
            c.outOfOrder++;
            continue;
          }
          if (!isFiniteArray(payload.z, this.o.publicCase.hours)) {
            c.invalid++;
            continue;
          }
          if (b.iteration === run.accepted) {
            this.send(run, 'residuals', b.iteration, { ...(run.replies.get(`residuals:${b.iteration}`) as object), retry: payload.retry });
            continue;
          }
          const r = run.endpoint.accept({ type: 'consensus', z: payload.z });
          run.accepted = b.iteration;
          run.status.consensusKw = payload.z.slice();
          const { type: _t, agent: _a, ...rest } = r;
          this.send(run, 'residuals', b.iteration, rest);
          break;
        }
        case 'report': {
          if (run.reported && payload.retry === undefined) {
            c.stale++;
            continue;
          }
          if (b.iteration !== run.accepted) {
            c.outOfOrder++;
            continue;
          }
          if (run.reported) {
            this.send(run, 'final', b.iteration, { ...(run.replies.get(`final:${b.iteration}`) as object), retry: payload.retry });
            continue;
          }
          if (typeof payload.rescale === 'number') run.endpoint.rescale({ type: 'rescale', factor: payload.rescale });
          const { type: _t, agent: _a, ...rest } = run.endpoint.report(payload.rho as number);
          // The state of charge stays home: a battery that fills or empties shows its capacity or
          // its floor in it. The market needs the net injection, generation (for the settlement
          // price), consumption, import, charge and discharge, whose ranges are public anyway.
          const { socKwh: _soc, ...dispatch } = rest.dispatch;
          rest.dispatch = dispatch;
          run.reported = true;
          run.status.state = 'reported';
          this.send(run, 'final', b.iteration, rest);
          break;
        }
        case 'schedule': {
          const { to: _to, ...s } = payload as unknown as SignedSchedule & { to: number };
          if (!run.reported) {
            c.outOfOrder++;
            continue;
          }
          if ((run.h.agentId !== undefined && s.agentId !== run.h.agentId) || s.epochId !== this.o.epoch || !isFiniteArray(s.energyWh, 24)) {
            c.invalid++;
            continue;
          }
          if (this.o.scheduleDomain) {
            const signer = await scheduleSigner(this.o.scheduleDomain, s).catch(() => undefined);
            if (!signer || signer.toLowerCase() !== this.operatorAccount().toLowerCase()) {
              c.forged++;
              continue;
            }
          }
          run.status.schedule = s;
          run.status.state = 'scheduled';
          break;
        }
        default:
          c.outOfOrder++;
      }
    }
    for (const w of this.scheduleWaiters) w();
  }

  private operatorAccount(): string {
    const a = this.o.operator ?? this.o.publicCase.operator;
    if (!a) throw new Error('no operator account: give --operator or put "operator" in public.json');
    return a;
  }

  private async begin(m: Decoded, counts: RefusalCounts): Promise<void> {
    const b = m.body;
    const payload = (b.payload ?? {}) as { cert?: Certificate; excluded?: number[] };
    if (b.session < this.session) return void counts.stale++;
    if (b.session === this.session) {
      // The operator says begin until everyone joined: the same session again is not news.
      if (!this.operatorKey || !verifyBody(m, this.operatorKey)) return void counts.forged++;
      if (this.seen.has(m.id)) return void counts.replayed++;
      this.seen.add(m.id);
      return;
    }
    const cert = payload.cert;
    if (!cert || cert.sender !== OPERATOR || cert.epoch !== this.o.epoch || cert.session !== b.session || !(await verifyCertificate(cert, this.operatorAccount())) || !verifyBody(m, cert.sessionKey)) {
      return void counts.forged++;
    }
    // A new session: the epoch starts again, from scratch.
    this.session = b.session;
    this.operatorKey = cert.sessionKey;
    this.seen.clear();
    this.seen.add(m.id);
    this.round = 0;
    const excluded = new Set(Array.isArray(payload.excluded) ? payload.excluded : []);
    for (const run of this.runs.values()) {
      run.status.session = b.session;
      run.status.iteration = 0;
      run.proposed = 0;
      run.accepted = 0;
      run.reported = false;
      run.replies.clear();
      delete run.status.schedule;
      delete run.status.consensusKw;
      if (excluded.has(run.h.index)) {
        run.status.state = 'excluded';
        run.endpoint = undefined;
        this.o.log?.(`agent ${run.h.id}: excluded from epoch ${this.o.epoch} by the operator (session ${b.session})`);
        continue;
      }
      run.endpoint = createAgent(run.h.index, this.o.publicCase.hours, run.h.params);
      run.signer = new SessionSigner(run.h.index, this.o.epoch, b.session);
      const agentCert = await run.signer.certify(run.h.account);
      run.status.state = 'joined';
      this.send(run, 'hello', 0, { cert: agentCert });
    }
  }
}
