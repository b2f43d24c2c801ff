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
    // The attacked step's answers of agent 0 and of the victim travel on the attacker's connection,
    // around the injected messages (NATS keeps one connection's order): the operator cannot move
    // on before it has read every injected message, so each is classified the same way however the
    // machine schedules the processes. Agent 0 comes first in the host's loop, the victim after it.
    const held = 0;
    let host!: AgentHost;
    let attacked = false;
    let heldOffer: unknown;
    let heldResiduals: unknown;
    let replayedBroadcast = false;
    const releaseResiduals = () => ncEvil.publish(subj.toOperator, host.signerOf(held)!.encode('residuals', 4, heldResiduals));
    host = new AgentHost(ncAgents, {
      prefix,
      epoch,
      publicCase: f.publicCase,
      agents: f.hosted,
      tamper: (agent, kind, iteration, payload) => {
        if (agent === held && kind === 'offer' && iteration === 3) return void (heldOffer = payload);
        if (agent === held && kind === 'residuals' && iteration === 4) {
          heldResiduals = payload;
          if (replayedBroadcast) releaseResiduals(); // after the replayed broadcast, on the same connection
          return undefined;
        }
        if (agent !== victim || kind !== 'offer' || iteration !== 3 || attacked) return payload;
        attacked = true;
        const signer = host.signerOf(victim)!;
        const { offer } = payload as { offer: number[] };
        const genuine = signer.encode('offer', 3, { offer });
        ncEvil.publish(subj.toOperator, genuine);
        ncEvil.publish(subj.toOperator, genuine); // replayed: the same bytes again
        ncEvil.publish(subj.toOperator, signer.encode('offer', 2, { offer })); // stale: genuine key, past iteration
        ncEvil.publish(subj.toOperator, signer.encode('offer', 9, { offer })); // out of order: an iteration not asked yet
        const forger = new SessionSigner(victim, epoch, signer.session); // a key nobody certified
        ncEvil.publish(subj.toOperator, forger.encode('offer', 3, { offer: offer.map((v) => v + 1) }));
        ncEvil.publish(subj.toOperator, 'not a message'); // malformed
        ncEvil.publish(subj.toOperator, host.signerOf(held)!.encode('offer', 3, heldOffer));
        return undefined;
      },
    });
    // The agents' side: a captured operator broadcast replayed, and one from a key nobody certified;
    // agent 0's residuals of that round follow them, so the next round cannot start before.
    ncEvil.subscribe(subj.broadcast, {
      callback: (_e, msg) => {
        const m = decode(msg.data);
        if (!m || m.body.kind !== 'propose' || m.body.iteration !== 4 || replayedBroadcast) return;
        ncEvil.publish(subj.broadcast, msg.data);
        const forger = new SessionSigner(OPERATOR, epoch, m.body.session);
        ncEvil.publish(subj.broadcast, forger.encode('propose', 5, { rho: 1e6, alpha: 1 }));
        replayedBroadcast = true;
        if (heldResiduals !== undefined) releaseResiduals();
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
