// gridmarket compare: the thesis's Tables 6.4, 6.5, 6.6, 6.7 and 6.9 side by side with this
// implementation, for both networks and both scenarios, and the ρ sweep of §6.5. Welfare is at the
// committed schedule (ADMM: z), shown as the thesis's (3-20) and with the storage penalty (3-15)
// that this implementation's solvers include.
import type { Command } from 'commander';
import { type ClearingSolution, loadCase, type Market, maxLineUtilization, runAdmm, solveCentralized, THESIS, thesisWelfare } from '@gridmarket/clearing';
import { fmt, table, UsageError } from '../io';

const CASES = ['ieee14', 'ieee33'] as const;
type Name = (typeof CASES)[number];

/** Welfare at the committed schedule both ways: (3-20) as the thesis writes it, and with the storage penalty. */
const welfareOf = (s: ClearingSolution) => ({ thesisUsd: thesisWelfare(s.welfare), withStoragePenaltyUsd: s.welfareUsd });
type Scenario = 'unconstrained' | 'constrained';

interface Run {
  market: Market;
  central: Record<Scenario, ClearingSolution>;
  admm: Record<Scenario, ClearingSolution>;
}

function linesAbove(market: Market, s: ClearingSolution, share: number): number {
  return market.network.lines.filter((l, i) => Number.isFinite(l.limitKw) && s.flowsKw[i]!.some((f) => Math.abs(f) > share * l.limitKw)).length;
}

function violations(market: Market, s: ClearingSolution): number {
  let n = 0;
  market.network.lines.forEach((l, i) => s.flowsKw[i]!.forEach((f) => (n += Math.abs(f) > l.limitKw + 1e-6 ? 1 : 0)));
  return n;
}

export function compareTables(names: readonly Name[], sweepRhos: readonly number[]): { markdown: string; json: Record<string, unknown> } {
  const runs = {} as Record<Name, Run>;
  for (const name of names) {
    const market = loadCase(name);
    runs[name] = {
      market,
      central: { unconstrained: solveCentralized(market, { constrained: false }), constrained: solveCentralized(market, { constrained: true }) },
      admm: { unconstrained: runAdmm(market, { constrained: false }), constrained: runAdmm(market, { constrained: true }) },
    };
  }
  const scenarios: Scenario[] = ['unconstrained', 'constrained'];
  const label = (s: Scenario) => (s === 'constrained' ? 'with network' : 'no network');
  const out: string[] = [];
  const json: Record<string, unknown> = {};

  // Table 6.4
  const t64 = names.flatMap((name) =>
    scenarios.map((sc) => {
      const a = runs[name].admm[sc];
      const th = THESIS.admm[name][sc];
      return { system: name, scenario: sc, thesis: th, ours: { iterations: a.admm!.iterations, timeS: a.solveTimeMs / 1000, status: a.admm!.status } };
    }),
  );
  json.table6_4 = t64;
  out.push('## Table 6.4 — ADMM convergence (ρ = 0.1, ε_abs = 1e-4, ε_rel = 1e-3, K_max = 500)\n');
  out.push(
    table(
      ['system', 'scenario', 'thesis iterations', 'ours', 'thesis time', 'ours', 'ours status'],
      t64.map((r) => [r.system, label(r.scenario), r.thesis.iterations, r.ours.iterations, `${r.thesis.timeS} s`, `${r.ours.timeS.toFixed(3)} s`, r.ours.status]),
    ),
  );

  // Table 6.5
  if (runs.ieee14) {
    const r = runs.ieee14;
    const t65 = scenarios.map((sc) => {
      const c = welfareOf(r.central[sc]);
      const a = welfareOf(r.admm[sc]);
      // The gap is taken on what the solvers maximize: welfare with the storage penalty.
      const gap = c.withStoragePenaltyUsd - a.withStoragePenaltyUsd;
      return {
        scenario: sc,
        thesis: { ...THESIS.gap[sc], central: THESIS.performance.ieee14.centralized[sc].welfare, admm: THESIS.performance.ieee14.admm[sc].welfare },
        ours: { central: c, admm: a, absolute: gap, percent: (gap / c.withStoragePenaltyUsd) * 100 },
      };
    });
    json.table6_5 = t65;
    out.push('\n## Table 6.5 — welfare and gap, IEEE 14-bus (ours at the committed schedule: (3-20), and with the storage penalty; the gap with it)\n');
    out.push(
      table(
        ['case', 'thesis central', 'ours (3-20)', 'ours + penalty', 'thesis ADMM', 'ours z (3-20)', 'ours z + penalty', 'thesis gap', 'ours', 'thesis gap %', 'ours'],
        t65.map((x) => [
          label(x.scenario),
          fmt.usd(x.thesis.central),
          fmt.usd(x.ours.central.thesisUsd, 4),
          fmt.usd(x.ours.central.withStoragePenaltyUsd, 4),
          fmt.usd(x.thesis.admm),
          fmt.usd(x.ours.admm.thesisUsd, 4),
          fmt.usd(x.ours.admm.withStoragePenaltyUsd, 4),
          x.thesis.absolute.toFixed(3),
          x.ours.absolute.toFixed(4),
          `${x.thesis.percent}%`,
          `${x.ours.percent.toFixed(4)}%`,
        ]),
      ),
    );
  }

  // Table 6.6
  const t66 = names.flatMap((name) =>
    (['centralized', 'admm'] as const).flatMap((method) =>
      scenarios.map((sc) => {
        const s = method === 'centralized' ? runs[name].central[sc] : runs[name].admm[sc];
        const th = THESIS.performance[name][method][sc];
        return {
          system: name,
          method,
          scenario: sc,
          thesis: th,
          ours: { welfare: welfareOf(s), timeS: s.solveTimeMs / 1000, iterations: s.admm?.iterations ?? null, maxUtil: maxLineUtilization(runs[name].market, s.flowsKw).utilization },
        };
      }),
    ),
  );
  json.table6_6 = t66;
  out.push('\n## Table 6.6 — performance across systems\n');
  out.push(
    table(
      ['system', 'method', 'network', 'thesis welfare', 'ours (3-20)', 'ours + penalty', 'thesis time', 'ours', 'ours iter.', 'thesis max util.', 'ours'],
      t66.map((r) => [r.system, r.method === 'admm' ? 'ADMM (z)' : 'centralized', label(r.scenario), fmt.usd(r.thesis.welfare), fmt.usd(r.ours.welfare.thesisUsd, 3), fmt.usd(r.ours.welfare.withStoragePenaltyUsd, 3), `${r.thesis.timeS} s`, `${r.ours.timeS.toFixed(3)} s`, r.ours.iterations ?? '—', fmt.pct(r.thesis.maxUtil), fmt.pct(r.ours.maxUtil)]),
    ),
  );

  // Table 6.7
  if (runs.ieee14) {
    const r = runs.ieee14;
    const rows: [string, ClearingSolution, (typeof THESIS.utilization)[keyof typeof THESIS.utilization]][] = [
      ['unconstrained (centralized)', r.central.unconstrained, THESIS.utilization.unconstrainedCentralized],
      ['unconstrained (ADMM)', r.admm.unconstrained, THESIS.utilization.unconstrainedAdmm],
      ['constrained (ADMM z)', r.admm.constrained, THESIS.utilization.constrainedAdmm],
    ];
    const t67 = rows.map(([name, s, th]) => {
      const u = maxLineUtilization(r.market, s.flowsKw);
      const line = r.market.network.lines[u.line];
      return { scenario: name, thesis: th, ours: { max: u.utilization, line: line ? `${line.from}-${line.to}` : '', linesAbove80: linesAbove(r.market, s, 0.8), totalLines: r.market.network.lines.length, violations: violations(r.market, s) } };
    });
    json.table6_7 = t67;
    out.push('\n## Table 6.7 — network utilization, IEEE 14-bus\n');
    out.push(
      table(
        ['scenario', 'thesis max', 'ours (line)', 'thesis lines > 80%', 'ours', 'lines', 'ours violations (line-hours)'],
        t67.map((x) => [x.scenario, fmt.pct(x.thesis.max), `${fmt.pct(x.ours.max)} (${x.ours.line})`, x.thesis.linesAbove80, x.ours.linesAbove80, x.ours.totalLines, x.ours.violations]),
      ),
    );
  }

  // Table 6.9
  if (runs.ieee14) {
    const r = runs.ieee14;
    const phases: [string, number, number][] = [
      ['centralized (no network)', THESIS.time.centralizedUnconstrained, r.central.unconstrained.solveTimeMs / 1000],
      ['centralized (with network)', THESIS.time.centralizedConstrained, r.central.constrained.solveTimeMs / 1000],
      ['distributed ADMM (no network)', THESIS.time.admmUnconstrained, r.admm.unconstrained.solveTimeMs / 1000],
      ['distributed ADMM (with network)', THESIS.time.admmConstrained, r.admm.constrained.solveTimeMs / 1000],
    ];
    const [, thU, ourU] = phases[0]!;
    const [, thC, ourC] = phases[1]!;
    const t69 = phases.map(([phase, th, ours]) => ({ phase, thesis: { timeS: th, vsUnconstrained: th / thU, vsConstrained: th / thC }, ours: { timeS: ours, vsUnconstrained: ours / ourU, vsConstrained: ours / ourC } }));
    json.table6_9 = t69;
    out.push('\n## Table 6.9 — computation time, IEEE 14-bus (one run each; `pnpm bench` for medians)\n');
    out.push(
      table(
        ['phase', 'thesis time', 'ours', 'thesis ÷ central (no net.)', 'ours', 'thesis ÷ central (net.)', 'ours'],
        t69.map((x) => [x.phase, `${x.thesis.timeS} s`, `${x.ours.timeS.toFixed(3)} s`, `${x.thesis.vsUnconstrained.toFixed(1)}×`, `${x.ours.vsUnconstrained.toFixed(1)}×`, `${x.thesis.vsConstrained.toFixed(1)}×`, `${x.ours.vsConstrained.toFixed(1)}×`]),
      ),
    );
  }

  // ρ sweep (§6.5)
  if (runs.ieee14 && sweepRhos.length > 0) {
    const r = runs.ieee14;
    const central = r.central.constrained.welfareUsd;
    const sweep = sweepRhos.map((rho) => {
      const a = runAdmm(r.market, { constrained: true, rho });
      const k = a.admm!.iterations - 1;
      return { rho, iterations: a.admm!.iterations, status: a.admm!.status, gapPercent: ((central - a.welfareUsd) / central) * 100, primal: a.admm!.primalResidual[k]!, dual: a.admm!.dualResidual[k]!, timeS: a.solveTimeMs / 1000 };
    });
    json.rhoSweep = sweep;
    out.push('\n## §6.5 — ρ sweep, IEEE 14-bus with network (the thesis: all converge, gap < 0.02%)\n');
    out.push(
      table(
        ['ρ', 'iterations', 'status', 'welfare gap (z, with penalty)', 'final r_pri', 'final r_dual', 'time'],
        sweep.map((x) => [x.rho, x.iterations, x.status, `${x.gapPercent.toFixed(4)}%`, x.primal.toExponential(2), x.dual.toExponential(2), `${x.timeS.toFixed(3)} s`]),
      ),
    );
  }
  return { markdown: `${out.join('\n')}\n`, json };
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description("the thesis's Tables 6.4, 6.5, 6.6, 6.7, 6.9 and the ρ sweep of §6.5 side by side with this implementation")
    .option('--case <names>', `comma-separated built-in cases (${CASES.join(', ')})`, CASES.join(','))
    .option('--no-sweep', 'skip the ρ sweep')
    .option('--json', 'print JSON instead of tables')
    .action((opts: { case: string; sweep: boolean; json?: boolean }) => {
      const names = parseCases(opts.case);
      const { markdown, json } = compareTables(names, opts.sweep ? THESIS.rhoSweep : []);
      process.stdout.write(opts.json ? `${JSON.stringify(json, null, 2)}\n` : markdown);
    });
}

/** The --case list: built-in names only (the thesis's tables exist for them alone), each once. */
function parseCases(list: string): Name[] {
  const names = list.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(CASES as readonly string[]).includes(n)) throw new UsageError(`--case: "${n}" is not a case the thesis reports (${CASES.join(', ')})`);
  }
  return [...new Set(names)] as Name[];
}
