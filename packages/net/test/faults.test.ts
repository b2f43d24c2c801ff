// The fault policy: a silent agent is asked again and then excluded (its schedule fixed at zero,
// the status says so); an agent sending NaN or an offer outside its public bounds is refused and
// excluded; a restarted operator starts the epoch again cleanly; a restarted NATS server is
// survived (or the clearing says clearly why it stopped).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { createAgents, runAdmm, runAdmmWith } from '@gridmarket/clearing';
import { AgentHost, ClearingAbortedError, NatsConnectionError, runOperatorEpoch, ZeroAgent } from '../src/index';
import { connectTo, type NatsServer, sameBits, withoutSoc, type SplitFixture, splitFixture, startNats } from './helpers';

/** The in-process run with agent `a` replaced by the stand-in the operator uses once it is excluded. */
function withoutAgent(f: SplitFixture, a: number) {
  const agents = createAgents(f.whole);
  agents[a] = new ZeroAgent(a, f.whole.hours, f.whole.agents[a]!.kind);
  return runAdmmWith(agents, f.whole, { constrained: true });
}

describe('fault policy', () => {
  let nats: NatsServer;
  const open: NatsConnection[] = [];
  before(async () => {
    nats = await startNats();
  });
  after(async () => {
    for (const nc of open) await nc.close().catch(() => {});
    await nats?.stop();
  });

  async function clearWith(prefix: string, tamper: (agent: number, kind: string, iteration: number, payload: unknown) => unknown) {
    const f = splitFixture('ieee14');
    const ncAgents = await connectTo(nats.url, `${prefix}-agents`);
    const ncOp = await connectTo(nats.url, `${prefix}-operator`);
    open.push(ncAgents, ncOp);
    const host = new AgentHost(ncAgents, { prefix, epoch: 1, publicCase: f.publicCase, agents: f.hosted, tamper });
    host.start();
    await ncAgents.flush();
    const r = await runOperatorEpoch(ncOp, { prefix, epoch: 1, market: f.operatorMarket, publicCase: f.publicCase, account: f.operator, policy: { roundTimeoutMs: 1000, retries: 1 } });
    await host.stop();
    return { f, r, host };
  }

  it('asks a silent agent again, then excludes it: the epoch restarts with its schedule fixed at zero, and the status says so', async () => {
    const silent = 7;
    const { f, r, host } = await clearWith('silent', (agent, kind, iteration, payload) => (agent === silent && kind === 'offer' && iteration >= 3 ? undefined : payload));
    assert.deepEqual(
      r.status.excluded.map((e) => [e.agent, e.reason]),
      [[silent, 'no answer']],
    );
    assert.equal(r.status.attempts, 2);
    assert.notEqual(r.status.clearing, 'converged');
    assert.match(r.status.clearing, /^converged without S7 \(excluded, schedule fixed at zero\)$/);
    assert.ok(r.scheduleWh[silent]!.every((w) => w === 0));
    assert.equal(sameBits(r.solution, withoutSoc(withoutAgent(f, silent))), undefined);
    assert.equal(host.status().agents.find((a) => a.index === silent)!.state, 'excluded');
  });

  it('refuses an offer that is not finite (NaN travels as null) and excludes its sender', async () => {
    const bad = 4;
    const { f, r } = await clearWith('nan', (agent, kind, iteration, payload) => {
      if (agent !== bad || kind !== 'offer' || iteration !== 2) return payload;
      const offer = (payload as { offer: number[] }).offer.slice();
      offer[5] = Number.NaN;
      return { offer };
    });
    assert.ok(r.status.refused.invalid >= 1);
    assert.deepEqual(
      r.status.excluded.map((e) => [e.agent, e.reason]),
      [[bad, 'invalid answer']],
    );
    assert.match(r.status.excluded[0]!.detail, /finite/);
    assert.equal(sameBits(r.solution, withoutSoc(withoutAgent(f, bad))), undefined);
  });

  it('refuses an offer outside the agent’s public bounds (a buyer offering to supply)', async () => {
    const f0 = splitFixture('ieee14');
    const buyer = f0.whole.agents.findIndex((a) => a.kind === 'buyer');
    const { r } = await clearWith('bounds', (agent, kind, iteration, payload) => {
      if (agent !== buyer || kind !== 'offer' || iteration !== 4) return payload;
      return { offer: (payload as { offer: number[] }).offer.map((v) => v + 50) };
    });
    assert.deepEqual(
      r.status.excluded.map((e) => [e.agent, e.reason]),
      [[buyer, 'invalid answer']],
    );
    assert.match(r.status.excluded[0]!.detail, /outside the public range/);
  });

  // A seller's final report weights the settlement price (5-2) by its generation and marginal cost:
  // an absurd generation, or no marginal cost at all, is refused and the seller excluded, never priced in
  // (the first moved the price from 0.058 to 50 USD/kWh; the second aborted the epoch).
  for (const [name, edit, detail] of [
    ['a generation far past its public range', (r: Record<string, unknown>) => ({ ...r, dispatch: { ...(r.dispatch as object), generationKw: Array(24).fill(1e9) }, marginalCostUsdPerKwh: Array(24).fill(50) }), /generation 1000000000 kW in hour 0 is outside the public range/],
    ['no marginal cost', (r: Record<string, unknown>) => ({ ...r, marginalCostUsdPerKwh: Array(24).fill(null) }), /marginalCostUsdPerKwh must be 24 finite numbers/],
  ] as const) {
    it(`refuses a seller's final report with ${name} and excludes the seller`, async () => {
      const f0 = splitFixture('ieee14');
      const seller = f0.whole.agents.findIndex((a) => a.kind === 'seller');
      const { f, r } = await clearWith(`final-${name.length}`, (agent, kind, _iteration, payload) => (agent === seller && kind === 'final' ? edit(payload as Record<string, unknown>) : payload));
      assert.ok(r.status.refused.invalid >= 1);
      assert.deepEqual(
        r.status.excluded.map((e) => [e.agent, e.reason]),
        [[seller, 'invalid answer']],
      );
      assert.match(r.status.excluded[0]!.detail, detail);
      assert.equal(sameBits(r.solution, withoutSoc(withoutAgent(f, seller))), undefined);
    });
  }

  it('an operator restarted mid-clearing starts the epoch again; the result equals an undisturbed run', async () => {
    const f = splitFixture('ieee14');
    const direct = runAdmm(f.whole, { constrained: true });
    const ncAgents = await connectTo(nats.url, 'restart-agents');
    const ncOp1 = await connectTo(nats.url, 'restart-operator-1');
    const ncOp2 = await connectTo(nats.url, 'restart-operator-2');
    open.push(ncAgents, ncOp1, ncOp2);
    const host = new AgentHost(ncAgents, { prefix: 'restart', epoch: 1, publicCase: f.publicCase, agents: f.hosted });
    host.start();
    await ncAgents.flush();
    // The first operator dies at iteration 6: its connection closes under it.
    const first = runOperatorEpoch(ncOp1, {
      prefix: 'restart',
      epoch: 1,
      market: f.operatorMarket,
      publicCase: f.publicCase,
      account: f.operator,
      policy: { roundTimeoutMs: 2000, retries: 0 },
      admm: { onIteration: (p) => void (p.iteration === 6 && ncOp1.close()) },
    });
    await assert.rejects(first, (e: Error) => e instanceof NatsConnectionError || /closed/i.test(e.message));
    const sessionBefore = host.status().session;
    assert.ok(host.status().agents.every((a) => a.iteration >= 6 && a.state === 'clearing'));
    const r = await runOperatorEpoch(ncOp2, { prefix: 'restart', epoch: 1, market: f.operatorMarket, publicCase: f.publicCase, account: f.operator });
    await host.stop();
    assert.ok(host.status().session > sessionBefore);
    assert.equal(r.status.clearing, 'converged');
    assert.equal(sameBits(r.solution, withoutSoc(direct)), undefined);
  });

  it('survives a NATS server restart mid-clearing: the lost round is asked again and the result is unchanged', async () => {
    const server = await startNats();
    const f = splitFixture('ieee14');
    const direct = runAdmm(f.whole, { constrained: true });
    const ncAgents = await connectTo(server.url, 'nats-restart-agents');
    const ncOp = await connectTo(server.url, 'nats-restart-operator');
    const conns = [ncAgents, ncOp];
    let restarted: NatsServer | undefined;
    let restarting: Promise<void> | undefined;
    try {
      const host = new AgentHost(ncAgents, { prefix: 'nr', epoch: 1, publicCase: f.publicCase, agents: f.hosted });
      host.start();
      await ncAgents.flush();
      const r = await runOperatorEpoch(ncOp, {
        prefix: 'nr',
        epoch: 1,
        market: f.operatorMarket,
        publicCase: f.publicCase,
        account: f.operator,
        policy: { roundTimeoutMs: 1000, retries: 8 },
        admm: {
          onIteration: (p) => {
            if (p.iteration !== 5) return;
            restarting = (async () => {
              await server.stop();
              restarted = await startNats(server.port);
            })();
          },
        },
      });
      await restarting;
      await host.stop();
      assert.ok(restarted, 'the server was restarted');
      assert.equal(r.status.clearing, 'converged');
      assert.equal(sameBits(r.solution, withoutSoc(direct)), undefined);
    } finally {
      for (const nc of conns) await nc.close().catch(() => {});
      await restarted?.stop();
      await server.stop();
    }
  });

  it('says clearly when the NATS server goes away for good mid-clearing: nobody answered, is the server up?', async () => {
    const server = await startNats();
    const f = splitFixture('ieee14');
    const ncAgents = await connectTo(server.url, 'gone-agents');
    const ncOp = await connectTo(server.url, 'gone-operator');
    try {
      const host = new AgentHost(ncAgents, { prefix: 'gone', epoch: 1, publicCase: f.publicCase, agents: f.hosted });
      host.start();
      await ncAgents.flush();
      const run = runOperatorEpoch(ncOp, {
        prefix: 'gone',
        epoch: 1,
        market: f.operatorMarket,
        publicCase: f.publicCase,
        account: f.operator,
        policy: { roundTimeoutMs: 300, retries: 1 },
        admm: { onIteration: (p) => void (p.iteration === 4 && server.stop()) },
      });
      await assert.rejects(run, (e: Error) => e instanceof ClearingAbortedError && /no agent answered .* is the NATS server up\?/.test(e.message));
      await host.stop();
    } finally {
      await ncAgents.close().catch(() => {});
      await ncOp.close().catch(() => {});
      await server.stop();
    }
  });

  it('does not exclude everybody when nobody joins: it stops and says so', async () => {
    const f = splitFixture('ieee14');
    const ncOp = await connectTo(nats.url, 'lonely-operator');
    open.push(ncOp);
    await assert.rejects(
      runOperatorEpoch(ncOp, { prefix: 'lonely', epoch: 1, market: f.operatorMarket, publicCase: f.publicCase, account: f.operator, policy: { joinTimeoutMs: 500 } }),
      (e: Error) => e instanceof ClearingAbortedError && /no agent joined epoch 1 within 500 ms/.test(e.message),
    );
  });
});

