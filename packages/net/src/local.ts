// A whole case cleared over a NATS server from one process: the case is split as `case split`
// splits it, with fresh keys; the agents are hosted on one connection and the operator runs on
// another, from the public part only. What `gridmarket clear --nats URL` runs: the same rounds as
// the in-process transport, through a real server.
import { type AdmmOptions, type ClearingSolution, type Market, parsePrivateAgent, publicMarket, splitMarket } from '@gridmarket/clearing';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AgentHost } from './agentHost';
import { connectNats } from './connect';
import { nextSession, runOperatorEpoch, type OperatorStatus } from './operator';

export async function clearOverNats(market: Market, url: string, admm: AdmmOptions, options: { prefix?: string; log?: (line: string) => void } = {}): Promise<{ solution: ClearingSolution; status: OperatorStatus }> {
  const keys = new Map(market.agents.map((a) => [a.id, privateKeyToAccount(generatePrivateKey())]));
  const operator = privateKeyToAccount(generatePrivateKey());
  const { publicCase, privateFiles } = splitMarket(market, { accounts: Object.fromEntries([...keys].map(([id, k]) => [id, k.address])), operator: operator.address });
  const wire = JSON.parse(JSON.stringify({ publicCase, privateFiles }));
  const prefix = options.prefix ?? `gridmarket-local-${process.pid}`;
  const epoch = nextSession() % 2 ** 31;
  const ncAgents = await connectNats(url, 'gridmarket-clear-agents');
  const ncOperator = await connectNats(url, 'gridmarket-clear-operator');
  try {
    const agents = (wire.privateFiles as unknown[]).map((raw) => {
      const f = parsePrivateAgent(raw);
      return { index: f.index, id: f.id, params: f.params, account: keys.get(f.id)! };
    });
    const host = new AgentHost(ncAgents, { prefix, epoch, publicCase: wire.publicCase, agents });
    host.start();
    await ncAgents.flush();
    const r = await runOperatorEpoch(ncOperator, { prefix, epoch, market: publicMarket(wire.publicCase), publicCase: wire.publicCase, account: operator, admm, ...(options.log ? { log: options.log } : {}) });
    await host.stop();
    return { solution: r.solution, status: r.status };
  } finally {
    await ncAgents.close();
    await ncOperator.close();
  }
}
