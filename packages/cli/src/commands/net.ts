// gridmarket operator / gridmarket agent: clearing across machines over NATS. The operator holds
// the public case only and runs the ADMM rounds; each agent process holds its agents' private
// files and account keys and answers them. Both print their status (refused messages by reason,
// exclusions, messages and bytes) as JSON at the end.
import path from 'node:path';
import type { Command } from 'commander';
import { canonicalJson, parseResult, publicMarket, type ResultDocument } from '@gridmarket/clearing';
import { AgentHost, checkPostedSchedule, connectNats, hostedAgents, readKey, readPrivateAgents, readPublicCase, runOperatorEpoch, type ScheduleCheck, type ScheduleDomain, subjects } from '@gridmarket/net';
import { loadConfig } from '../config';
import { chainFlags, type ChainOpts, connect, keyFromFlags, withChain } from './chain';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ExitCode } from '../exitCodes';
import { documentsUrl, intFlag as int, UsageError } from '../io';
import { checkOutputPath, writeOutput } from '../output';
import { summary } from './clear';


interface NetOptions {
  nats: string;
  epoch: string;
  prefix: string;
  casePublic: string;
  key?: string;
  keyFile?: string;
  chainId?: string;
  ledger?: string;
  json?: boolean;
  quiet?: boolean;
}

function scheduleDomain(opts: NetOptions): ScheduleDomain | undefined {
  if (opts.chainId === undefined && opts.ledger === undefined) return undefined;
  if (opts.chainId === undefined || opts.ledger === undefined) throw new UsageError('--chain-id and --ledger go together (the EIP-712 domain of the signed schedules)');
  if (!/^0x[0-9a-fA-F]{40}$/.test(opts.ledger)) throw new UsageError(`--ledger must be a 20-byte hex address, got "${opts.ledger}"`);
  return { chainId: int('--chain-id', opts.chainId, 1), verifyingContract: opts.ledger as Hex };
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption('--case-public <file>', 'the public case (public.json of gridmarket case split)')
    .requiredOption('--nats <url>', 'NATS server, e.g. nats://127.0.0.1:4222')
    .requiredOption('--epoch <id>', 'the epoch to clear (its messages are on <prefix>.<epoch>.*)')
    .option('--prefix <subject>', 'subject prefix', 'gridmarket')
    .option('--chain-id <id>', 'with --ledger: the EIP-712 domain of the signed consensus schedules')
    .option('--ledger <address>', "the ClearingLedger's address (EIP-712 verifying contract)")
    .option('--json', 'print the outcome and the status as JSON')
    .option('--quiet', 'no progress on stderr');
}


export function registerNet(program: Command): void {
  withChain(common(
    program
      .command('operator')
      .description('the network operator: runs the ADMM rounds of an epoch over NATS from the public case alone, signs each agent\'s consensus schedule, writes the result document'),
  )
    .option('--key <hex>', "the operator's account key (certifies its session keys, signs schedules)")
    .option('--key-file <file>', 'the same, read from a file')
    .option('--out <file>', 'where to write the result document (atomically)')
    .option('--round-timeout <ms>', 'deadline of each exchange of a round before missing agents are asked again', '5000')
    .option('--retries <n>', 'how many times a missing agent is asked again before it is excluded', '2')
    .option('--join-timeout <ms>', 'how long to wait for every agent to join', '30000')
    .option('--documents-url <url>', "with --rpc: where the work dir's store is served (gridmarket documents); the epoch carries <url>/documents/<hash>"))
    .addHelpText('after', '\nExit codes: 0 cleared (the status names any excluded agent); 2 invalid input; 3 not cleared; 5 NATS unreachable or the clearing aborted.')
    .action(async (opts: NetOptions & ChainOpts & { out?: string; roundTimeout: string; retries: string; joinTimeout: string; documentsUrl?: string }) => {
      const key = await keyFromFlags(opts, 'the operator key');
      const epoch = int('--epoch', opts.epoch);
      const policy = { roundTimeoutMs: int('--round-timeout', opts.roundTimeout, 1), retries: int('--retries', opts.retries), joinTimeoutMs: int('--join-timeout', opts.joinTimeout, 1) };
      const domain = scheduleDomain(opts);
      if (opts.out !== undefined) checkOutputPath('--out', opts.out);
      const publicCase = readPublicCase(opts.casePublic);
      const account = privateKeyToAccount(key);
      if (publicCase.operator && publicCase.operator.toLowerCase() !== account.address.toLowerCase()) throw new UsageError(`the operator key is for ${account.address}, the public case names ${publicCase.operator}`);
      const market = publicMarket(publicCase, path.dirname(path.resolve(opts.casePublic)));
      const log = (line: string) => {
        if (!opts.quiet) process.stderr.write(`${line}\n`);
      };
      // With a chain: the schedules are signed in its ledger's domain for the on-chain agent ids,
      // and the result is posted as `run` posts it (dev registration and deposits on a local chain).
      const chain = opts.rpc !== undefined ? await connect(loadConfig({ ...chainFlags(opts), operatorKey: key }), opts.documentsUrl ? { documentsUrl: documentsUrl(opts.documentsUrl) } : {}) : undefined;
      let onchainIds: number[] | undefined;
      let networkId = 0;
      let signing = domain;
      if (chain) {
        const oracle = await import('@gridmarket/oracle');
        signing = { chainId: chain.ctx.deployment.chainId, verifyingContract: chain.ctx.deployment.clearingLedger };
        networkId = await oracle.ensureNetwork(chain.ctx, market.network, market.agents.length);
        onchainIds = await oracle.ensureAgents(chain.ctx, networkId, market.network, market.agents);
        if (chain.ctx.deployment.chainId === 31337) for (const a of publicCase.agents) if (a.account) await oracle.ensureGas(chain.ctx, a.account as Hex);
        log(`operator: network ${networkId} on chain ${chain.ctx.deployment.chainId}, agents ${onchainIds.join(', ')}`);
      }
      const nc = await connectNats(opts.nats, `gridmarket-operator-${epoch}`, { log });
      try {
        log(`operator: epoch ${epoch} of ${market.name} (${market.agents.length} agents) over ${opts.nats}`);
        const r = await runOperatorEpoch(nc, { prefix: opts.prefix, epoch, market, publicCase, account, policy, ...(signing ? { scheduleDomain: signing } : {}), ...(onchainIds ? { onchainAgentIds: onchainIds } : {}), log });
        if (opts.out !== undefined) writeOutput('--out', opts.out, `${JSON.stringify(r.document)}\n`);
        if (r.status.admmStatus !== 'converged') process.exitCode = ExitCode.notCleared;
        let posted: { epochId: number; documentURI: string; posted: boolean } | undefined;
        if (chain && onchainIds && r.status.admmStatus === 'converged') {
          const oracle = await import('@gridmarket/oracle');
          const { hash, uri } = chain.store.put(r.document);
          const onchain = oracle.toOnchain(r.document, { epochId: epoch, agentIds: onchainIds, tokenDecimals: await oracle.tokenDecimals(chain.ctx), mode: 'imbalance' });
          await oracle.fundPositions(chain.ctx, onchain, { mint: chain.ctx.deployment.chainId === 31337 });
          const p = await oracle.ensureEpochPosted(chain.ctx, onchain, { networkId, documentHash: hash, documentURI: uri, toleranceWh: 50 });
          posted = { epochId: epoch, documentURI: uri, posted: p.posted };
          // The agents check their rows against the posted document: it is content-addressed and
          // its hash is on chain, so it needs no signature.
          nc.publish(subjects(opts.prefix, epoch).result, canonicalJson(r.document));
          await nc.flush();
          log(`operator: epoch ${epoch} ${p.posted ? 'posted' : 'already posted'}, document ${uri}`);
        }
        // Never a plain "converged" when agents were excluded: the status names them.
        const excluded = r.status.excluded.length ? { status: r.status.clearing, excluded: r.status.excluded.map((e) => e.id) } : {};
        const out = { ...summary(market, r.solution, r.document as ResultDocument), ...excluded, operator: r.status, schedules: r.schedules.length, ...(posted ? { posted } : {}) };
        process.stdout.write(opts.json ? `${JSON.stringify(out, null, 2)}\n` : `${market.name} epoch ${epoch}: ${r.status.clearing} in ${r.status.iterations} iterations, welfare ${r.solution.welfareUsd.toFixed(4)} USD; refused ${JSON.stringify(r.status.refused)}\n`);
      } finally {
        await nc.close();
      }
    });

  withChain(common(
    program
      .command('agent')
      .description("a participant's process: holds its agents' private files and keys, answers the operator's rounds over NATS, checks the schedule the operator signs"),
  )
    .requiredOption('--params <file|dir>', "a private agent file, or a directory of them (one process may act for several agents)")
    .option('--key <hex>', "the agent's account key (one agent)")
    .option('--key-file <file>', 'the same, read from a file')
    .option('--keys <dir>', 'one <id>.key per agent (several agents)')
    .option('--operator <address>', "the operator's account (default: public.json's operator)")
    .option('--timeout <ms>', 'give up when the epoch has not ended (or, with --rpc, not been posted) by then', '600000'))
    .addHelpText('after', '\nWith --rpc, after the epoch ends the agent waits for it to be posted, checks each of its rows against the schedule the operator signed, and disputes a mismatch on chain.\nExit codes: 0 the epoch ended and every hosted agent took part (and, with --rpc, every posted row matches); 2 invalid input; 3 an agent was excluded; 4 a posted row differed from the signed one (disputed); 5 NATS unreachable or no end within --timeout.')
    .action(async (opts: NetOptions & ChainOpts & { params: string; keys?: string; operator?: string; timeout: string }) => {
      const given = [opts.key, opts.keyFile, opts.keys].filter((v) => v !== undefined).length;
      if (given !== 1) throw new UsageError('give the account key(s) with one of --key, --key-file or --keys');
      const epoch = int('--epoch', opts.epoch);
      const timeoutMs = int('--timeout', opts.timeout, 1);
      const domain = scheduleDomain(opts);
      if (opts.operator !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(opts.operator)) throw new UsageError(`--operator must be a 20-byte hex address, got "${opts.operator}"`);
      const publicCase = readPublicCase(opts.casePublic);
      const privates = readPrivateAgents(opts.params);
      const key = opts.keys === undefined ? readKey(opts.key !== undefined ? 'key' : 'key-file', opts.key ?? opts.keyFile!, opts.key === undefined) : undefined;
      const agents = hostedAgents(privates, publicCase, { ...(key ? { key } : {}), ...(opts.keys ? { keysDir: opts.keys } : {}) });
      if (!(opts.operator ?? publicCase.operator)) throw new UsageError('no operator account: give --operator or put "operator" in public.json');
      const log = (line: string) => {
        if (!opts.quiet) process.stderr.write(`${line}\n`);
      };
      const chain = opts.rpc !== undefined ? await connect(loadConfig(chainFlags(opts))) : undefined;
      const signing = chain ? { chainId: chain.ctx.deployment.chainId, verifyingContract: chain.ctx.deployment.clearingLedger } : domain;
      const nc = await connectNats(opts.nats, `gridmarket-agent-${agents.map((a) => a.id).join(',')}`, { log });
      const host = new AgentHost(nc, { prefix: opts.prefix, epoch, publicCase, agents, ...(opts.operator ? { operator: opts.operator } : {}), ...(signing ? { scheduleDomain: signing } : {}), log });
      // The posted document, as the operator publishes it after posting (checked against the chain's hash when read).
      let documentStored: Promise<void> | undefined;
      if (chain) {
        documentStored = new Promise<void>((resolve) => {
          const sub = nc.subscribe(subjects(opts.prefix, epoch).result, {
            callback: (_e, m) => {
              try {
                chain.store.put(parseResult(JSON.parse(m.string())));
                sub.unsubscribe();
                resolve();
              } catch (err) {
                log(`agent: an unreadable result document on ${subjects(opts.prefix, epoch).result}: ${(err as Error).message}`);
              }
            },
          });
        });
      }
      const started = performance.now();
      try {
        host.start();
        await nc.flush();
        log(`agent: ${agents.map((a) => a.id).join(', ')} waiting for epoch ${epoch} on ${opts.nats}`);
        let timer: NodeJS.Timeout | undefined;
        const end = await Promise.race([host.ended, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)))]);
        clearTimeout(timer);
        await host.stop();
        const status = host.status();
        const excluded = status.agents.filter((a) => a.state === 'excluded');
        if (!end) process.exitCode = ExitCode.network;
        else if (excluded.length) process.exitCode = ExitCode.notCleared;
        const checks: ScheduleCheck[] = [];
        if (chain && end && documentStored) {
          const left = Math.max(1, timeoutMs - (performance.now() - started));
          let t2: NodeJS.Timeout | undefined;
          const stored = await Promise.race([documentStored.then(() => true), new Promise<boolean>((r) => (t2 = setTimeout(() => r(false), left)))]);
          clearTimeout(t2);
          if (!stored) {
            log(`agent: no posted document for epoch ${epoch} within --timeout`);
            process.exitCode = ExitCode.network;
          } else {
            for (const a of status.agents) {
              if (!a.schedule) continue;
              const account = agents.find((h) => h.index === a.index)!.account;
              const c = await checkPostedSchedule(chain.ctx, chain.store, a.schedule, account, { position: a.index });
              checks.push(c);
              log(`agent ${a.id}: posted row ${c.outcome}${'detail' in c ? ` (${c.detail})` : c.outcome === 'disputed' ? ` (hour ${c.hour}: posted ${c.postedWh} Wh, signed ${c.signedWh} Wh; epoch voided: ${c.voided})` : ''}`);
            }
            if (checks.some((c) => c.outcome !== 'matches')) process.exitCode = ExitCode.chain;
          }
        }
        const out = { epoch, end: end ?? null, ...status, ...(chain ? { checks } : {}) };
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(out, null, 2)}\n`
            : `${end ? `epoch ${epoch}: ${end.clearing}` : `epoch ${epoch}: no end within ${timeoutMs} ms`}; ${status.agents.map((a) => `${a.id} ${a.state}`).join(', ')}\n`,
        );
      } finally {
        await nc.close();
      }
    });
}
