import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { runAdmm } from '@gridmarket/clearing';
import { AgentHost, runOperatorEpoch } from '../src/index';
import { connectTo, type NatsServer, sameBits, withoutSoc, splitFixture, startNats } from './helpers';

describe('clearing over NATS', () => {
  let nats: NatsServer;
  const open: NatsConnection[] = [];
  before(async () => {
    nats = await startNats();
  });
  after(async () => {
    for (const nc of open) await nc.close().catch(() => {});
    await nats?.stop();
  });

  it('gives the same iterates as the in-process run, bit for bit (ieee14, agents in two processes’ worth of hosts)', async () => {
    const f = splitFixture('ieee14');
    const direct = runAdmm(f.whole, { constrained: true });
    const ncA = await connectTo(nats.url, 'agents-a');
    const ncB = await connectTo(nats.url, 'agents-b');
    const ncOp = await connectTo(nats.url, 'operator');
    open.push(ncA, ncB, ncOp);
    const half = Math.ceil(f.hosted.length / 2);
    const hosts = [new AgentHost(ncA, { prefix: 't1', epoch: 7, publicCase: f.publicCase, agents: f.hosted.slice(0, half) }), new AgentHost(ncB, { prefix: 't1', epoch: 7, publicCase: f.publicCase, agents: f.hosted.slice(half) })];
    for (const h of hosts) h.start();
    await Promise.all([ncA.flush(), ncB.flush()]);
    const r = await runOperatorEpoch(ncOp, { prefix: 't1', epoch: 7, market: f.operatorMarket, publicCase: f.publicCase, account: f.operator });
    for (const h of hosts) await h.stop();
    assert.equal(r.status.clearing, 'converged');
    assert.equal(r.solution.admm!.iterations, direct.admm!.iterations);
    assert.equal(sameBits(r.solution, withoutSoc(direct)), undefined);
    assert.deepEqual(r.status.refused, { malformed: 0, forged: 0, replayed: 0, stale: 0, outOfOrder: 0, invalid: 0 });
    assert.ok(r.status.wire.messagesIn > 0 && r.status.wire.bytesOut > 0);
  });
});
