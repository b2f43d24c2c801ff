// gridmarket proof / audit / dispute: what participants, auditors and challengers do with an epoch.
import type { Command } from 'commander';
import { auditEpoch, describeViolation, dispute, findViolations, loadEpochData, participantProof } from '@gridmarket/oracle';
import { loadConfig } from '../config';
import { toJson, UsageError } from '../io';
import { chainFlags, connect, withChain } from './chain';

const intArg = (name: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a non-negative integer, got "${v}"`);
  return n;
};

export function registerParticipant(program: Command): void {
  withChain(
    program
      .command('proof')
      .description("a participant's schedule row and trades of an epoch with their Merkle proofs, as JSON, checkable against the on-chain roots")
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
      .description('fetch the document of an epoch, recompute its roots, tariff and locks and compare with the chain, recheck line flows and trades, and recompute every settled position from the meter readings on chain')
      .requiredOption('--epoch <id>', 'epoch id')
      .option('--json', 'print the report as JSON'),
  )
    .addHelpText('after', '\nExit codes: 0 the epoch checks out, 4 the audit found a problem (listed), 2 bad input.')
    .action(async (opts) => {
      const { ctx, store } = await connect(loadConfig(chainFlags(opts)));
      const r = await auditEpoch(ctx, store, intArg('--epoch', opts.epoch));
      if (opts.json) process.stdout.write(`${toJson(r)}\n`);
      else {
        const same = (a: string, b: string, what: string) => (a === b ? `${what} matches` : `${what} DIFFERS (chain ${b}, document ${a})`);
        const lines = [
          `epoch ${r.epochId}${r.voided ? ' (voided)' : ''}`,
          `document ${r.document.uri}: hash matches the chain`,
          same(r.roots.schedule.recomputed, r.roots.schedule.chain, 'schedule root'),
          same(r.roots.trades.recomputed, r.roots.trades.chain, 'trade root'),
          same(r.roots.tariff.recomputed, r.roots.tariff.chain, 'tariff hash'),
          r.commitments.match ? 'locks, supply value and reserve match the chain' : `locks, supply value or reserve DIFFER from the chain (recomputed ${r.commitments.lockedValue} / ${r.commitments.supplyValue} / ${r.commitments.reserve})`,
          r.violations.length === 0 ? 'every line limit holds in every hour and every trade is justified' : `violations: ${r.violations.map(describeViolation).join('; ')}`,
          r.conservation ? `energy does not add up: ${r.conservation}` : 'every hour balances and every agent’s trades add up to its schedule',
          `positions: ${r.settlement.settled} settled, ${r.settlement.refunded} refunded of ${r.settlement.agents}; ${r.settlement.disagreements.length} differ from the settlement rule applied to the readings on chain`,
          ...r.settlement.disagreements.slice(0, 20).map((d) => `  agent ${d.agentId} ${d.field}: paid ${d.paid}, the rule gives ${d.expected}`),
          r.ok ? 'audit passed' : 'audit FAILED',
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (!r.ok) process.exitCode = 4;
    });

  withChain(
    program
      .command('dispute')
      .description("prove on chain that an epoch overloads a line in some hour, or holds a trade its schedule and prices do not justify (voids the epoch; a challenger that committed first gets its share of the oracle's bond)")
      .requiredOption('--epoch <id>', 'epoch id')
      .option('--hour <h>', 'the overloaded hour to prove (default: the first violation found)')
      .option('--operator-key <key>', 'key of the challenger (env GRIDMARKET_OPERATOR_KEY)'),
  ).action(async (opts) => {
    const config = loadConfig({ ...chainFlags(opts), operatorKey: opts.operatorKey });
    const { ctx, store } = await connect(config);
    const epochId = intArg('--epoch', opts.epoch);
    const { onchain, epoch } = await loadEpochData(ctx, store, epochId);
    if (epoch.voided) throw new UsageError(`epoch ${epochId} is already voided`);
    const hour = opts.hour === undefined ? undefined : intArg('--hour', opts.hour);
    if (hour !== undefined && hour > 23) throw new UsageError(`--hour must be 0–23, got ${hour}`);
    const violations = await findViolations(ctx, onchain, epoch.networkId);
    const v = hour === undefined ? violations[0] : violations.find((x) => x.kind === 'overload' && x.hour === hour);
    if (!v) {
      throw new UsageError(hour === undefined ? `epoch ${epochId} has no line overload and no unjustified trade: nothing to dispute` : `no line is overloaded in hour ${hour} of epoch ${epochId}: nothing to dispute`);
    }
    await dispute(ctx, onchain, v);
    process.stdout.write(`epoch ${epochId} voided: ${describeViolation(v)}\n`);
  });
}
