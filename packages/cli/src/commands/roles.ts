// gridmarket withdraw / deposit / meter / relay / settle: an agent's own money moves, and the reading side of
// a market day, as separate processes. Deposits and withdrawals are sent from the agent owner's key
// (checked against the registry).
// A meter reads the posted epoch's document (from its URI, checked against the hash on chain),
// measures its agent's day (simulated: the scheduled row plus seeded noise, as in `run`), signs it
// with its own key and sends it over NATS until a relayer answers. The relayer collects readings,
// submits them in gas-bounded batches and answers each meter once its reading is on chain or
// refused. Both are resumable: a reading already on chain is never submitted again.
import type { Command } from 'commander';
import type { SignedReading } from '@gridmarket/oracle';
import { intFlag as int, parseNumber, UsageError } from '../io';
import { loadConfig } from '../config';
import { chainFlags, type ChainOpts, connect, keyFromFlags, withChain } from './chain';
import { FAULTS, parseFaultKind } from './faultSpec';

export function registerRoles(program: Command): void {
  withChain(
    program
      .command('withdraw')
      .description("an agent's own withdrawal: everything available (proceeds, refunds, unspent escrow) to its owner, from the owner's key")
      .requiredOption('--agent <id>', "the agent's on-chain id")
      .option('--to <address>', 'where the tokens go (default: the owner)')
      .option('--key <hex>', "the agent owner's key")
      .option('--key-file <file>', 'the same, read from a file')
      .option('--json', 'print the outcome as JSON'),
  )
    .addHelpText('after', '\nWithdraws nothing (exit 0) when nothing is available; locked escrow of open epochs stays locked.')
    .action(async (opts: ChainOpts & { agent: string; to?: string; key?: string; keyFile?: string; json?: boolean }) => {
      const key = await keyFromFlags(opts, "the owner's key");
      const agentId = int('--agent', opts.agent, 0, 65_535);
      if (opts.to !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(opts.to)) throw new UsageError(`--to must be a 20-byte hex address, got "${opts.to}"`);
      const { ctx } = await connect(loadConfig(chainFlags(opts)));
      const oracle = await import('@gridmarket/oracle');
      const owner = await oracle.agentOwner(ctx, agentId, key);
      const w = await oracle.withdrawOwn(ctx, agentId, owner, (opts.to as `0x${string}` | undefined) ?? owner.address);
      const out = { agentId, withdrawn: String(w.amount), hashes: w.hash ? [w.hash] : [] };
      process.stdout.write(opts.json ? `${JSON.stringify(out)}\n` : `agent ${agentId}: withdrew ${out.withdrawn} token units\n`);
    });

  withChain(
    program
      .command('deposit')
      .description("an agent's own deposit before posting: reads the day's document (checked against the hash the operator announced), computes what posting will lock for the agent, and deposits it from the owner's key")
      .requiredOption('--epoch <id>', 'the epoch about to be posted')
      .requiredOption('--agent <id>', "the agent's on-chain id")
      .requiredOption('--network <id>', 'the network the agents are registered in')
      .requiredOption('--document <uri>', "the day's result document (gridmarket-store://, file:// or http(s)://)")
      .requiredOption('--hash <hex>', "the document's keccak256, as the operator announced it (the epoch will commit to it)")
      .option('--mode <mode>', 'the settlement mode of the epoch (imbalance or thesis)', 'imbalance')
      .option('--key <hex>', "the agent owner's key")
      .option('--key-file <file>', 'the same, read from a file')
      .option('--json', 'print the outcome as JSON'),
  )
    .addHelpText('after', '\nDeposits only what is still missing: an agent with enough available (proceeds of earlier days, an earlier deposit) deposits nothing.')
    .action(async (opts: ChainOpts & { epoch: string; agent: string; network: string; document: string; hash: string; mode: string; key?: string; keyFile?: string; json?: boolean }) => {
      const key = await keyFromFlags(opts, "the owner's key");
      const epochId = int('--epoch', opts.epoch);
      const agentId = int('--agent', opts.agent, 0, 65_535);
      const networkId = int('--network', opts.network);
      if (!/^0x[0-9a-fA-F]{64}$/.test(opts.hash)) throw new UsageError(`--hash must be a 32-byte hex hash, got "${opts.hash}"`);
      const { SETTLEMENT_MODES } = await import('@gridmarket/contracts');
      if (!SETTLEMENT_MODES.includes(opts.mode as never)) throw new UsageError(`--mode must be ${SETTLEMENT_MODES.join(' or ')}, got "${opts.mode}"`);
      const { ctx, store } = await connect(loadConfig(chainFlags(opts)));
      const oracle = await import('@gridmarket/oracle');
      const owner = await oracle.agentOwner(ctx, agentId, key);
      const doc = await store.get(opts.document, opts.hash as `0x${string}`);
      const { deposited, hashes } = await oracle.depositForEpoch(ctx, { doc, epochId, agentId, networkId, mode: opts.mode as never, owner });
      const out = { agentId, epochId, deposited: String(deposited), hashes };
      process.stdout.write(opts.json ? `${JSON.stringify(out)}\n` : `agent ${agentId}, epoch ${epochId}: deposited ${out.deposited} token units\n`);
    });

  withChain(
    program
      .command('meter')
      .description("an agent's smart meter: measures the posted epoch's day for its agent, signs the 24 readings (EIP-712) and sends them over NATS until a relayer has them on chain")
      .requiredOption('--nats <url>', 'NATS server, e.g. nats://127.0.0.1:4222')
      .requiredOption('--epoch <id>', 'the posted epoch')
      .requiredOption('--agent <id>', "the agent's on-chain id")
      .option('--key <hex>', "the meter's signing key (the one registered for the agent)")
      .option('--key-file <file>', 'the same, read from a file')
      .option('--day <n>', "the day's index in the run (seeds the simulated noise, as run does)", '0')
      .option('--noise-wh <wh>', 'standard deviation of the simulated noise, Wh (default 15)')
      .option('--fault <kind[:hour[:Wh]]>', `a fault of this meter: ${FAULTS.join(', ')}`)
      .option('--prefix <subject>', 'subject prefix', 'gridmarket')
      .option('--timeout <ms>', 'how long to keep sending before giving up', '120000')
      .option('--json', 'print the outcome as JSON')
      .option('--quiet', 'no progress on stderr'),
  )
    .addHelpText('after', '\nExit codes: 0 the reading is on chain (or the meter had an outage and sent nothing); 4 the chain refused it (the reason is printed); 5 no relayer took it in time.')
    .action(async (opts: ChainOpts & { nats: string; epoch: string; agent: string; key?: string; keyFile?: string; day: string; noiseWh?: string; fault?: string; prefix: string; timeout: string; json?: boolean; quiet?: boolean }) => {
      const key = await keyFromFlags(opts, "the meter's key");
      const epochId = int('--epoch', opts.epoch);
      const agentId = int('--agent', opts.agent, 0, 65_535);
      const day = int('--day', opts.day);
      const timeoutMs = int('--timeout', opts.timeout, 1);
      const config = loadConfig({ ...chainFlags(opts), ...(opts.noiseWh !== undefined ? { noiseWh: parseNumber('--noise-wh', opts.noiseWh, (v) => v >= 0, 'a non-negative number') } : {}) });
      const fault = opts.fault === undefined ? undefined : parseFaultKind('--fault', opts.fault);
      const log = (line: string) => {
        if (!opts.quiet) process.stderr.write(`meter ${agentId}: ${line}\n`);
      };
      const { ctx, store } = await connect(config);
      const oracle = await import('@gridmarket/oracle');
      const { privateKeyToAccount } = await import('viem/accounts');
      const { doc, onchain } = await oracle.loadEpochData(ctx, store, epochId);
      const reading = await oracle.readMeter(ctx, { doc, agentIds: onchain.agentIds, epochId, agentId, day, noiseWh: config.noiseWh, ...(fault ? { fault } : {}), signer: privateKeyToAccount(key) });
      const print = (out: Record<string, unknown>) => process.stdout.write(opts.json ? `${JSON.stringify({ agentId, epochId, ...out })}\n` : `meter ${agentId}, epoch ${epochId}: ${Object.values(out).join(' ')}\n`);
      if (!reading) {
        log('outage: nothing to send');
        print({ state: 'outage' });
        return;
      }
      const { connectNats, sendReading } = await import('@gridmarket/net');
      const nc = await connectNats(opts.nats, `gridmarket-meter-${agentId}`, { log });
      try {
        log(`sending its reading for epoch ${epochId} on ${opts.prefix}.readings.${epochId}`);
        // Before giving up on relayers: is it on chain already, or refused for good?
        const finalState = async () => {
          const o = await oracle.readingOutcome(ctx, reading);
          return o.state === 'pending' ? undefined : o;
        };
        const answer = await sendReading(nc, opts.prefix, { ...reading, energyWh: [...reading.energyWh] }, { timeoutMs, log, finalState });
        if (answer.state === 'refused') process.exitCode = 4;
        print(answer.state === 'refused' ? { state: answer.state, reason: answer.reason } : { state: answer.state });
      } finally {
        await nc.close();
      }
    });

  withChain(
    program
      .command('settle')
      .description("the settler: settles every position of a posted epoch not settled yet, in gas-bounded batches, once its reading and challenge windows are over (a voided epoch's locks go back at any time); anyone may")
      .requiredOption('--epoch <id>', 'the posted epoch')
      .option('--key <hex>', "the account that sends the batches (default: the operator key of the config, anvil's first account on a local chain)")
      .option('--key-file <file>', 'the same, read from a file')
      .option('--json', 'print the outcome as JSON'),
  )
    .addHelpText('after', '\nSettles nothing (exit 0) when every position is settled already; exit 4 while the windows are open (the chain time they close is printed).')
    .action(async (opts: ChainOpts & { epoch: string; key?: string; keyFile?: string; json?: boolean }) => {
      const epochId = int('--epoch', opts.epoch);
      const key = opts.key !== undefined || opts.keyFile !== undefined ? await keyFromFlags(opts, "the settler's key") : undefined;
      const { ctx, store } = await connect(loadConfig({ ...chainFlags(opts), ...(key ? { operatorKey: key } : {}) }));
      const oracle = await import('@gridmarket/oracle');
      const r = await oracle.settlePosted(ctx, { store, epochId });
      process.stdout.write(opts.json ? `${JSON.stringify({ epochId, ...r })}\n` : `epoch ${epochId}: ${r.settled} positions settled in ${r.batches} transaction${r.batches === 1 ? '' : 's'}\n`);
    });

  withChain(
    program
      .command('relay')
      .description('the relayer: collects the meters\' readings of an epoch over NATS and submits them in gas-bounded batches, skipping what is already on chain')
      .requiredOption('--nats <url>', 'NATS server, e.g. nats://127.0.0.1:4222')
      .requiredOption('--epoch <id>', 'the posted epoch')
      .option('--expect <ids>', "the agents (on-chain ids, comma-separated) whose readings to wait for (default: every agent of the epoch)")
      .option('--key <hex>', 'the account that sends the batches (default: the operator key of the config, anvil\'s first account on a local chain)')
      .option('--key-file <file>', 'the same, read from a file')
      .option('--idle <ms>', 'submit what came once no new reading came for this long', '1500')
      .option('--max-batch <n>', 'at most this many readings per transaction (default: as many as fit in a block)')
      .option('--timeout <ms>', 'stop waiting for the missing readings after this long', '600000')
      .option('--prefix <subject>', 'subject prefix', 'gridmarket')
      .option('--json', 'print the outcome as JSON')
      .option('--quiet', 'no progress on stderr'),
  )
    .addHelpText('after', '\nEnds once every expected agent\'s reading is on chain or refused (exit 0), or at --timeout with the missing ones named (exit 4).')
    .action(async (opts: ChainOpts & { nats: string; epoch: string; expect?: string; key?: string; keyFile?: string; idle: string; maxBatch?: string; timeout: string; prefix: string; json?: boolean; quiet?: boolean }) => {
      const epochId = int('--epoch', opts.epoch);
      const idleMs = int('--idle', opts.idle, 1);
      const timeoutMs = int('--timeout', opts.timeout, 1);
      const maxBatch = opts.maxBatch === undefined ? undefined : int('--max-batch', opts.maxBatch, 1);
      const key = opts.key !== undefined || opts.keyFile !== undefined ? await keyFromFlags(opts, "the relayer's key") : undefined;
      const log = (line: string) => {
        if (!opts.quiet) process.stderr.write(`relay: ${line}\n`);
      };
      const { ctx } = await connect(loadConfig({ ...chainFlags(opts), ...(key ? { operatorKey: key } : {}) }));
      const oracle = await import('@gridmarket/oracle');
      const only = opts.expect === undefined ? undefined : opts.expect.split(',').map((v) => int('--expect', v.trim(), 0, 65_535));
      const { expect, alreadyStored } = await oracle.expectedReadings(ctx, epochId, only);
      const totals = { submitted: 0, alreadyOnChain: alreadyStored.length, rejected: [] as { agentId: number; signature: string; reason: string }[], batches: 0, hashes: [] as string[] };
      const { connectNats, ReadingCollector } = await import('@gridmarket/net');
      const nc = await connectNats(opts.nats, `gridmarket-relay-${epochId}`, { log });
      const collector = new ReadingCollector(nc, {
        prefix: opts.prefix,
        epochId,
        expect: new Set(expect),
        alreadyStored,
        idleMs,
        log,
        signedByMeter: await oracle.signedByMeterCheck(ctx, expect),
        submit: async (wire) => {
          const readings = wire as unknown as SignedReading[]; // the wire schema checked 24 values per reading
          const r = await oracle.relayReadings(ctx, readings, { ...(maxBatch ? { maxBatch } : {}) });
          totals.submitted += r.submitted;
          totals.alreadyOnChain += r.alreadyOnChain;
          totals.rejected.push(...r.rejected);
          totals.batches += r.batches;
          totals.hashes.push(...r.hashes);
          return oracle.relayAnswers(readings, r);
        },
      });
      let timer: NodeJS.Timeout | undefined;
      try {
        log(`epoch ${epochId}: waiting for ${expect.length - alreadyStored.length} of ${expect.length} readings on ${opts.prefix}.readings.${epochId}`);
        collector.start();
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
        const outcome = await Promise.race([collector.complete.then(() => 'complete' as const), timedOut]);
        await collector.stop();
        const { missing } = collector.outcome();
        if (outcome === 'timeout') process.exitCode = 4;
        const out = { epochId, ...totals, missing };
        process.stdout.write(opts.json ? `${JSON.stringify(out)}\n` : `relay, epoch ${epochId}: ${totals.submitted} submitted in ${totals.batches} transactions, ${totals.alreadyOnChain} already on chain, ${totals.rejected.length} refused${missing.length ? `, missing ${missing.join(', ')}` : ''}\n`);
      } finally {
        clearTimeout(timer);
        await nc.close();
      }
    });
}
