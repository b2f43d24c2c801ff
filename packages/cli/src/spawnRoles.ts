// `run --nats URL --spawn`: the roles of a market day as separate OS processes. The agents answer
// the operator's rounds (`gridmarket agent`, via spawnAgentProcesses); before posting, every agent
// that must deposit does so from its own owner key (`gridmarket deposit`); after posting, one
// `gridmarket meter` per agent signs its day with its own key (a 0600 file in a temporary
// directory, removed at the end) and one `gridmarket relay` puts the readings on chain; after the
// windows one `gridmarket settle` settles every position. The operator (clearing, registration,
// posting, the watcher) is this process.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearOverNats } from '@gridmarket/net';
import { type Account, type ChainContext, type DayRoles, depositsDue, meterSigner, mintTestTokens, privateKeyOf, readAccount, type RelayResult } from '@gridmarket/oracle';
import type { Hex } from 'viem';
import { spawnAgentProcesses } from './spawnAgents';

export interface SpawnedRoles {
  roles: DayRoles;
  /** Separate OS processes each role ran, the largest day's count. */
  processes: { operator: number; agents: number; depositors: number; meters: number; relayer: number; settler: number; withdrawers: number };
}

export function spawnRoles(options: { nats: string; workDir: string; rpcUrl: () => string; deploymentFile?: string; log: (line: string) => void }): SpawnedRoles {
  const processes = { operator: 1, agents: 0, depositors: 0, meters: 0, relayer: 0, settler: 0, withdrawers: 0 };
  const prefix = `gridmarket-run-${process.pid}`;
  const chainArgs = () => ['--rpc', options.rpcUrl(), '--work-dir', options.workDir, ...(options.deploymentFile ? ['--deployment', options.deploymentFile] : [])];
  const roles: DayRoles = {
    async clear(market, admm) {
      const r = await clearOverNats(market, options.nats, { constrained: true, ...admm }, { prefix, launch: spawnAgentProcesses(undefined, options.log), log: options.log });
      processes.agents = Math.max(processes.agents, r.agentProcesses);
      return r.solution;
    },
    async deposits({ ctx, onchain, uri, hash, networkId, options: day_ }) {
      // The test token is minted by the operator; each agent deposits from its own owner key.
      const due = await depositsDue(ctx, onchain);
      await mintTestTokens(ctx, due);
      processes.depositors = Math.max(processes.depositors, due.length);
      options.log(`  ${due.length} agent processes deposit what posting will lock`);
      await runKeyed(ctx, 'deposit escrow', due.map(({ agentId }) => asOwner(ctx, agentId, ['deposit', '--epoch', String(onchain.epochId), '--agent', String(agentId), '--network', String(networkId), '--document', uri, '--hash', hash, '--mode', day_.mode ?? 'imbalance', ...chainArgs()])));
    },
    async settlement({ ctx, onchain }) {
      // Anyone may settle: here a settler process of its own, from the relayer's account.
      processes.settler = 1;
      const [out] = await runKeyed<{ settled: number; batches: number }>(ctx, 'settle positions', [{ name: 'settler', account: ctx.relayer(), args: ['settle', '--epoch', String(onchain.epochId), ...chainArgs()] }]);
      return out!;
    },
    async withdrawals({ ctx, agentIds }) {
      // Each agent with a balance withdraws it from its own owner key.
      const balances = await Promise.all(agentIds.map((id) => readAccount(ctx, id)));
      const due = agentIds.filter((_, k) => balances[k]!.available > 0n);
      processes.withdrawers = Math.max(processes.withdrawers, due.length);
      options.log(`  ${due.length} agent processes withdraw their balances`);
      await runKeyed(ctx, 'withdraw', due.map((agentId) => asOwner(ctx, agentId, ['withdraw', '--agent', String(agentId), ...chainArgs()])));
    },
    async readings({ ctx, agentIds, epochId, day, options: day_ }) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-meters-'));
      try {
        const keyFile = (name: string, account: Account) => writeKeyFile(dir, name, account);
        const expect: number[] = [];
        const meters: Promise<ChildOutcome>[] = [];
        const children: ChildProcess[] = [];
        for (const [pos, agentId] of agentIds.entries()) {
          const fault = day_.faults?.find((f) => f.agent === pos);
          if (fault?.kind !== 'outage') expect.push(agentId);
          const args = ['meter', '--nats', options.nats, '--prefix', prefix, '--epoch', String(epochId), '--agent', String(agentId), '--day', String(day), '--noise-wh', String(day_.noiseWh), '--key-file', keyFile(`meter-${agentId}`, await meterSigner(ctx, agentId, fault)), '--json', '--quiet', ...chainArgs()];
          if (fault) args.push('--fault', [fault.kind, fault.hour ?? '', fault.amountWh ?? ''].join(':').replace(/:+$/, ''));
          meters.push(runChild(args, children));
        }
        const relayArgs = ['relay', '--nats', options.nats, '--prefix', prefix, '--epoch', String(epochId), '--expect', expect.join(','), '--key-file', keyFile('relayer', ctx.relayer()), '--json', '--quiet', ...chainArgs()];
        const relay = runChild(relayArgs);
        processes.meters = Math.max(processes.meters, meters.length);
        processes.relayer = 1;
        options.log(`  ${meters.length} meter processes and a relayer process on ${prefix}.readings.${epochId}`);
        const r = await relay;
        if (r.code !== 0) {
          for (const m of children) m.kill('SIGTERM');
          throw new Error(`the relayer process failed (exit ${r.code}): ${r.stderr.trim().split('\n').at(-1)}`);
        }
        // A meter the chain refused (a wrong key) exits 4; that is the relay's outcome to report.
        for (const m of await Promise.all(meters)) if (m.code !== 0 && m.code !== 4) throw new Error(`a meter process failed (exit ${m.code}): ${m.stderr.trim().split('\n').at(-1)}`);
        const out = JSON.parse(r.stdout) as RelayResult & { missing: number[] };
        for (const hash of out.hashes) await ctx.record('relay readings', hash);
        return { submitted: out.submitted, alreadyOnChain: out.alreadyOnChain, rejected: out.rejected, batches: out.batches, hashes: out.hashes };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return { roles, processes };
}

interface ChildOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runChild(args: string[], started: ChildProcess[] = []): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1]!, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A process that acts for an agent, from its owner's key. */
function asOwner(ctx: ChainContext, agentId: number, args: string[]): KeyedRun {
  return { name: `owner-${agentId}`, account: ctx.owner(agentId), args };
}

interface KeyedRun {
  /** Names the key file. */
  name: string;
  account: Account;
  args: string[];
}

/**
 * Runs `gridmarket` processes side by side, each with its own key (a 0600 file in a temporary
 * directory, removed at the end) and `--json`, and records the transactions each prints under
 * `step`, so that the day's report counts them as the embedded run does. Returns their outputs.
 */
async function runKeyed<T>(ctx: ChainContext, step: string, runs: readonly KeyedRun[]): Promise<(T & { hashes: Hex[] })[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-keys-'));
  try {
    const outcomes = await Promise.all(runs.map((r) => runChild([...r.args, '--key-file', writeKeyFile(dir, r.name, r.account), '--json'])));
    const outs: (T & { hashes: Hex[] })[] = [];
    for (const [k, r] of outcomes.entries()) {
      if (r.code !== 0) throw new Error(`the ${runs[k]!.args[0]} process failed (exit ${r.code}): ${r.stderr.trim().split('\n').at(-1)}`);
      const out = JSON.parse(r.stdout) as T & { hashes: Hex[] };
      for (const hash of out.hashes) await ctx.record(step, hash);
      outs.push(out);
    }
    return outs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A role's key, for its process alone: `<dir>/<name>.key`, mode 0600. */
function writeKeyFile(dir: string, name: string, account: Account): string {
  const file = path.join(dir, `${name}.key`);
  writeFileSync(file, `${privateKeyOf(account)}\n`, { mode: 0o600 });
  return file;
}
