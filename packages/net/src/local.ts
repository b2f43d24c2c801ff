// A whole case cleared over a NATS server from one command: the case is split as `case split`
// splits it, with fresh keys, and the operator runs from the public part only. The agents are
// hosted either on one connection of this process (the default) or by a launcher the caller gives
// (`gridmarket clear --nats URL --spawn-agents` starts them as separate OS processes). The same
// rounds as the in-process transport, through a real server.
import { type AdmmOptions, type ClearingSolution, type Market, type PrivateAgentFile, type PublicCase, parsePrivateAgent, publicMarket, splitMarket } from '@gridmarket/clearing';
import type { Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AgentHost } from './agentHost';
import { connectNats } from './connect';
import { nextSession, runOperatorEpoch, type OperatorStatus } from './operator';
import type { FaultPolicy } from './operatorSession';

/** What a launcher gets: the split case with each agent's key, and where the epoch's messages go. */
export interface SplitForHosting {
  url: string;
  prefix: string;
  epoch: number;
  publicCase: PublicCase;
  privateFiles: PrivateAgentFile[];
  /** Agent id → its account key. */
  keys: ReadonlyMap<string, Hex>;
}

/** Agents hosted somewhere, answering on the epoch's subjects until the operator's end; `done` settles when they have all stopped. */
export interface HostedAgents {
  /** Separate OS processes running them (0: hosted in this process). */
  processes: number;
  done(): Promise<void>;
  /** Stops them at once (on a failure of the operator). */
  kill(): Promise<void>;
}

export type AgentLauncher = (split: SplitForHosting) => Promise<HostedAgents>;

export async function clearOverNats(
  market: Market,
  url: string,
  admm: AdmmOptions,
  options: { prefix?: string; log?: (line: string) => void; launch?: AgentLauncher; policy?: Partial<FaultPolicy> } = {},
): Promise<{ solution: ClearingSolution; status: OperatorStatus; agentProcesses: number }> {
  const keys = new Map(market.agents.map((a) => [a.id, generatePrivateKey()]));
  const operatorKey = generatePrivateKey();
  const operator = privateKeyToAccount(operatorKey);
  const split = splitMarket(market, { accounts: Object.fromEntries([...keys].map(([id, k]) => [id, privateKeyToAccount(k).address])), operator: operator.address });
  // Through JSON, as the files and the wire carry it.
  const wire = JSON.parse(JSON.stringify(split)) as { publicCase: PublicCase; privateFiles: PrivateAgentFile[] };
  const prefix = options.prefix ?? `gridmarket-local-${process.pid}`;
  const epoch = nextSession() % 2 ** 31;
  const hosted = await (options.launch ?? hostHere)({ url, prefix, epoch, publicCase: wire.publicCase, privateFiles: wire.privateFiles, keys });
  const ncOperator = await connectNats(url, 'gridmarket-clear-operator');
  try {
    const r = await runOperatorEpoch(ncOperator, {
      prefix,
      epoch,
      market: publicMarket(wire.publicCase),
      publicCase: wire.publicCase,
      account: operator,
      admm,
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    await hosted.done();
    return { solution: r.solution, status: r.status, agentProcesses: hosted.processes };
  } catch (err) {
    await hosted.kill();
    throw err;
  } finally {
    await ncOperator.close();
  }
}

/** The default launcher: every agent on one connection of this process. */
async function hostHere(split: SplitForHosting): Promise<HostedAgents> {
  const nc = await connectNats(split.url, 'gridmarket-clear-agents');
  const agents = split.privateFiles.map((raw) => {
    const f = parsePrivateAgent(raw);
    return { index: f.index, id: f.id, params: f.params, account: privateKeyToAccount(split.keys.get(f.id)!) };
  });
  const host = new AgentHost(nc, { prefix: split.prefix, epoch: split.epoch, publicCase: split.publicCase, agents });
  host.start();
  await nc.flush();
  const stop = async () => {
    await host.stop();
    await nc.close();
  };
  return { processes: 0, done: stop, kill: stop };
}
