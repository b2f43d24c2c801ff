// Meter readings over NATS, from each meter's process to the relayer's. A reading is the meter's
// EIP-712 signature over (epoch, agent, 24 values): it authenticates itself, and the contract
// checks it again, so the transport adds no signature of its own. The meter sends it as a request
// on `<prefix>.readings.<epoch>` and sends it again until the relayer answers with the reading's
// final state (on chain, or refused with the contract's reason): a relayer that dies before
// submitting loses nothing, since the meters keep sending until one that lives answers.
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Hex } from 'viem';
import { z } from 'zod';
import { NetError } from './errors';

export interface WireReading {
  epochId: number;
  agentId: number;
  energyWh: number[];
  signature: Hex;
}

/** The relayer's answer: `on-chain` (stored, by this relay or before) or `refused` with the reason. */
export type ReadingAnswer = { state: 'on-chain' } | { state: 'refused'; reason: string };

const int32 = z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1);
const readingSchema = z.object({
  epochId: z.number().int().min(0).max(2 ** 32 - 1),
  agentId: z.number().int().min(0).max(2 ** 16 - 1),
  energyWh: z.array(int32).length(24),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/),
});
const answerSchema = z.union([z.object({ state: z.literal('on-chain') }), z.object({ state: z.literal('refused'), reason: z.string() })]);

export function readingsSubject(prefix: string, epochId: number): string {
  return `${prefix}.readings.${epochId}`;
}

/** Parses a reading off the wire; undefined for anything else (the relayer ignores it). */
export function parseWireReading(data: Uint8Array): WireReading | undefined {
  try {
    const r = readingSchema.safeParse(JSON.parse(new TextDecoder().decode(data)));
    return r.success ? (r.data as WireReading) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends a reading until the relayer answers with its final state, or `timeoutMs` has passed.
 * Each attempt waits `attemptMs` for an answer (the relayer answers once the reading's batch is
 * mined); no relayer listening, or one that died, only means another attempt.
 */
export async function sendReading(
  nc: NatsConnection,
  prefix: string,
  reading: WireReading,
  options: {
    timeoutMs?: number;
    attemptMs?: number;
    log?: (line: string) => void;
    /**
     * Asks the chain whether the reading's state is final already (between attempts): an answer
     * that came too late for an attempt, from a relayer that has since stopped, is not lost.
     */
    finalState?: () => Promise<ReadingAnswer | undefined>;
  } = {},
): Promise<ReadingAnswer> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const attemptMs = options.attemptMs ?? 3_000;
  const body = JSON.stringify(reading);
  for (let attempt = 1; ; attempt++) {
    try {
      const reply = await nc.request(readingsSubject(prefix, reading.epochId), body, { timeout: attemptMs });
      const answer = answerSchema.safeParse(JSON.parse(reply.string()));
      if (answer.success) return answer.data;
    } catch {
      // No responder yet, or no answer in time: try again.
    }
    const known = await options.finalState?.().catch(() => undefined);
    if (known) return known;
    if (Date.now() + attemptMs > deadline) {
      throw new NetError(`no relayer stored the reading of agent ${reading.agentId} for epoch ${reading.epochId} within ${options.timeoutMs ?? 120_000} ms (${attempt} attempts)`);
    }
    if (attempt === 1) options.log?.(`no answer from a relayer yet for agent ${reading.agentId}: sending again until one answers`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A reading not on chain yet: who asked about it, and whether its agent's meter key signed it. */
interface Waiting {
  reading: WireReading;
  replies: Msg[];
  signedByMeter: boolean;
}

/**
 * The relayer's side: collects readings, submits them in batches and answers each request once the
 * state of the reading it carried is final. Readings are told apart by their signature, not only by
 * their agent: anyone on the server can send a reading for any agent, so a forged one must not stand
 * in for the meter's own (each is submitted, the contract refuses the forgery and stores the
 * genuine one, and each sender gets the answer for its own reading). `submit` gets the pending
 * readings and returns an answer for each, in order; it runs when every expected agent has sent
 * (or is final), or when no new reading came for `idleMs`.
 */
export class ReadingCollector {
  /** Readings not submitted yet, and the batch being submitted, by signature. */
  private readonly pending = new Map<string, Waiting>();
  private readonly inFlight = new Map<string, Waiting>();
  /** Agents whose reading is on chain, and readings the chain refused (by signature). */
  private readonly stored = new Set<number>();
  private readonly refused = new Map<string, { agentId: number; reason: string }>();
  /** Per agent: readings pending or in flight, and whether one was refused (kept so that a check is O(1)). */
  private readonly waiting = new Map<number, number>();
  private readonly refusedAgents = new Set<number>();
  /** Agents with a reading not signed by their meter key waiting (see signedByMeter). */
  private readonly unverified = new Set<number>();
  private sub: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private finished!: () => void;
  private failed!: (err: unknown) => void;
  /** Settles when every expected agent is final: its reading on chain, or every reading sent for it refused. */
  readonly complete: Promise<void>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: {
      prefix: string;
      epochId: number;
      /** Agents whose readings to wait for. */
      expect: ReadonlySet<number>;
      /** Agents whose reading was on chain before this relayer started. */
      alreadyStored?: Iterable<number>;
      idleMs?: number;
      submit: (readings: WireReading[]) => Promise<ReadingAnswer[]>;
      /**
       * Whether the reading is signed by its agent's registered meter key (checked off chain). With
       * it, at most one reading that is not waits per agent: anyone on the server can send
       * readings for any agent, and each one the chain is asked about costs the relayer a call and a
       * batch slot. The one that waits is still submitted, so that a meter with a wrong key gets the
       * contract's reason; the rest are dropped unanswered until it is final.
       */
      signedByMeter?: (reading: WireReading) => Promise<boolean>;
      log?: (line: string) => void;
    },
  ) {
    for (const agent of options.alreadyStored ?? []) this.stored.add(agent);
    this.complete = new Promise<void>((resolve, reject) => {
      this.finished = resolve;
      this.failed = reject;
    });
  }

  start(): void {
    this.sub = this.nc.subscribe(readingsSubject(this.options.prefix, this.options.epochId), {
      callback: (err, msg) => {
        if (err) return;
        const r = parseWireReading(msg.data);
        // Only this epoch's readings, of the agents this relayer was asked for.
        if (!r || r.epochId !== this.options.epochId || !this.options.expect.has(r.agentId)) return;
        const id = r.signature.toLowerCase();
        if (this.answeredOrJoined(id, r, msg)) return;
        const check = this.options.signedByMeter;
        if (!check) return this.enqueue(id, r, msg, true);
        void check(r).then(
          (ok) => this.enqueue(id, r, msg, ok),
          () => this.enqueue(id, r, msg, false),
        );
      },
    });
    this.checkComplete();
  }

  /** A request about a reading whose answer is final (answered now) or that is already waiting (joins it). */
  private answeredOrJoined(id: string, r: WireReading, msg: Msg): boolean {
    const final = this.finalAnswer(r.agentId, id);
    if (final) {
      msg.respond(JSON.stringify(final));
      return true;
    }
    const p = this.inFlight.get(id) ?? this.pending.get(id);
    if (p) p.replies.push(msg);
    return p !== undefined;
  }

  private enqueue(id: string, r: WireReading, msg: Msg, signedByMeter: boolean): void {
    // Another copy may have come while the signature was being checked.
    if (this.answeredOrJoined(id, r, msg)) return;
    if (!signedByMeter) {
      if (this.unverified.has(r.agentId)) return; // one at a time per agent; its sender tries again
      this.unverified.add(r.agentId);
    }
    this.pending.set(id, { reading: r, replies: [msg], signedByMeter });
    this.waiting.set(r.agentId, (this.waiting.get(r.agentId) ?? 0) + 1);
    this.schedule();
  }

  /** Where each expected agent stands: on chain, refused (the reasons), or still missing. */
  outcome(): { stored: number[]; refused: { agentId: number; reason: string }[]; missing: number[] } {
    const expect = [...this.options.expect];
    return {
      stored: expect.filter((a) => this.stored.has(a)),
      refused: [...this.refused.values()].filter((r) => !this.stored.has(r.agentId)),
      missing: expect.filter((a) => !this.isFinal(a)),
    };
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.sub?.unsubscribe();
    await this.running;
  }

  /** The answer for one reading: refused if the chain refused it, else on chain once its agent's is. */
  private finalAnswer(agentId: number, signature: string): ReadingAnswer | undefined {
    const refused = this.refused.get(signature);
    if (refused) return { state: 'refused', reason: refused.reason };
    return this.stored.has(agentId) ? { state: 'on-chain' } : undefined;
  }

  /** On chain, or refused with nothing of it still pending. */
  private isFinal(agentId: number): boolean {
    return this.stored.has(agentId) || (!this.waiting.get(agentId) && this.refusedAgents.has(agentId));
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const unsent = [...this.options.expect].some((a) => !this.waiting.get(a) && !this.isFinal(a));
    if (!unsent) this.flush();
    else this.timer = setTimeout(() => this.flush(), this.options.idleMs ?? 1_500);
  }

  private flush(): void {
    this.running = this.running.then(async () => {
      if (this.pending.size === 0) return;
      const batch = [...this.pending];
      this.pending.clear();
      for (const [id, b] of batch) this.inFlight.set(id, b);
      try {
        const answers = await this.options.submit(batch.map(([, b]) => b.reading));
        batch.forEach(([id, { reading }], k) => {
          const answer = answers[k] ?? { state: 'refused', reason: 'not submitted' };
          if (answer.state === 'on-chain') this.stored.add(reading.agentId);
          else {
            this.refused.set(id, { agentId: reading.agentId, reason: answer.reason });
            this.refusedAgents.add(reading.agentId);
          }
          this.waiting.set(reading.agentId, this.waiting.get(reading.agentId)! - 1);
        });
        for (const [, b] of batch) if (!b.signedByMeter) this.unverified.delete(b.reading.agentId);
        // Answered once the whole batch is recorded.
        for (const [id, { reading, replies }] of batch) {
          this.inFlight.delete(id);
          const answer = this.finalAnswer(reading.agentId, id)!;
          for (const m of replies) m.respond(JSON.stringify(answer));
        }
        this.options.log?.(`batch of ${batch.length} reading${batch.length === 1 ? '' : 's'} final (${this.stored.size} of ${this.options.expect.size} agents on chain)`);
      } catch (err) {
        this.failed(err);
        return;
      }
      this.checkComplete();
    });
  }

  private checkComplete(): void {
    if ([...this.options.expect].every((a) => this.isFinal(a))) this.finished();
  }
}
