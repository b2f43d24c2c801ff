// gridmarket proof / audit / dispute: what participants, auditors and challengers do with an epoch.
import type { Command } from 'commander';
import { auditEpoch, disputeHour, findViolations, loadEpochData, participantProof } from '@gridmarket/oracle';
import { loadConfig } from '../config';
import { toJson, UsageError } from '../io';
import { chainFlags, chainOptions, connect } from './chain';

const intArg = (name: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a non-negative integer, got "${v}"`);
  return n;
};

function withChain(cmd: Command): Command {
  for (const [flag, help] of chainOptions) cmd.option(flag, help);
  return cmd;
}

export function registerParticipant(program: Command): void {
  withChain(
    program
      .command('proof')
      .description("a participant's schedule and trade leaves of an epoch with their Merkle proofs, as JSON, checkable against the on-chain roots")
      .requiredOption('--epoch <id>', 'epoch id')
      .requiredOption('--agent <id>', 'on-chain agent id'),
  ).action(async (opts) => {
    const { ctx, store } = await connect(loadConfig(chainFlags(opts)));
    const proof = await participantProof(ctx, store, intArg('--epoch', opts.epoch), intArg('--agent', opts.agent));
    process.stdout.write(`${JSON.stringify(proof, null, 2)}\n`);
  });

  withChain(
    program
      .command('audit')
      .description('fetch the document of an epoch, recompute its roots and compare with the chain, recheck balance and line flows, and compare settlement with the meter readings on chain')
      .requiredOption('--epoch <id>', 'epoch id')
      .option('--json', 'print the report as JSON'),
  )
    .addHelpText('after', '\nExit codes: 0 the epoch checks out, 4 the audit found a problem (listed), 2 bad input.')
    .action(async (opts) => {
      const { ctx, store } = await connect(loadConfig(chainFlags(opts)));
      const r = await auditEpoch(ctx, store, intArg('--epoch', opts.epoch));
      if (opts.json) process.stdout.write(`${toJson(r)}\n`);
      else {
        const lines = [
          `epoch ${r.epochId}${r.voided ? ' (voided)' : ''}`,
          `document ${r.document.uri}: hash matches the chain`,
          `schedule root ${r.roots.schedule.recomputed === r.roots.schedule.chain ? 'matches' : `DIFFERS (chain ${r.roots.schedule.chain}, document ${r.roots.schedule.recomputed})`}`,
          `trade root ${r.roots.trades.recomputed === r.roots.trades.chain ? 'matches' : `DIFFERS (chain ${r.roots.trades.chain}, document ${r.roots.trades.recomputed})`}`,
          r.violations.length === 0
            ? 'balance and line limits hold in every hour'
            : `infeasible hours: ${r.violations.map((v) => `hour ${v.hour} ${v.kind} ${v.amountWh} Wh${v.line !== undefined ? ` on line ${v.line + 1}` : ''}`).join('; ')}`,
          r.conservation ? `energy does not add up: ${r.conservation}` : 'every agent’s trades add up to its schedule',
          `trades: ${r.settlement.settled} settled, ${r.settlement.rejected} rejected, ${r.settlement.open} open; ${r.settlement.disagreements.length} disagree with the meter readings on chain`,
          ...r.settlement.disagreements.slice(0, 20).map((d) => `  trade ${d.tradeIndex}: ${d.status}, readings say ${d.expected} (${d.reason})`),
          r.ok ? 'audit passed' : 'audit FAILED',
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (!r.ok) process.exitCode = 4;
    });

  withChain(
    program
      .command('dispute')
      .description("prove on chain that an hour of an epoch breaks power balance or a line limit (voids the epoch; the challenger gets the oracle's bond)")
      .requiredOption('--epoch <id>', 'epoch id')
      .option('--hour <h>', 'the hour to prove (default: the first infeasible hour)')
      .option('--operator-key <key>', 'key of the challenger (env GRIDMARKET_OPERATOR_KEY)'),
  ).action(async (opts) => {
    const config = loadConfig({ ...chainFlags(opts), operatorKey: opts.operatorKey });
    const { ctx, store } = await connect(config);
    const epochId = intArg('--epoch', opts.epoch);
    const { onchain, epoch } = await loadEpochData(ctx, store, epochId);
    if (epoch.voided) throw new UsageError(`epoch ${epochId} is already voided`);
    const violations = await findViolations(ctx, onchain, epoch.networkId);
    const hour = opts.hour === undefined ? violations[0]?.hour : intArg('--hour', opts.hour);
    const v = violations.find((x) => x.hour === hour);
    if (hour === undefined || !v) {
      throw new UsageError(hour === undefined ? `every hour of epoch ${epochId} is feasible: nothing to dispute` : `hour ${hour} of epoch ${epochId} is feasible: nothing to dispute`);
    }
    await disputeHour(ctx, onchain, v.hour);
    process.stdout.write(`epoch ${epochId} voided: hour ${v.hour} ${v.kind} (${v.amountWh} Wh${v.line !== undefined ? ` on line ${v.line + 1}` : ''})\n`);
  });
}
