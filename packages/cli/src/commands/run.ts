// gridmarket run: the whole pipeline for N market days on a chain (an embedded anvil by default),
// then the thesis's Table 6.8 for this run, energy and value, gas per step and per trade,
// transactions per day and wall time per stage.
import path from 'node:path';
import type { Command } from 'commander';
import { THESIS } from '@gridmarket/clearing';
import { type Corruption, CORRUPTIONS, type PipelineReport, runPipeline } from '@gridmarket/oracle';
import { SETTLEMENT_MODES, type SettlementMode } from '@gridmarket/contracts';
import { ensureBuilt, serveApp } from '@gridmarket/web/serve';
import type { Hex } from 'viem';
import { loadConfig } from '../config';
import { documentsUrl, fmt, parseNumber, table, toJson, UsageError } from '../io';
import { parseFault } from './faultSpec';

export function reportText(r: PipelineReport): string {
  const th = THESIS.settlement;
  const t = r.totals;
  const one = r.days.length === 1;
  const modes = [...new Set(r.days.map((d) => d.mode))].join(', ');
  const out: string[] = [];
  out.push(`## Table 6.8 — settlement of ${r.case}, ${r.days.length} day${one ? '' : 's'} (chain ${r.chainId}, ${modes} settlement)\n`);
  out.push(
    table(
      ['metric', 'thesis (14-bus, one day)', 'this run'],
      [
        ['bilateral trades generated', th.trades.toLocaleString('en-US'), t.generated.toLocaleString('en-US')],
        ['trades verified (both meters within tolerance)', th.verified.toLocaleString('en-US'), t.verified.toLocaleString('en-US')],
        ['trades settled', '2,795', t.settled.toLocaleString('en-US')],
        ['trades rejected (a seller outside the tolerance)', '0', t.rejected.toLocaleString('en-US')],
        ['transactions', '2,795 (one per trade)', `${t.transactions} (${r.days.map((d) => d.transactions).join(' + ')} by day)`],
        ['energy settled', `${th.energyKwh} kWh`, `${t.settledEnergyKwh.toFixed(2)} kWh`],
        ['value settled', fmt.usd(th.valueUsd), fmt.usd(t.settledValueUsd)],
        ['average price', `≈ ${fmt.usd(th.averagePrice)}/kWh`, t.settledEnergyKwh > 0 ? `${fmt.usd(t.settledValueUsd / t.settledEnergyKwh, 4)}/kWh` : '—'],
      ],
    ),
  );
  out.push('\n## Money moved by the positions\n');
  out.push(
    table(
      ['', 'this run'],
      [
        ['paid for scheduled supply (day-ahead credits)', fmt.usd(t.creditedUsd)],
        ['imbalance charged for shortfalls (to the grid agent)', fmt.usd(t.imbalanceChargedUsd)],
        ['imbalance charges not collected (agents without balance)', fmt.usd(t.imbalanceUncollectedUsd)],
        ['imbalance credited for surplus (from the grid agent)', fmt.usd(t.surplusCreditedUsd)],
      ],
    ),
  );
  out.push('\n## By day\n');
  out.push(
    table(
      ['day', 'epoch', 'status', 'ADMM it.', 'welfare', 'trades', 'verified', 'settled', 'rejected', 'imbalance charged', 'readings rejected', 'dispute', 'transactions', 'gas / settled trade'],
      r.days.map((d) => [
        d.day + 1,
        d.epochId,
        d.refusal ? `refused (${d.refusal.replace('the ledger refused the schedule: ', '')})` : d.status,
        d.admmIterations,
        fmt.usd(d.welfareUsd, 3),
        d.generated,
        d.verified,
        d.settled,
        d.rejected,
        fmt.usd(d.money.imbalance.shortfallCharged + d.money.imbalance.shortfallUncollected),
        d.readings.rejected.map((x) => `agent ${x.agentId}: ${x.reason}`).join('; ') || '0',
        d.dispute ? d.dispute.description : '—',
        d.transactions,
        d.gasPerSettledTrade ? d.gasPerSettledTrade.toLocaleString('en-US') : '—',
      ]),
    ),
  );
  const steps = [...new Set(r.days.flatMap((d) => Object.keys(d.gas)))];
  out.push('\n## Gas by step (all days)\n');
  out.push(table(['step', 'gas used', 'transactions'], steps.map((s) => [s, r.days.reduce((a, d) => a + (d.gas[s] ?? 0), 0).toLocaleString('en-US'), r.days.reduce((a, d) => a + (d.transactionsByStep[s] ?? 0), 0)])));
  out.push('\n## Wall time by stage (all days)\n');
  out.push(table(['stage', 'time'], wallTimeRows(r).map(([s, ms]) => [s, fmt.ms(ms)])));
  const chain = !r.embeddedChain || r.stopChain ? `chain ${r.rpcUrl}` : 'the embedded chain was stopped (--persist keeps its state for another run, --rpc uses a chain of your own)';
  out.push(`\ntotal wall time ${fmt.ms(r.wallTimeMs)}; ${chain}; settlement contract ${r.deployment.settlement}\n`);
  return out.join('\n');
}

/** The run's wall time split by stage: setup, each day's stages, and what falls between them; the rows add up to the total. */
export function wallTimeRows(r: PipelineReport): [string, number][] {
  const stages = [...new Set(r.days.flatMap((d) => Object.keys(d.stageMs)))];
  const rows: [string, number][] = [
    ...Object.entries(r.setupMs),
    ...stages.map((s): [string, number] => [s, r.days.reduce((a, d) => a + (d.stageMs[s] ?? 0), 0)]),
  ];
  const accounted = rows.reduce((a, [, ms]) => a + ms, 0);
  rows.push(['between stages (reads, progress, the clock)', Math.max(0, r.wallTimeMs - accounted)]);
  return rows;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('clear, post, meter, check, settle and withdraw market days on a chain (an embedded anvil unless --rpc), then report')
    .option('--case <name|path>', 'built-in case (ieee14, ieee33) or a case file', 'ieee14')
    .option('--days <n>', 'market days to run', '1')
    .option('--first-epoch <id>', 'epoch id of the first day', '1')
    .option('--rpc <url>', 'use a running chain instead of an embedded anvil (env GRIDMARKET_RPC_URL)')
    .option('--deployment <file>', 'deployment file of that chain')
    .option('--operator-key <key>', 'operator key (env GRIDMARKET_OPERATOR_KEY; anvil dev key by default)')
    .option('--work-dir <dir>', 'document store, deployments, chain state (default .gridmarket)')
    .option('--config <file>', 'config file (default gridmarket.config.json if present)')
    .option('--tolerance-wh <wh>', 'meter tolerance in Wh (default 50)')
    .option('--noise-wh <wh>', 'standard deviation of simulated meter noise in Wh (default 15)')
    .option('--fault <spec>', 'inject a meter fault agent:kind[:hour[:amountWh]] (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--settlement <mode>', 'imbalance (two-settlement: deviations charged at imbalance prices) or thesis (the thesis\'s rule, to reproduce its tables)', 'imbalance')
    .option('--corrupt <day:kind>', 'post a faulty schedule on a day: imbalance (refused by the ledger), overload or trade (disputed by the watcher)')
    .option('--persist', 'keep the embedded chain in the work dir so that a stopped run can resume')
    .option('--wait', 'on a real chain: wait for the reading and challenge windows (default: move anvil time)')
    .option('--no-serve', 'end after the report instead of serving the web app on the chain')
    .option('--port <port>', 'port of the web app (default: a free one)')
    .option('--documents-url <url>', "where the work dir's store is served (gridmarket documents): epochs carry <url>/documents/<hash>, which auditors elsewhere fetch")
    .option('--nats <url>', 'with --spawn: the NATS server the roles talk through, e.g. nats://127.0.0.1:4222')
    .option('--spawn', 'every agent, every meter and the relayer as separate OS processes over --nats (the operator is this process)')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      '\nThe JSON report has the Table 6.8 trade counts under totals.{generated, verified, settled, rejected} and the money moved under totals.{creditedUsd, imbalanceChargedUsd, imbalanceUncollectedUsd, surplusCreditedUsd}.\n' +
        'Unless --no-serve, the run ends by serving the web app on the chain (the embedded anvil stays up with it) and prints its URL; Ctrl-C stops both.',
    )
    .action(async (opts) => {
      const config = loadConfig({
        rpcUrl: opts.rpc,
        deploymentFile: opts.deployment,
        operatorKey: opts.operatorKey,
        workDir: opts.workDir,
        config: opts.config,
        ...(opts.toleranceWh !== undefined ? { toleranceWh: parseNumber('--tolerance-wh', opts.toleranceWh, (v) => Number.isInteger(v) && v > 0, 'a positive integer') } : {}),
        ...(opts.noiseWh !== undefined ? { noiseWh: parseNumber('--noise-wh', opts.noiseWh, (v) => v >= 0, 'a non-negative number') } : {}),
      });
      let corrupt: { day: number; kind: Corruption }[] | undefined;
      if (opts.corrupt) {
        const [day, kind] = String(opts.corrupt).split(':');
        if (!day || !CORRUPTIONS.includes(kind as Corruption)) throw new UsageError(`--corrupt must be day:kind with kind one of ${CORRUPTIONS.join(', ')}, got "${opts.corrupt}"`);
        corrupt = [{ day: parseNumber('--corrupt day', day, (v) => Number.isInteger(v) && v >= 1, 'a day number from 1') - 1, kind: kind as Corruption }];
      }
      if (!SETTLEMENT_MODES.includes(opts.settlement)) throw new UsageError(`--settlement must be ${SETTLEMENT_MODES.join(' or ')}, got "${opts.settlement}"`);
      const mode = opts.settlement as SettlementMode;
      const port = opts.port === undefined ? undefined : parseNumber('--port', opts.port, (v) => Number.isInteger(v) && v > 0 && v < 65536, 'a TCP port');
      const progress = opts.quiet ? () => {} : withHeartbeat((line) => process.stderr.write(line));
      if (Boolean(opts.spawn) !== Boolean(opts.nats)) throw new UsageError('--nats and --spawn go together: the roles run as separate processes talking through that NATS server');
      let rpcUrl = config.rpcUrl;
      const spawned = opts.spawn
        ? (await import('../spawnRoles')).spawnRoles({ nats: String(opts.nats), workDir: config.workDir, rpcUrl: () => rpcUrl!, ...(config.deploymentFile ? { deploymentFile: config.deploymentFile } : {}), log: (line) => progress(`${line}\n`) })
        : undefined;
      // The web app builds (if it must) while the market day runs, so that its URL comes early.
      const building = new AbortController();
      const built = opts.serve ? ensureBuilt(progress, undefined, building.signal) : Promise.resolve();
      built.catch(() => {}); // awaited below; a failure is reported there
      let report: PipelineReport;
      try {
        report = await runPipeline({
        case: opts.case,
        days: parseNumber('--days', opts.days, (v) => Number.isInteger(v) && v >= 1 && v <= 365, 'an integer from 1 to 365'),
        firstEpoch: parseNumber('--first-epoch', opts.firstEpoch, (v) => Number.isInteger(v) && v >= 1 && v < 2 ** 32, 'a positive integer'),
        ...(config.rpcUrl ? { rpcUrl: config.rpcUrl } : {}),
        ...(config.operatorKey ? { operatorKey: config.operatorKey as Hex } : {}),
        ...(config.deploymentFile ? { deploymentFile: config.deploymentFile } : {}),
        workDir: config.workDir,
        ...(opts.documentsUrl ? { documentsUrl: documentsUrl(opts.documentsUrl) } : {}),
        persistChain: Boolean(opts.persist),
        toleranceWh: config.toleranceWh,
        noiseWh: config.noiseWh,
        faults: (opts.fault as string[]).map(parseFault),
        mode,
        ...(corrupt ? { corrupt } : {}),
        time: opts.wait ? 'wait' : 'advance',
        keepChain: Boolean(opts.serve),
        // Served, the day's proceeds stay in the settlement contract for the participants to claim in the app.
        withdraw: !opts.serve,
        onProgress: progress,
        onChain: (chain) => (rpcUrl = chain.rpcUrl),
        ...(spawned ? { roles: spawned.roles } : {}),
        });
      } catch (err) {
        building.abort();
        await built.catch(() => {});
        throw err;
      }
      const transport = spawned ? { transport: 'nats', processes: spawned.processes } : {};
      process.stdout.write(opts.json ? `${toJson({ ...report, ...transport })}\n` : reportText(report));
      if (opts.serve) {
        const out = opts.json ? process.stderr : process.stdout;
        out.write(`\nthe proceeds of the last day are left in the settlement contract: a participant can claim them in the web app (Participant → Claim)\n`);
        process.exitCode = await serve(report, built, { ...config, ...(opts.documentsUrl ? { documentOrigins: [new URL(documentsUrl(opts.documentsUrl)).origin] } : {}) }, port, progress, out);
      }
    });
}

/**
 * Progress lines; a step announced with a line ending in "…" gets a line with its elapsed time every
 * 10 s until the next line comes, so that a long step (a first deployment compiles the contracts, a
 * first web build takes minutes) never looks stuck.
 */
export function withHeartbeat(write: (line: string) => void, everyMs = 10_000): (line: string) => void {
  let timer: NodeJS.Timeout | undefined;
  return (line) => {
    clearInterval(timer);
    write(line);
    const text = line.trim();
    if (!text.endsWith('…')) return;
    const since = performance.now();
    const label = text.slice(0, -1);
    timer = setInterval(() => write(`  … ${label}: ${Math.round((performance.now() - since) / 1000)} s\n`), everyMs);
    timer.unref();
  };
}

/**
 * Serves the web app on the run's chain until SIGINT or SIGTERM, then stops it and the chain; says so
 * and returns a non-zero exit code if the chain (4) or the web server (1) stops on its own meanwhile.
 */
async function serve(
  report: PipelineReport,
  built: Promise<void>,
  config: { workDir: string; deploymentFile?: string | undefined; documentOrigins?: string[] },
  port: number | undefined,
  progress: (line: string) => void,
  out: NodeJS.WriteStream,
): Promise<number> {
  const stopChain = report.stopChain ?? (async () => {});
  const logFile = path.resolve(config.workDir, 'web-server.log');
  let code = 0;
  try {
    // Announced (and its time repeated) only while the build is still going; its own last line,
    // "built the web app in N s", ends the repetition.
    let ready = false;
    void built.then(() => (ready = true), () => {});
    await Promise.resolve();
    if (!ready) progress('waiting for the web app build…\n');
    await built;
    const app = await serveApp({ rpcUrl: report.rpcUrl, workDir: config.workDir, logFile, ...(config.deploymentFile ? { deploymentFile: config.deploymentFile } : {}), ...(config.documentOrigins ? { documentOrigins: config.documentOrigins } : {}), ...(port ? { port } : {}) });
    const epoch = report.days.at(-1)!.epochId;
    const flags = [`--rpc ${report.rpcUrl}`, ...(config.workDir !== '.gridmarket' ? [`--work-dir ${config.workDir}`] : [])].join(' ');
    out.write(
      [
        '',
        `web app: ${app.url}  (chain ${report.rpcUrl}; Ctrl-C stops the app${report.stopChain ? ' and the chain' : ''}; the server's log is in ${logFile})`,
        'next, against the live chain:',
        `  gridmarket proof ${flags} --epoch ${epoch} --agent 1     an agent's schedule and trades with their Merkle proofs`,
        `  gridmarket audit ${flags} --epoch ${epoch}               recheck the epoch from the chain and its document`,
        '',
      ].join('\n'),
    );
    // A Ctrl-C reaches every process of the terminal's group, and wrappers (pnpm, tsx) pass it on
    // again: the handlers stay so that a repeated signal cannot kill the process mid-cleanup.
    const stopped = new Promise<'signal'>((resolve) => {
      process.on('SIGINT', () => resolve('signal'));
      process.on('SIGTERM', () => resolve('signal'));
    });
    const ended = await Promise.race([stopped, app.exited.then(() => 'app' as const), ...(report.chainExited ? [report.chainExited.then(() => 'chain' as const)] : [])]);
    if (ended === 'app') {
      process.stderr.write(`error: the web server stopped on its own; its log is in ${logFile}\n`);
      code = 1;
    } else if (ended === 'chain') {
      process.stderr.write(`error: the chain at ${report.rpcUrl} stopped on its own; the web app cannot read it any more\n`);
      code = 4;
    }
    await app.stop();
  } finally {
    await stopChain();
  }
  out.write(`stopped the web app${report.stopChain ? ' and the chain' : ''}\n`);
  return code;
}
