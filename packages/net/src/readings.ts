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

/**
 * The relayer's side: collects readings, submits them in batches and answers each meter once its
 * reading's state is final. `submit` gets the pending readings (at most one per agent) and says
 * what became of each; it runs when every expected agent has sent (or is already done), or when no
 * new reading came for `idleMs`.
 */
export class ReadingCollector {
  private readonly pending = new Map<number, { reading: WireReading; replies: Msg[] }>();
  /** The batch being submitted: a meter sending again meanwhile waits for its answer. */
  private readonly inFlight = new Map<number, { reading: WireReading; replies: Msg[] }>();
  private readonly done = new Map<number, ReadingAnswer>();
  private sub: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private finished!: () => void;
  private failed!: (err: unknown) => void;
  /** Settles when every expected agent's reading is final. */
  readonly complete: Promise<void>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: {
      prefix: string;
      epochId: number;
      /** Agents whose readings to wait for. */
      expect: ReadonlySet<number>;
      /** Agents already final before this relayer started (readings on chain). */
      alreadyDone?: ReadonlyMap<number, ReadingAnswer>;
      idleMs?: number;
      submit: (readings: WireReading[]) => Promise<Map<number, ReadingAnswer>>;
      log?: (line: string) => void;
    },
  ) {
    for (const [agent, answer] of options.alreadyDone ?? []) this.done.set(agent, answer);
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
        if (!r || r.epochId !== this.options.epochId) return;
        const final = this.done.get(r.agentId);
        if (final) return void msg.respond(JSON.stringify(final));
        const p = this.inFlight.get(r.agentId) ?? this.pending.get(r.agentId);
        if (p) p.replies.push(msg);
        else this.pending.set(r.agentId, { reading: r, replies: [msg] });
        this.schedule();
      },
    });
    this.checkComplete();
  }

  /** Answers so far, by agent. */
  answers(): ReadonlyMap<number, ReadingAnswer> {
    return this.done;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.sub?.unsubscribe();
    await this.running;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const waiting = [...this.options.expect].filter((a) => !this.done.has(a) && !this.pending.has(a) && !this.inFlight.has(a));
    if (waiting.length === 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), this.options.idleMs ?? 1_500);
  }

  private flush(): void {
    this.running = this.running.then(async () => {
      if (this.pending.size === 0) return;
      const batch = [...this.pending.values()];
      this.pending.clear();
      for (const b of batch) this.inFlight.set(b.reading.agentId, b);
      try {
        const results = await this.options.submit(batch.map((b) => b.reading));
        for (const { reading, replies } of batch) {
          const answer = results.get(reading.agentId) ?? { state: 'refused', reason: 'not submitted' };
          this.done.set(reading.agentId, answer);
          this.inFlight.delete(reading.agentId);
          for (const m of replies) m.respond(JSON.stringify(answer));
        }
        this.options.log?.(`batch of ${batch.length} reading${batch.length === 1 ? '' : 's'} final (${this.done.size} of ${this.options.expect.size} agents)`);
      } catch (err) {
        this.failed(err);
        return;
      }
      this.checkComplete();
    });
  }

  private checkComplete(): void {
    if ([...this.options.expect].every((a) => this.done.has(a))) this.finished();
  }
}
