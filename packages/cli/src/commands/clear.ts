// gridmarket clear: clears a case (consensus ADMM by default, or a centralized benchmark) and writes
// the result document; progress goes to stderr, the summary to stdout. Everything the command needs
// (flags, output path, case) is checked before it solves; a day that does not clear is said in
// one sentence, exits 3 and writes nothing unless --allow-unconverged.
import type { Command } from 'commander';
import {
  ADMM_DEFAULTS,
  ADMM_RANGES,
  type AdmmNumericSetting,
  type AdmmOptions,
  buildResult,
  type ClearingSolution,
  describeCertificateHour,
  describeInfeasibleConstraint,
  inRange,
  loadCase,
  type Market,
  type ResultDocument,
  runAdmm,
  solveCentralized,
  solveCentralizedHighs,
  thesisWelfare,
} from '@gridmarket/clearing';
import { ExitCode } from '../exitCodes';
import { fmt, parseNumber, UsageError } from '../io';
import { checkOutputPath, writeOutput } from '../output';

interface ClearOptions {
  case: string;
  method: string;
  network: boolean;
  rho: string;
  adaptive?: boolean;
  alpha: string;
  epsAbs: string;
  epsRel: string;
  maxIter: string;
  out?: string;
  allowUnconverged?: boolean;
  json?: boolean;
  quiet?: boolean;
  nats?: string;
  spawnAgents?: string | boolean;
}

const METHODS = ['admm', 'centralized', 'highs'] as const;

/** The ADMM settings given as flags: flag, setting, and the option's key. */
const ADMM_FLAGS: readonly [flag: string, setting: AdmmNumericSetting, key: 'rho' | 'alpha' | 'epsAbs' | 'epsRel' | 'maxIter'][] = [
  ['--rho', 'rho', 'rho'],
  ['--alpha', 'alpha', 'alpha'],
  ['--eps-abs', 'epsAbs', 'epsAbs'],
  ['--eps-rel', 'epsRel', 'epsRel'],
  ['--max-iter', 'maxIter', 'maxIter'],
];

/** The flags as settings, each in its range (the ranges of @gridmarket/clearing's ADMM settings). */
function parseSettings(opts: ClearOptions) {
  if (!(METHODS as readonly string[]).includes(opts.method)) throw new UsageError(`--method must be admm, centralized or highs, got "${opts.method}"`);
  const numbers = Object.fromEntries(ADMM_FLAGS.map(([flag, setting, key]) => [key, parseNumber(flag, opts[key], (v) => inRange(ADMM_RANGES[setting], v), ADMM_RANGES[setting].text)])) as Record<(typeof ADMM_FLAGS)[number][2], number>;
  return { method: opts.method, adaptive: Boolean(opts.adaptive), ...numbers };
}

/** converged (ADMM) or solved (the benchmarks): the day cleared. */
const cleared = (s: ClearingSolution) => s.status === 'converged' || s.status === 'solved';

/** The one sentence that says why a day did not clear. */
export function notClearedReason(market: Market, s: ClearingSolution): string {
  const admm = s.admm;
  if (admm?.status === 'infeasible' && admm.diagnostic?.hours?.length) {
    const [first, ...more] = admm.diagnostic.hours;
    return `ADMM found ${market.name} infeasible at iteration ${admm.diagnostic.iteration}: ${describeCertificateHour(first!)}${more.length ? ` (and ${more.length > 3 ? `${more.length} more hours` : `hour${more.length > 1 ? 's' : ''} ${more.map((h) => h.hour).join(', ')}`})` : ''}`;
  }
  if (admm?.status === 'diverging') return `ADMM stopped on ${market.name}: ${admm.diagnostic?.message ?? 'diverging'}`;
  if (admm) {
    const k = admm.iterations - 1;
    return `ADMM did not converge on ${market.name} within ${admm.iterations} iterations (${admm.status}): r_pri ${admm.primalResidual[k]!.toExponential(2)} (tolerance ${admm.epsPrimal[k]!.toExponential(2)}), r_dual ${admm.dualResidual[k]!.toExponential(2)} (tolerance ${admm.epsDual[k]!.toExponential(2)})`;
  }
  if (s.infeasibility) {
    const shown = s.infeasibility.constraints.slice(0, 4).map((c) => describeInfeasibleConstraint(c, market));
    const rest = s.infeasibility.constraints.length - shown.length;
    return `${s.method} proved ${market.name} infeasible: these cannot all hold: ${shown.join('; ')}${rest > 0 ? `; and ${rest} more` : ''}`;
  }
  return `${s.method} ended with status ${s.status} on ${market.name}`;
}

/** What `clear` prints and `--json` returns: the outcome, welfare at the committed schedule in both definitions (null when the day did not clear: that schedule is not one the agents can keep), trades. */
export function summary(market: Market, solution: ClearingSolution, doc: ResultDocument | undefined): Record<string, unknown> {
  const ok = cleared(solution);
  const usd = (v: number) => (ok && Number.isFinite(v) ? v : null);
  return {
    case: market.name,
    method: solution.method,
    network: solution.constrained ? 'enforced' : 'ignored',
    status: solution.status,
    ...(ok ? {} : { reason: notClearedReason(market, solution) }),
    iterations: solution.admm?.iterations ?? solution.accuracy.iterations ?? null,
    welfare: {
      at: solution.admm ? 'the committed schedule z' : 'the schedule',
      withStoragePenaltyUsd: usd(solution.welfareUsd),
      thesisUsd: usd(thesisWelfare(solution.welfare)),
      storagePenaltyUsd: usd(solution.welfare.storagePenaltyUsd),
    },
    welfareUsd: usd(solution.welfareUsd),
    solveTimeMs: solution.solveTimeMs,
    document: doc ? 'built' : 'not built',
    ...(doc
      ? {
          trades: doc.totals.trades,
          ...(doc.tradesOmitted ? { tradesOmitted: doc.tradesOmitted } : {}),
          energyKwh: doc.totals.energyWh / 1000,
          valueUsd: doc.totals.valueMicroUsd / 1e6,
          averagePriceUsdPerKwh: doc.totals.averagePriceUsdPerKwh,
          maxLineUtilization: doc.network.maxUtilization,
          inputHash: doc.case.inputHash,
        }
      : {}),
  };
}

/** The committed schedule can become a document: it exists and is finite (a diverging run's may not be). */
const hasSchedule = (s: ClearingSolution) => s.dispatch.length > 0 && s.dispatch.every((d) => d.netKw.every(Number.isFinite));

export function registerClear(program: Command): void {
  program
    .command('clear')
    .description('clear a 24-hour market and write the result document')
    .requiredOption('--case <name|path>', 'built-in case (ieee14, ieee33, synthetic:N), a case file, or a MATPOWER case file (.m) with agents placed by default')
    .option('--method <method>', 'admm (consensus ADMM), centralized (interior point) or highs (HiGHS reference)', 'admm')
    .option('--no-network', 'ignore line limits (the operator averages instead of projecting)')
    .option('--rho <rho>', `ADMM penalty ρ, ${ADMM_RANGES.rho.text}`, String(ADMM_DEFAULTS.rho))
    .option('--adaptive', 'adapt ρ by residual balancing')
    .option('--alpha <alpha>', 'ADMM over-relaxation α in (0, 2); 1 is none', String(ADMM_DEFAULTS.alpha))
    .option('--eps-abs <eps>', `absolute tolerance ε_abs, ${ADMM_RANGES.epsAbs.text}`, String(ADMM_DEFAULTS.epsAbs))
    .option('--eps-rel <eps>', `relative tolerance ε_rel, ${ADMM_RANGES.epsRel.text}`, String(ADMM_DEFAULTS.epsRel))
    .option('--max-iter <k>', `ADMM iteration limit K_max, ${ADMM_RANGES.maxIter.text}`, String(ADMM_DEFAULTS.maxIter))
    .option('--out <file>', 'where to write the result document (JSON, written atomically); checked before clearing')
    .option('--allow-unconverged', 'write the document even when the day did not clear (infeasible, diverging, iteration limit); still exits 3')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress on stderr')
    .option('--nats <url>', 'clear through a NATS server: the case split, its agents and the operator talking over the server (same iterates as in process)')
    .option('--spawn-agents [hosts]', 'with --nats: run the agents as separate OS processes (`gridmarket agent`), one per agent or spread over this many')
    .addHelpText(
      'after',
      '\nWelfare is reported at the committed schedule (ADMM: the consensus z, not the agents’ proposals p), ' +
        'with the storage penalty λ_cd Σ(c + d) that the solvers include, and as the thesis’s (3-20), which leaves it out.\n' +
        'Exit codes: 0 cleared; 2 invalid input (nothing written); 3 not cleared: infeasible, diverging or not converged (nothing written unless --allow-unconverged).',
    )
    .action(async (opts: ClearOptions) => {
      const settings = parseSettings(opts);
      if (opts.nats !== undefined && opts.method !== 'admm') throw new UsageError('--nats clears with ADMM only (--method admm)');
      if (opts.spawnAgents !== undefined && opts.nats === undefined) throw new UsageError('--spawn-agents runs the agents over NATS: give --nats URL too');
      const hosts = typeof opts.spawnAgents === 'string' ? parseNumber('--spawn-agents', opts.spawnAgents, (v) => Number.isInteger(v) && v >= 1 && v <= 10_000, 'a number of processes from 1 to 10,000') : undefined;
      if (opts.out !== undefined) checkOutputPath('--out', opts.out);
      const market = loadCase(opts.case);
      const constrained = opts.network;
      const progress = (line: string) => {
        if (!opts.quiet) process.stderr.write(line);
      };
      progress(`clearing ${market.name} (${market.agents.length} agents, network ${constrained ? 'enforced' : 'ignored'}) with ${opts.method}\n`);
      if (/\.m$/i.test(opts.case)) progress(`${market.case.description}\n`);
      for (const n of market.network.notes) progress(`${n.severity === 'warning' ? 'warning' : 'note'}: ${n.message}\n`);
      let solution: ClearingSolution;
      let excludedOverNats: { status: string; excluded: string[] } | undefined;
      let overNats: { transport: 'nats'; agentProcesses: number } | undefined;
      if (opts.method === 'centralized') solution = solveCentralized(market, { constrained });
      else if (opts.method === 'highs') solution = await solveCentralizedHighs(market, { constrained });
      else {
        const admmOptions: AdmmOptions = {
          constrained,
          rho: settings.rho,
          adaptive: settings.adaptive,
          alpha: settings.alpha,
          epsAbs: settings.epsAbs,
          epsRel: settings.epsRel,
          maxIter: settings.maxIter,
          onIteration: (p) =>
            progress(
              `iter ${String(p.iteration).padStart(4)}  r_pri ${p.primalResidual.toExponential(2)} (≤ ${p.epsPrimal.toExponential(2)})  r_dual ${p.dualResidual.toExponential(2)} (≤ ${p.epsDual.toExponential(2)})  ρ ${p.rho.toPrecision(3)}  welfare at p ${fmt.usd(p.welfareUsd, 4)}\n`,
            ),
        };
        if (opts.nats !== undefined) {
          const { clearOverNats } = await import('@gridmarket/net');
          const log = (line: string) => progress(`${line}\n`);
          const spawned = opts.spawnAgents !== undefined ? { launch: (await import('../spawnAgents')).spawnAgentProcesses(hosts, log), policy: { joinTimeoutMs: 120_000 } } : {};
          const r = await clearOverNats(market, opts.nats, admmOptions, { log, ...spawned });
          overNats = { transport: 'nats', agentProcesses: r.agentProcesses };
          solution = r.solution;
          if (r.status.excluded.length) {
            excludedOverNats = { status: r.status.clearing, excluded: r.status.excluded.map((e) => e.id) };
            process.stderr.write(`warning: ${r.status.clearing}\n`);
          }
        } else solution = runAdmm(market, admmOptions);
      }

      const ok = cleared(solution);
      const wanted = ok || Boolean(opts.allowUnconverged);
      const doc = wanted && hasSchedule(solution) ? buildResult(market, solution, settings) : undefined;
      if (doc && opts.out !== undefined) {
        writeOutput('--out', opts.out, `${JSON.stringify(doc)}\n`);
        progress(`result document written to ${opts.out}\n`);
      }
      if (!ok) {
        const written = !opts.allowUnconverged
          ? 'no result document written (--allow-unconverged writes it)'
          : !doc
            ? 'there is no schedule to write'
            : opts.out !== undefined
              ? `the result document was written to ${opts.out} (--allow-unconverged)`
              : 'nothing written (no --out)';
        process.stderr.write(`error: not cleared: ${notClearedReason(market, solution)}; ${written}\n`);
        process.exitCode = ExitCode.notCleared;
      }

      const s = { ...summary(market, solution, doc), ...excludedOverNats, ...overNats };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        return;
      }
      const w = solution.welfare;
      process.stdout.write(
        [
          `${market.name}: ${solution.method}${solution.admm ? ` ${solution.admm.status} in ${solution.admm.iterations} iterations` : ` ${solution.status}`} (${fmt.ms(solution.solveTimeMs)})`,
          ok
            ? `welfare at ${solution.admm ? 'the committed schedule z' : 'the schedule'}: ${fmt.usd(solution.welfareUsd, 4)} with the storage penalty; ${fmt.usd(thesisWelfare(w), 4)} as (3-20), without it (penalty ${fmt.usd(w.storagePenaltyUsd, 4)})`
            : 'no welfare: the day did not clear',
          ...(doc
            ? [
                `max line utilization ${fmt.pct(doc.network.maxUtilization)}`,
                doc.tradesOmitted
                  ? `trades not listed: ${doc.tradesOmitted.pairs.toLocaleString('en-US')} seller–buyer pairs, more than the ${doc.tradesOmitted.limit.toLocaleString('en-US')} a document lists (schedules, prices and the tariff are complete; such a document cannot be posted)`
                  : `${doc.totals.trades} trades, ${(doc.totals.energyWh / 1000).toFixed(2)} kWh, ${fmt.usd(doc.totals.valueMicroUsd / 1e6)} at ${fmt.usd(doc.totals.averagePriceUsdPerKwh, 4)}/kWh`,
              ]
            : ['no trades: the day did not clear']),
          '',
        ].join('\n'),
      );
    });
}
