// Signed messages: forged, replayed, stale and out-of-order messages injected into a running
// clearing are refused and counted, on both sides, and the clearing is unchanged by them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { runAdmm } from '@gridmarket/clearing';
import { AgentHost, decode, OPERATOR, runOperatorEpoch, SessionSigner, subjects, verifyCertificate } from '../src/index';
import { connectTo, type NatsServer, sameBits, withoutSoc, splitFixture, startNats, testAccount } from './helpers';

describe('signed messages', () => {
  let nats: NatsServer;
  const open: NatsConnection[] = [];
  before(async () => {
    nats = await startNats();
  });
  after(async () => {
    for (const nc of open) await nc.close().catch(() => {});
    await nats?.stop();
  });

  it('certificates bind a session key to the account: another account, or a changed key, does not verify', async () => {
    const account = testAccount('S1');
    const s = new SessionSigner(1, 5, 1000);
    const cert = await s.certify(account);
    assert.equal(await verifyCertificate(cert, account.address), true);
    assert.equal(await verifyCertificate(cert, testAccount('S2').address), false);
    const other = new SessionSigner(1, 5, 1000);
    assert.equal(await verifyCertificate({ ...cert, sessionKey: other.publicKey }, account.address), false);
    assert.equal(await verifyCertificate({ ...cert, session: 1001 }, account.address), false);
  });

  it('refuses and counts forged, replayed, stale and out-of-order messages; the clearing is the same as without them', async () => {
    const f = splitFixture('ieee14');
    const direct = runAdmm(f.whole, { constrained: true });
    const prefix = 'sig';
    const epoch = 11;
    const subj = subjects(prefix, epoch);
    const ncAgents = await connectTo(nats.url, 'agents');
    const ncOp = await connectTo(nats.url, 'operator');
    const ncEvil = await connectTo(nats.url, 'attacker');
    open.push(ncAgents, ncOp, ncEvil);
    const victim = 2;
    let host!: AgentHost;
    let attacked = false;
    host = new AgentHost(ncAgents, {
      prefix,
      epoch,
      publicCase: f.publicCase,
      agents: f.hosted,
      onSend: (agent, kind, iteration, wire) => {
        if (agent !== victim || kind !== 'offer' || iteration !== 3 || attacked) return;
        attacked = true;
        const signer = host.signerOf(victim)!;
        const offer = (decode(wire)!.body.payload as { offer: number[] }).offer;
        ncEvil.publish(subj.toOperator, wire); // replayed: the same bytes again
        ncEvil.publish(subj.toOperator, signer.encode('offer', 2, { offer })); // stale: genuine key, past iteration
        ncEvil.publish(subj.toOperator, signer.encode('offer', 9, { offer })); // out of order: an iteration not asked yet
        const forger = new SessionSigner(victim, epoch, signer.session); // a key nobody certified
        ncEvil.publish(subj.toOperator, forger.encode('offer', 3, { offer: offer.map((v) => v + 1) }));
        ncEvil.publish(subj.toOperator, 'not a message'); // malformed
      },
    });
    // The agents' side: a captured operator broadcast replayed, and one from a key nobody certified.
    let replayedBroadcast = false;
    ncEvil.subscribe(subj.broadcast, {
      callback: (_e, msg) => {
        const m = decode(msg.data);
        if (!m || m.body.kind !== 'propose' || m.body.iteration !== 4 || replayedBroadcast) return;
        replayedBroadcast = true;
        ncEvil.publish(subj.broadcast, msg.data);
        const forger = new SessionSigner(OPERATOR, epoch, m.body.session);
        ncEvil.publish(subj.broadcast, forger.encode('propose', 5, { rho: 1e6, alpha: 1 }));
      },
    });
    await ncEvil.flush();
    host.start();
    await ncAgents.flush();
    const r = await runOperatorEpoch(ncOp, { prefix, epoch, market: f.operatorMarket, publicCase: f.publicCase, account: f.operator });
    await host.stop();
    assert.ok(attacked && replayedBroadcast);
    assert.deepEqual(r.status.refused, { malformed: 1, forged: 1, replayed: 1, stale: 1, outOfOrder: 1, invalid: 0 });
    assert.deepEqual(host.status().refused, { malformed: 0, forged: 1, replayed: 1, stale: 0, outOfOrder: 0, invalid: 0 });
    assert.equal(r.status.clearing, 'converged');
    assert.equal(sameBits(r.solution, withoutSoc(direct)), undefined);
  });

  it('refuses an agent whose certificate is signed by an account other than its registered one', async () => {
    const f = splitFixture('ieee14');
    const ncAgents = await connectTo(nats.url, 'agents-2');
    const ncOp = await connectTo(nats.url, 'operator-2');
    open.push(ncAgents, ncOp);
    const impostor = 5;
    const agents = f.hosted.map((h) => (h.index === impostor ? { ...h, account: testAccount('impostor') } : h));
    const host = new AgentHost(ncAgents, { prefix: 'imp', epoch: 1, publicCase: f.publicCase, agents });
    host.start();
    await ncAgents.flush();
    const r = await runOperatorEpoch(ncOp, { prefix: 'imp', epoch: 1, market: f.operatorMarket, publicCase: f.publicCase, account: f.operator, policy: { joinTimeoutMs: 3000 } });
    await host.stop();
    assert.ok(r.status.refused.forged >= 1);
    assert.deepEqual(
      r.status.excluded.map((e) => [e.agent, e.reason]),
      [[impostor, 'did not join']],
    );
    assert.match(r.status.clearing, /^converged without S5 /);
  });
});
