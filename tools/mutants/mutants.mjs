#!/usr/bin/env node
// Mutation testing of the settlement, check and dispute rules: applies one one-line mutant at a
// time to the contracts, runs the Foundry tests (unit, fuzz and invariant suites, default profile),
// and reports each mutant as caught (some test failed) or survived, with the tests that caught it.
// The table goes to stdout and to snapshots/mutants.md. Not part of `pnpm test` (about a minute
// or two per mutant): run it with `pnpm test:mutants`.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Each mutant replaces one exact line fragment (it must occur once in the file). */
const MUTANTS = [
  { id: 'tolerance-1', file: 'contracts/libraries/Positions.sol', what: 'tolerance band one Wh narrower', from: 'outside := sgt(absD, tol)', to: 'outside := iszero(slt(absD, tol))' },
  { id: 'tolerance+1', file: 'contracts/libraries/Positions.sol', what: 'tolerance band one Wh wider', from: 'outside := sgt(absD, tol)', to: 'outside := sgt(absD, add(tol, 1))' },
  { id: 'deviating-buyer-not-charged', file: 'contracts/libraries/Positions.sol', what: 'a consumer outside the tolerance escapes its imbalance charge', from: 'if iszero(and(flags, 3)) {', to: 'if and(iszero(and(flags, 3)), sgt(s, 0)) {' },
  { id: 'consumer-credited', file: 'contracts/libraries/Positions.sol', what: 'a consumer is credited as a seller instead of locked', from: '                        word := p\n', to: '                        word := add(p, 32)\n' },
  { id: 'credit-rounds-up', file: 'contracts/libraries/Positions.sol', what: 'credits rounded up instead of down', from: 'p.credit /= WH_PER_KWH;', to: 'p.credit = _ceil(p.credit);' },
  { id: 'lock-rounds-down', file: 'contracts/libraries/Positions.sol', what: 'locks rounded down instead of up', from: 'p.lock = _ceil(p.lock);', to: 'p.lock = p.lock / WH_PER_KWH;' },
  { id: 'thesis-failed-seller-paid', file: 'contracts/libraries/Positions.sol', what: 'thesis mode: a supplier outside the tolerance is still paid', from: 'if and(and(flags, 1), and(sgt(s, 0), iszero(and(flags, 2)))) {', to: 'if 0 {' },
  { id: 'surplus-uncapped', file: 'contracts/libraries/Positions.sol', what: 'surplus credit not capped at the scheduled energy', from: 'if gt(extra, magnitude) { extra := magnitude }', to: '' },
  { id: 'metered-tolerance-1', file: 'contracts/libraries/Positions.sol', what: 'metered path: tolerance band one Wh narrower', from: 'gt(add(d, tol), add(tol, tol))) {', to: 'iszero(lt(add(d, tol), add(tol, tol)))) {' },
  { id: 'metered-tolerance+1', file: 'contracts/libraries/Positions.sol', what: 'metered path: tolerance band one Wh wider', from: 'gt(add(d, tol), add(tol, tol))) {', to: 'gt(add(d, tol), add(add(tol, tol), 1))) {' },
  { id: 'metered-shortfall-free', file: 'contracts/libraries/Positions.sol', what: 'metered path: a shortfall beyond the tolerance is not charged', from: 'sub(sub(0, d), tol),', to: '0,' },
  { id: 'metered-consumer-credited', file: 'contracts/libraries/Positions.sol', what: "metered path: a consumer's purchases are credited too", from: 'mstore(add(p, 32), sub(net, neg))', to: 'mstore(add(p, 32), sub(net, add(neg, neg)))' },
  { id: 'metered-surplus-uncapped', file: 'contracts/libraries/Positions.sol', what: 'metered path: surplus credit not capped at the scheduled energy', from: 'if gt(d, sub(xor(s, sar(255, s)), sar(255, s))) {', to: 'if 0 {' },
  { id: 'metered-missing-check-dropped', file: 'contracts/libraries/Positions.sol', what: 'metered path: a missing hour is tested only against the tolerance band', from: 'if or(eq(add(d, s), not(0x7fffffff)), gt(add(d, tol), add(tol, tol))) {', to: 'if gt(add(d, tol), add(tol, tol)) {' },
  { id: 'metered-missing-hour-passes', file: 'contracts/libraries/Positions.sol', what: 'metered path: an hour without a measurement is not marked failed', from: 'failed := or(failed, shl(t, 1))', to: 'failed := or(failed, shl(t, iszero(eq(add(d, s), not(0x7fffffff)))))' },
  { id: 'settled-bit-not-set', file: 'contracts/Settlement.sol', what: 'the settled bit is never set', from: '            word |= bit;\n', to: '\n' },
  { id: 'voided-settles', file: 'contracts/Settlement.sol', what: 'a voided epoch settles like a live one', from: 'if (e.voided) _refund(', to: 'if (e.voided && false) _refund(' },
  { id: 'forfeit-stays-in-pot', file: 'contracts/Settlement.sol', what: 'forfeits are paid without leaving the pot', from: 'b.potOut += p.credit + p.forfeit;', to: 'b.potOut += p.credit;' },
  { id: 'charge-not-to-grid', file: 'contracts/Settlement.sol', what: 'an imbalance charge is taken but not paid to the grid agent', from: 'b.gridAccount.available + p.forfeit + collected', to: 'b.gridAccount.available + p.forfeit' },
  { id: 'reading-not-checked', file: 'contracts/Settlement.sol', what: 'a revealed reading is not checked against the commitment', from: 'if (hasReading && _readingCommitment(', to: 'if (false && _readingCommitment(' },
  { id: 'withdraw-locked', file: 'contracts/Settlement.sol', what: 'locked escrow counts as available for withdrawal', from: '        uint256 available = a.available;\n        if (amount > available)', to: '        uint256 available = a.available + a.locked;\n        if (amount > available)' },
  { id: 'withdraw-pays-extra', file: 'contracts/Settlement.sol', what: 'a withdrawal sends one unit more than it debits', from: '_token.safeTransfer(to, amount);', to: '_token.safeTransfer(to, amount + 1);' },
  { id: 'half-reserve', file: 'contracts/Settlement.sol', what: "half the grid's reserve is recorded for the epoch", from: 'book.reserve = SafeCast.toUint128(reserve);', to: 'book.reserve = SafeCast.toUint128(reserve / 2);' },
  { id: 'pot-kept-at-close', file: 'contracts/Settlement.sol', what: 'the pot keeps its dust after paying it out at close', from: '        book.pot = 0;\n', to: '\n' },
  { id: 'window-challenge-only', file: 'contracts/Settlement.sol', what: 'settlement opens after the challenge window only', from: 'uint64 opensAfter = e.readingsCloseAt > e.challengeEndsAt ? e.readingsCloseAt : e.challengeEndsAt;', to: 'uint64 opensAfter = e.challengeEndsAt;' },
  { id: 'negative-imbalance-accepted', file: 'contracts/ClearingLedger.sol', what: 'an hour with more supply than demand posts', from: 'if (sum != 0) revert UnbalancedHour(t, sum);', to: 'if (sum < 0) revert UnbalancedHour(t, sum);' },
  { id: 'bond-to-oracle', file: 'contracts/ClearingLedger.sol', what: "the challenger's reward goes to the oracle", from: 'if (reward != 0) Address.sendValue(payable(msg.sender), reward);', to: 'if (reward != 0) Address.sendValue(payable(e.oracle), reward);' },
  { id: 'oracle-rewarded', file: 'contracts/ClearingLedger.sol', what: 'the oracle is rewarded for disputing itself', from: 'committedAt < block.number && msg.sender != e.oracle;', to: 'committedAt < block.number;' },
  { id: 'same-block-commitment', file: 'contracts/ClearingLedger.sol', what: 'a commitment in the same block earns the reward (front-running)', from: 'committedAt != 0 && committedAt < block.number &&', to: 'committedAt != 0 &&' },
  { id: 'trade-full-supply-disputed', file: 'contracts/ClearingLedger.sol', what: "a trade of the seller's whole supply counts as a violation", from: 'if (seller.energyWh[trade.hour] < energy)', to: 'if (seller.energyWh[trade.hour] <= energy)' },
  { id: 'overload-one-direction', file: 'contracts/ClearingLedger.sol', what: 'only positive flows are checked against the limit', from: 'if (flow > bound || flow < -bound) {\n                int256 half', to: 'if (flow > bound) {\n                int256 half' },
  { id: 'clear-keeps-reading', file: 'contracts/MeterReadings.sol', what: "clearing does not remove the thief's reading", from: '        delete _commitments[epochId][agentId];\n', to: '\n' },
  { id: 'clear-any-key', file: 'contracts/MeterReadings.sol', what: 'the registrar clears readings of a key that is not retired', from: 'if (!registry.isRetiredMeter(meter)) revert MeterKeyNotRetired(meter);', to: '' },
  { id: 'agent-id-wraps', file: 'contracts/ParticipantRegistry.sol', what: 'the 65,536th agent is accepted', from: 'if (_agents.length >= MAX_AGENTS)', to: 'if (_agents.length > MAX_AGENTS)' },
];

const args = process.argv.slice(2);
// --check: only verify that every mutant still applies to the current sources.
const checkOnly = args.includes('--check');
const only = args.filter((a) => a !== '--check');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const foundry = path.join(root, 'packages', 'contracts', 'scripts', 'foundry.ts');
const rows = [];
let current;
let child;
const restore = () => {
  if (current) writeFileSync(current.path, current.text);
  current = undefined;
};
// The tests run asynchronously so that Ctrl-C (or a kill) can stop them and put the file back.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    child?.kill('SIGTERM');
    restore();
    process.exit(130);
  });
}

function run(cmd, args) {
  return new Promise((resolve) => {
    let out = '';
    child = spawn(cmd, args, { cwd: root });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (status) => {
      child = undefined;
      resolve({ status, out });
    });
  });
}

const dirty = spawnSync('git', ['status', '--porcelain', '--', 'contracts'], { cwd: root, encoding: 'utf8' }).stdout.trim();
if (dirty && !checkOnly) {
  console.error(`contracts/ has uncommitted changes; commit or stash them first (mutants are applied to the files in place):\n${dirty}`);
  process.exit(2);
}

for (const m of MUTANTS) {
  if (only.length && !only.includes(m.id)) continue;
  const file = path.join(root, m.file);
  const text = readFileSync(file, 'utf8');
  const count = text.split(m.from).length - 1;
  if (count !== 1) {
    console.error(`mutant ${m.id}: the fragment occurs ${count} times in ${m.file}; the mutant list is out of date`);
    process.exit(1);
  }
  if (checkOnly) continue;
  current = { path: file, text };
  writeFileSync(file, text.replace(m.from, m.to));
  const t0 = Date.now();
  process.stderr.write(`mutant ${m.id} (${m.what})… `);
  try {
    const { status, out } = await run(tsx, [foundry, 'forge', 'test', '--no-match-test', 'invariant_callSummary']);
    // A failure's reason may hold brackets itself: take the first "] name(" after "[FAIL". A failed
    // invariant prints its name on a later line, "  invariant_x() (runs: …)", without "[PASS]".
    const failed = [...out.matchAll(/^\[FAIL.*?\] (\w+)\(/gm), ...out.matchAll(/^\s+(invariant_\w+)\(\) \(runs:/gm)].map((x) => x[1]);
    const compileError = /Compiler run failed|Error \(\d+\)/.test(out) && failed.length === 0;
    const caught = status !== 0 && !compileError;
    const unique = [...new Set(failed)];
    rows.push({ ...m, caught, compileError, failed: unique, seconds: Math.round((Date.now() - t0) / 1000) });
    const verdict = compileError ? 'does not compile' : !caught ? 'SURVIVED' : unique.length ? `caught by ${unique.length} tests` : 'forge failed without naming a test: read its output';
    process.stderr.write(`${verdict} (${Math.round((Date.now() - t0) / 1000)} s)\n`);
  } finally {
    restore();
  }
}

if (checkOnly) {
  console.log(`${MUTANTS.length} mutants apply to the current sources`);
  process.exit(0);
}

const invariants = (r) => r.failed.filter((t) => t.startsWith('invariant_'));
const table = [
  '| mutant | file | change | result | invariants that failed | other tests that failed |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => {
    const inv = invariants(r);
    const other = r.failed.filter((t) => !t.startsWith('invariant_'));
    const shown = other.slice(0, 3).join(', ') + (other.length > 3 ? ` and ${other.length - 3} more` : '');
    return `| ${r.id} | ${r.file.replace('contracts/', '')} | ${r.what} | ${r.compileError ? 'does not compile' : r.caught ? 'caught' : '**survived**'} | ${inv.join(', ') || '–'} | ${shown || '–'} |`;
  }),
];
const caught = rows.filter((r) => r.caught).length;
const allInvariants = [...new Set(rows.flatMap(invariants))].sort();
const report = `# Mutation testing of the contracts\n\n${caught} of ${rows.length} one-line mutants caught. Invariants shown able to fail: ${allInvariants.length} (${allInvariants.join(', ')}).\n\n${table.join('\n')}\n`;
process.stdout.write(report);
if (!only.length) writeFileSync(path.join(root, 'snapshots', 'mutants.md'), report);
process.exit(caught === rows.length ? 0 : 1);
