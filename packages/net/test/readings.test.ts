// Meter readings over NATS: the relayer answers every sender for its own reading, so a reading
// forged for an agent (anyone on the server can send one) neither replaces the meter's own nor gets
// the meter a refusal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { ReadingCollector, type ReadingAnswer, sendReading, type WireReading } from '../src/readings';
import { connectTo, type NatsServer, startNats } from './helpers';

const reading = (agentId: number, sigByte: string): WireReading => ({ epochId: 7, agentId, energyWh: Array.from({ length: 24 }, (_, t) => t * 10), signature: `0x${sigByte.repeat(65)}` });

describe('ReadingCollector', () => {
  let nats: NatsServer;
  let relayer: NatsConnection;
  let meters: NatsConnection;
  before(async () => {
    nats = await startNats();
    relayer = await connectTo(nats.url, 'relayer');
    meters = await connectTo(nats.url, 'meters');
  });
  after(async () => {
    await relayer.close();
    await meters.close();
    await nats.stop();
  });

  it('submits a forged reading beside the genuine one, and answers each sender for its own', async () => {
    const forged = reading(1, 'ee');
    const genuine = [reading(1, 'a1'), reading(2, 'a2')];
    // The chain as the contract decides it: only the meters' own signatures are accepted.
    const valid = new Set(genuine.map((r) => r.signature));
    const submitted: WireReading[][] = [];
    const collector = new ReadingCollector(relayer, {
      prefix: 'test',
      epochId: 7,
      expect: new Set([1, 2]),
      idleMs: 200,
      submit: async (readings) => {
        submitted.push(readings);
        return readings.map((r): ReadingAnswer => (valid.has(r.signature) ? { state: 'on-chain' } : { state: 'refused', reason: 'MeterKeyMismatch' }));
      },
    });
    collector.start();
    await relayer.flush();
    try {
      // The forgery comes first; the meters' readings after it.
      const forgedAnswer = sendReading(meters, 'test', forged, { attemptMs: 2_000, timeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 50));
      const answers = await Promise.all(genuine.map((r) => sendReading(meters, 'test', r, { attemptMs: 2_000, timeoutMs: 10_000 })));
      assert.deepEqual(answers, [{ state: 'on-chain' }, { state: 'on-chain' }]);
      assert.deepEqual(await forgedAnswer, { state: 'refused', reason: 'MeterKeyMismatch' });
      await collector.complete;
      assert.ok(submitted.flat().some((r) => r.signature === genuine[0]!.signature), "the meter's own reading of agent 1 was submitted");
      assert.deepEqual(collector.outcome(), { stored: [1, 2], refused: [], missing: [] });
    } finally {
      await collector.stop();
    }
  });

  it('under a flood of forged readings, submits the meter\'s own and at most one other per agent at a time, and ignores agents it was not asked for', async () => {
    const genuine = reading(4, 'c4');
    const submitted: WireReading[][] = [];
    const collector = new ReadingCollector(relayer, {
      prefix: 'flood',
      epochId: 7,
      expect: new Set([4]),
      idleMs: 200,
      // The off-chain check: only the meter's signature is the meter's.
      signedByMeter: async (r) => r.signature === genuine.signature,
      submit: async (readings) => {
        submitted.push(readings);
        return readings.map((r): ReadingAnswer => (r.signature === genuine.signature ? { state: 'on-chain' } : { state: 'refused', reason: 'InvalidMeterSignature' }));
      },
    });
    collector.start();
    await relayer.flush();
    try {
      // 100 forgeries for agent 4 and 20 for an agent this relayer does not relay, then the meter.
      for (let k = 0; k < 100; k++) meters.publish('flood.readings.7', JSON.stringify(reading(4, (k + 16).toString(16).padStart(2, '0'))));
      for (let k = 0; k < 20; k++) meters.publish('flood.readings.7', JSON.stringify(reading(5, (k + 16).toString(16).padStart(2, '0'))));
      await meters.flush();
      assert.deepEqual(await sendReading(meters, 'flood', genuine, { attemptMs: 2_000, timeoutMs: 10_000 }), { state: 'on-chain' });
      await collector.complete;
      const all = submitted.flat();
      assert.ok(all.some((r) => r.signature === genuine.signature));
      assert.ok(all.every((r) => r.agentId === 4), 'nothing of agent 5');
      for (const batch of submitted) assert.ok(batch.filter((r) => r.signature !== genuine.signature).length <= 1, `a batch with ${batch.length} readings`);
      assert.ok(all.length <= 1 + submitted.length, `${all.length} readings submitted in ${submitted.length} batches`);
    } finally {
      await collector.stop();
    }
  });

  it('counts an agent whose only reading was refused as final, with the reason', async () => {
    const collector = new ReadingCollector(relayer, {
      prefix: 'test',
      epochId: 7,
      expect: new Set([3]),
      idleMs: 100,
      submit: async (readings) => readings.map(() => ({ state: 'refused', reason: 'MeterKeyMismatch' }) as const),
    });
    collector.start();
    await relayer.flush();
    try {
      assert.deepEqual(await sendReading(meters, 'test', reading(3, 'b3'), { attemptMs: 2_000, timeoutMs: 10_000 }), { state: 'refused', reason: 'MeterKeyMismatch' });
      await collector.complete;
      assert.deepEqual(collector.outcome(), { stored: [], refused: [{ agentId: 3, reason: 'MeterKeyMismatch' }], missing: [] });
    } finally {
      await collector.stop();
    }
  });
});
