// gridmarket network: the network of a case as power engineers check it (buses, lines, limits,
// slack, what an import did, bus-level PTDF with rows = lines in input order and columns = buses).
import type { Command } from 'commander';
import { loadCase } from '@gridmarket/clearing/case';
import { parallelLines } from '@gridmarket/grid';
import { table } from '../io';

/** Above this many buses the PTDF table is too wide for a terminal; --json still prints it. */
const PTDF_TABLE_MAX_BUSES = 40;

export function registerNetwork(program: Command): void {
  program
    .command('network')
    .description('print the network of a case: buses, lines, limits, slack bus, import notes and the bus-level PTDF')
    .requiredOption('--case <name|path>', 'built-in case (ieee14, ieee33), a case file, or a MATPOWER case file (.m)')
    .option('--json', 'print JSON instead of tables')
    .addHelpText(
      'after',
      '\nPTDF[l][b] is the flow on line l (positive from → to) per kW injected at bus b and withdrawn at the slack bus.',
    )
    .action((opts: { case: string; json?: boolean }) => {
      const { network } = loadCase(opts.case);
      const nb = network.buses.length;
      const ptdf = network.lines.map((_, l) => Array.from(network.ptdf.subarray(l * nb, (l + 1) * nb)));
      const parallel = parallelLines(network.lines);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(
            {
              name: network.name,
              slack: network.slack,
              buses: network.buses,
              lines: network.lines.map((l) => ({ from: l.from, to: l.to, r: l.r, x: l.x, tap: l.tap, shiftDeg: l.shiftDeg, limitKw: Number.isFinite(l.limitKw) ? l.limitKw : null })),
              parallelLines: { meaning: 'groups of line indices (0-based rows of ptdf) joining the same two buses', groups: parallel },
              notes: network.notes,
              ptdf: { rows: 'lines in input order', columns: 'buses in ascending order', flowSign: 'positive from → to', values: ptdf },
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      const tapped = network.lines.filter((l) => l.tap !== 1).length;
      const extras = [parallel.length ? `${parallel.length} parallel pair${parallel.length > 1 ? 's' : ''}` : '', tapped ? `${tapped} off-nominal tap${tapped > 1 ? 's' : ''}` : ''].filter(Boolean);
      process.stdout.write(`${network.name}: ${nb} buses, ${network.lines.length} lines${extras.length ? ` (${extras.join(', ')})` : ''}, slack bus ${network.slack}\n`);
      for (const n of network.notes) process.stdout.write(`${n.severity === 'warning' ? 'warning' : 'note'}: ${n.message}\n`);
      // Per line: its tap, phase shift and parallel partners (1-based line numbers, as in the table).
      const remarks = network.lines.map((l, i) => {
        const partners = parallel.find((g) => g.includes(i))?.filter((j) => j !== i) ?? [];
        return [l.tap !== 1 ? `tap ${l.tap}` : '', l.shiftDeg !== 0 ? `shift ${l.shiftDeg}°` : '', partners.length ? `parallel to ${partners.map((j) => j + 1).join(', ')}` : ''].filter(Boolean).join('; ');
      });
      const withRemarks = remarks.some(Boolean);
      process.stdout.write(
        `\n${table(
          ['line', 'from', 'to', 'r (p.u.)', 'x (p.u.)', 'limit (kW)', ...(withRemarks ? ['remarks'] : [])],
          network.lines.map((l, i) => [i + 1, l.from, l.to, l.r, l.x, Number.isFinite(l.limitKw) ? l.limitKw : 'unlimited', ...(withRemarks ? [remarks[i]!] : [])]),
        )}\n\n`,
      );
      if (nb > PTDF_TABLE_MAX_BUSES) {
        process.stdout.write(`PTDF: ${network.lines.length} lines × ${nb} buses, too wide to print as a table; --json prints it\n`);
        return;
      }
      process.stdout.write(
        `PTDF (rows: lines, columns: buses)\n\n${table(
          ['line', ...network.buses.map(String)],
          ptdf.map((row, l) => [`${network.lines[l]!.from}-${network.lines[l]!.to}`, ...row.map((v) => (v === 0 ? '0' : v.toFixed(3)))]),
        )}\n`,
      );
    });
}
