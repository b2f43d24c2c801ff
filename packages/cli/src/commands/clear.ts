// gridmarket clear: clears a case (consensus ADMM by default, or a centralized benchmark) and writes
// the result document; progress goes to stderr, the summary to stdout.
import type { Command } from 'commander';
import { ADMM_DEFAULTS, buildResult, type ClearingSolution, loadCase, type ResultDocument, runAdmm, solveCentralized, solveCentralizedHighs } from '@gridmarket/clearing';
import { fmt, parseNumber, UsageError, writeFileAtomic } from '../io';

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
  json?: boolean;
  quiet?: boolean;
}

export function summary(doc: ResultDocument, solveTimeMs: number): Record<string, unknown> {
  return {
    case: doc.case.name,
    method: doc.method,
    network: doc.constrained ? 'enforced' : 'ignored',
    status: doc.status,
    iterations: doc.admm?.iterations ?? null,
    welfareUsd: doc.welfareUsd,
    solveTimeMs,
    trades: doc.totals.trades,
    energyKwh: doc.totals.energyWh / 1000,
    valueUsd: doc.totals.valueMicroUsd / 1e6,
    averagePriceUsdPerKwh: doc.totals.averagePriceUsdPerKwh,
    maxLineUtilization: doc.network.maxUtilization,
    inputHash: doc.case.inputHash,
  };
}

export function registerClear(program: Command): void {
  program
    .command('clear')
    .description('clear a 24-hour market and write the result document')
    .requiredOption('--case <name|path>', 'built-in case (ieee14, ieee33, synthetic:N), a case file, or a MATPOWER case file (.m) with agents placed by default')
    .option('--method <method>', 'admm (consensus ADMM), centralized (interior point) or highs (HiGHS reference)', 'admm')
    .option('--no-network', 'ignore line limits (the operator averages instead of projecting)')
    .option('--rho <rho>', 'ADMM penalty ρ', String(ADMM_DEFAULTS.rho))
    .option('--adaptive', 'adapt ρ by residual balancing')
    .option('--alpha <alpha>', 'ADMM over-relaxation α in (0, 2); 1 is none', String(ADMM_DEFAULTS.alpha))
    .option('--eps-abs <eps>', 'absolute tolerance ε_abs', String(ADMM_DEFAULTS.epsAbs))
    .option('--eps-rel <eps>', 'relative tolerance ε_rel', String(ADMM_DEFAULTS.epsRel))
    .option('--max-iter <k>', 'ADMM iteration limit K_max', String(ADMM_DEFAULTS.maxIter))
    .option('--out <file>', 'where to write the result document (JSON, written atomically)')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress on stderr')
    .action(async (opts: ClearOptions) => {
      if (!['admm', 'centralized', 'highs'].includes(opts.method)) {
        throw new UsageError(`--method must be admm, centralized or highs, got "${opts.method}"`);
      }
      const settings = {
        method: opts.method,
        rho: parseNumber('--rho', opts.rho, (v) => v > 0, 'a positive number'),
        adaptive: Boolean(opts.adaptive),
        alpha: parseNumber('--alpha', opts.alpha, (v) => v > 0 && v < 2, 'in (0, 2)'),
        epsAbs: parseNumber('--eps-abs', opts.epsAbs, (v) => v > 0, 'a positive number'),
        epsRel: parseNumber('--eps-rel', opts.epsRel, (v) => v >= 0, 'a non-negative number'),
        maxIter: parseNumber('--max-iter', opts.maxIter, (v) => Number.isInteger(v) && v > 0, 'a positive integer'),
      };
      const market = loadCase(opts.case);
      const constrained = opts.network;
      const progress = (line: string) => {
        if (!opts.quiet) process.stderr.write(line);
      };
      progress(`clearing ${market.name} (${market.agents.length} agents, network ${constrained ? 'enforced' : 'ignored'}) with ${opts.method}\n`);
      if (/\.m$/i.test(opts.case)) progress(`${market.case.description}\n`);
      for (const n of market.network.notes) progress(`${n.severity === 'warning' ? 'warning' : 'note'}: ${n.message}\n`);
      let solution: ClearingSolution;
      if (opts.method === 'centralized') solution = solveCentralized(market, { constrained });
      else if (opts.method === 'highs') solution = await solveCentralizedHighs(market, { constrained });
      else {
        solution = runAdmm(market, {
          constrained,
          rho: settings.rho,
          adaptive: settings.adaptive,
          alpha: settings.alpha,
          epsAbs: settings.epsAbs,
          epsRel: settings.epsRel,
          maxIter: settings.maxIter,
          onIteration: (p) =>
            progress(
              `iter ${String(p.iteration).padStart(4)}  r_pri ${p.primalResidual.toExponential(2)} (≤ ${p.epsPrimal.toExponential(2)})  r_dual ${p.dualResidual.toExponential(2)} (≤ ${p.epsDual.toExponential(2)})  ρ ${p.rho.toPrecision(3)}  welfare ${fmt.usd(p.welfareUsd, 4)}\n`,
            ),
        });
      }
      const doc = buildResult(market, solution, settings);
      if (opts.out) {
        writeFileAtomic(opts.out, `${JSON.stringify(doc)}\n`);
        progress(`result document written to ${opts.out}\n`);
      }
      const s = summary(doc, solution.solveTimeMs);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        [
          `${doc.case.name}: ${doc.method}${doc.admm ? ` ${doc.admm.status} in ${doc.admm.iterations} iterations` : ` ${doc.status}`} (${fmt.ms(solution.solveTimeMs)})`,
          `welfare ${fmt.usd(doc.welfareUsd, 4)}; max line utilization ${fmt.pct(doc.network.maxUtilization)}`,
          `${doc.totals.trades} trades, ${(doc.totals.energyWh / 1000).toFixed(2)} kWh, ${fmt.usd(doc.totals.valueMicroUsd / 1e6)} at ${fmt.usd(doc.totals.averagePriceUsdPerKwh, 4)}/kWh`,
          '',
        ].join('\n'),
      );
      if (doc.admm && doc.admm.status !== 'converged') process.exitCode = 3;
    });
}
