// gridmarket network: the network of a case as power engineers check it (buses, lines, limits,
// slack, bus-level PTDF with rows = lines in input order and columns = buses).
import type { Command } from 'commander';
import { loadCase } from '@gridmarket/clearing';
import { table } from '../io';

export function registerNetwork(program: Command): void {
  program
    .command('network')
    .description('print the network of a case: buses, lines, limits, slack bus and the bus-level PTDF')
    .requiredOption('--case <name|path>', 'built-in case (ieee14, ieee33) or a case file')
    .option('--json', 'print JSON instead of tables')
    .addHelpText(
      'after',
      '\nPTDF[l][b] is the flow on line l (positive from → to) per kW injected at bus b and withdrawn at the slack bus.',
    )
    .action((opts: { case: string; json?: boolean }) => {
      const { network } = loadCase(opts.case);
      const nb = network.buses.length;
      const ptdf = network.lines.map((_, l) => Array.from(network.ptdf.subarray(l * nb, (l + 1) * nb)));
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(
            {
              name: network.name,
              slack: network.slack,
              buses: network.buses,
              lines: network.lines.map((l) => ({ from: l.from, to: l.to, r: l.r, x: l.x, limitKw: Number.isFinite(l.limitKw) ? l.limitKw : null })),
              ptdf: { rows: 'lines in input order', columns: 'buses in ascending order', flowSign: 'positive from → to', values: ptdf },
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      process.stdout.write(`${network.name}: ${nb} buses, ${network.lines.length} lines, slack bus ${network.slack}\n\n`);
      process.stdout.write(
        `${table(
          ['line', 'from', 'to', 'r (p.u.)', 'x (p.u.)', 'limit (kW)'],
          network.lines.map((l, i) => [i + 1, l.from, l.to, l.r, l.x, Number.isFinite(l.limitKw) ? l.limitKw : 'unlimited']),
        )}\n\nPTDF (rows: lines, columns: buses)\n\n`,
      );
      process.stdout.write(
        `${table(
          ['line', ...network.buses.map(String)],
          ptdf.map((row, l) => [`${network.lines[l]!.from}-${network.lines[l]!.to}`, ...row.map((v) => (v === 0 ? '0' : v.toFixed(3)))]),
        )}\n`,
      );
    });
}
