// The operator is accountable for its consensus: it signs each agent's final schedule
// (EIP-712 ConsensusSchedule, the ledger's domain), and an agent whose posted row differs disputes
// on chain and voids the epoch. End to end on anvil: deploy, register, clear over NATS, post a
// schedule different from the one signed, and let the agents' check find it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clearingLedgerAbi } from '@gridmarket/contracts';
import { deployContracts, type LocalChain, startAnvil } from '@gridmarket/contracts/node';
import { type ResultDocument } from '@gridmarket/clearing';
import { ANVIL_OPERATOR_KEY, ChainContext, DocumentStore, ensureAgents, ensureEpochPosted, ensureNetwork, fundPositions, readEpoch, toOnchain, tokenDecimals } from '@gridmarket/oracle';
import { privateKeyToAccount } from 'viem/accounts';
import { AgentHost, checkPostedSchedule, type ScheduleCheck, runOperatorEpoch, scheduleSigner, signSchedule } from '../src/index';
import { connectTo, type NatsServer, splitFixture, startNats, testAccount } from './helpers';

describe('signed consensus schedules', () => {
  it('sign and recover with the ledger’s domain; another schedule or another domain recovers another signer', async () => {
    const operator = testAccount('operator');
    const domain = { chainId: 31337, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as const };
    const wh = Array.from({ length: 24 }, (_, t) => (t % 3) - 1);
    const s = await signSchedule(operator, domain, 9, 4, wh);
    assert.equal(await scheduleSigner(domain, s), operator.address);
    assert.notEqual(await scheduleSigner(domain, { ...s, energyWh: wh.map((w, t) => (t === 5 ? w + 1 : w)) }), operator.address);
    assert.notEqual(await scheduleSigner({ ...domain, chainId: 1 }, s), operator.address);
  });
});

describe('an operator that posts a schedule other than the one it signed (anvil)', () => {
  let chain: LocalChain;
  let nats: NatsServer;
  let dir: string;
  before(async () => {
    nats = await startNats();
    chain = await startAnvil();
    dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-net-chain-'));
  });
  after(async () => {
    await nats?.stop();
    await chain?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is disputed automatically by the agent whose row changed: the epoch is voided for a signed-schedule mismatch', async () => {
    const deployment = await deployContracts({ rpcUrl: chain.rpcUrl, out: path.join(dir, 'deployment.json'), deployerPrivateKey: ANVIL_OPERATOR_KEY, challengeWindowSeconds: 3600, readingWindowSeconds: 7200 });
    const ctx = new ChainContext({ rpcUrl: chain.rpcUrl, deployment, operatorKey: ANVIL_OPERATOR_KEY });
    const f = splitFixture('ieee14');
    const networkId = await ensureNetwork(ctx, f.whole.network, f.whole.agents.length);
    const agentIds = await ensureAgents(ctx, networkId, f.whole.network, f.whole.agents);
    // Each agent's account is its registered owner; the operator is the ledger's oracle.
    const operator = privateKeyToAccount(ANVIL_OPERATOR_KEY);
    const publicCase = { ...f.publicCase, operator: operator.address, agents: f.publicCase.agents.map((a, i) => ({ ...a, account: ctx.owner(agentIds[i]!).address })) };
    const hosted = f.hosted.map((h) => ({ ...h, account: ctx.owner(agentIds[h.index]!), agentId: agentIds[h.index]! }));
    const domain = { chainId: deployment.chainId, verifyingContract: deployment.clearingLedger };
    const epochId = 1;

    const ncAgents = await connectTo(nats.url, 'chain-agents');
    const ncOp = await connectTo(nats.url, 'chain-operator');
    try {
      const host = new AgentHost(ncAgents, { prefix: 'chain', epoch: epochId, publicCase, agents: hosted, scheduleDomain: domain });
      host.start();
      await ncAgents.flush();
      const r = await runOperatorEpoch(ncOp, { prefix: 'chain', epoch: epochId, market: f.operatorMarket, publicCase, account: operator, scheduleDomain: domain, onchainAgentIds: agentIds });
      await host.schedules();
      await host.stop();
      const held = host.status().agents;
      assert.ok(held.every((a) => a.state === 'scheduled' && a.schedule));

      // The operator cheats: one seller supplies 1 Wh more and one buyer takes 1 Wh more in an
      // hour (still balanced, still consistent with every trade), unlike what it signed.
      const doc = JSON.parse(JSON.stringify(r.document)) as ResultDocument;
      const hour = 12;
      const seller = doc.schedule.wh.findIndex((row, a) => f.whole.agents[a]!.kind === 'seller' && row[hour]! > 0);
      const buyer = doc.schedule.wh.findIndex((row, a) => f.whole.agents[a]!.kind === 'buyer' && row[hour]! < 0);
      doc.schedule.wh[seller]![hour]! += 1;
      doc.schedule.wh[buyer]![hour]! -= 1;
      const store = new DocumentStore(path.join(dir, 'store'));
      const { hash, uri } = store.put(doc);
      const onchain = toOnchain(doc, { epochId, agentIds, tokenDecimals: await tokenDecimals(ctx), mode: 'imbalance', unchecked: true });
      await fundPositions(ctx, onchain, { mint: true });
      await ensureEpochPosted(ctx, onchain, { networkId, documentHash: hash, documentURI: uri, toleranceWh: 50 });
      assert.equal((await readEpoch(ctx, epochId)).voided, false);

      // Every agent checks its row against the schedule the operator signed for it.
      const checks: ScheduleCheck[] = [];
      for (const a of held) checks.push(await checkPostedSchedule(ctx, store, a.schedule!, ctx.owner(agentIds[a.index]!)));
      const byIndex = new Map(held.map((a, k) => [a.index, checks[k]!]));
      for (const [index, c] of byIndex) {
        if (index === seller || index === buyer) continue;
        assert.equal(c.outcome, 'matches', `agent ${index}`);
      }
      const first = [byIndex.get(Math.min(seller, buyer))!, byIndex.get(Math.max(seller, buyer))!];
      assert.equal(first[0]!.outcome, 'disputed');
      assert.equal(first[1]!.outcome, 'already voided');
      const epoch = await readEpoch(ctx, epochId);
      assert.equal(epoch.voided, true);
      const events = await ctx.publicClient.getContractEvents({ address: deployment.clearingLedger, abi: clearingLedgerAbi, eventName: 'EpochVoided', fromBlock: 0n });
      assert.equal(events.length, 1);
      assert.equal(events[0]!.args.challenger, ctx.owner(agentIds[Math.min(seller, buyer)]!).address);
      assert.equal(events[0]!.args.violation, 2); // Violation.SignedScheduleMismatch
    } finally {
      await ncAgents.close();
      await ncOp.close();
    }
  });
});
