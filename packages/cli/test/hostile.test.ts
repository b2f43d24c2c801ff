// Hostile input, as a table: every row runs `gridmarket` as a user would, in a directory of its
// own holding only the row's input files, and asserts the exit code, one line on stderr (no stack
// trace), and that nothing was written or left behind (the directory is as it was; the --out
// target, wherever it is, does not exist). Rows of the chain side (RPC, deployments, the web API)
// join the same table: an `area` and the files, environment and arguments they need.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ExitCode } from '../src/exitCodes';

const BIN = fileURLToPath(new URL('../bin/gridmarket.mjs', import.meta.url));
const CASE14 = readFileSync(new URL('../../clearing/cases/ieee14.json', import.meta.url), 'utf8');
const MATPOWER14 = readFileSync(new URL('../../grid/test/fixtures/case14.m', import.meta.url), 'utf8');

type Area = 'command' | 'flag' | 'number' | 'case' | 'matpower' | 'config' | 'output' | 'chain' | 'not cleared';

interface HostileInput {
  area: Area;
  /** What the row tries, as the test's name. */
  name: string;
  /** Arguments; `dir` is the row's own directory (the working directory of the run). */
  args: (dir: string) => string[];
  /** Files to create in the row's directory first (name → contents). */
  files?: Record<string, string>;
  /** Prepares what files cannot say (a directory, a pipe, a path that cannot be written); returns its own undo. */
  setup?: (dir: string) => (() => void) | void;
  env?: Record<string, string>;
  exit: ExitCode;
  /** The one line on stderr. */
  stderr: RegExp;
  /** Paths outside the row's directory that must not exist afterwards (an --out target elsewhere). */
  notCreated?: string[];
}

const flat = (v: number) => Array<number>(24).fill(v);
const withHour = (base: number, hour: number, v: number) => flat(base).map((x, t) => (t === hour ? v : x));
/** Three buses in a row; a 1 kW seller, a 2 kW import cap and a buyer who must take 5 kW in hour 18: hour 18 is 2 kW short. */
const shortHour = JSON.stringify({
  name: 'short-hour',
  network: { lines: [{ from: 1, to: 2, x: 0.1, limitKw: 100 }, { from: 2, to: 3, x: 0.1, limitKw: 100 }] },
  grid: { importCostUsdPerKwh: 0.3, maxImportKw: 2 },
  sellers: [{ id: 'S1', bus: 2, alpha: 0.01, beta: 0.05, xMaxKw: 1 }],
  buyers: [{ id: 'B1', bus: 3, omega: 1, delta: 0.01, yMinKw: withHour(0.5, 18, 5), yMaxKw: withHour(2, 18, 6) }],
});
/** The same day with the buyer's hour-18 minimum lowered: feasible. */
const feasible = shortHour.replace('"short-hour"', '"small"').replace(/"yMinKw":\[[^\]]*\]/, `"yMinKw":${JSON.stringify(flat(0.5))}`);
/** ieee14 with one field changed (the first seller's, the first buyer's, or the case's). */
const case14 = (edit: (c: any) => void) => {
  const c = JSON.parse(CASE14);
  edit(c);
  return JSON.stringify(c);
};
const case14Text = (from: RegExp, to: string) => CASE14.replace(from, to);
const matpower = (from: string, to: string) => {
  assert.ok(MATPOWER14.includes(from), from);
  return MATPOWER14.replace(from, to);
};

/** Makes a directory that this process cannot write into, even as root (immutable); returns the undo. */
function unwritableDir(dir: string): () => void {
  mkdirSync(dir);
  if (process.getuid?.() === 0) {
    const r = spawnSync('chattr', ['+i', dir]);
    assert.equal(r.status, 0, `chattr +i ${dir}: ${r.stderr}`);
    return () => spawnSync('chattr', ['-i', dir]);
  }
  chmodSync(dir, 0o555);
  return () => chmodSync(dir, 0o755);
}

const clear = (dir: string, ...more: string[]) => ['clear', '--quiet', '--case', path.join(dir, 'small.json'), ...more];

export const HOSTILE_INPUTS: HostileInput[] = [
  // Commands and flags.
  { area: 'command', name: 'an unknown command', args: () => ['nosuch'], exit: ExitCode.invalidInput, stderr: /^error: unknown command 'nosuch'$/ },
  { area: 'command', name: 'a misspelt command gets a suggestion', args: () => ['netwrk'], exit: ExitCode.invalidInput, stderr: /^error: unknown command 'netwrk' \(Did you mean network\?\)$/ },
  { area: 'command', name: 'help for an unknown command', args: () => ['help', 'nosuch'], exit: ExitCode.invalidInput, stderr: /^error: unknown command 'nosuch'$/ },
  { area: 'command', name: 'an unknown global flag', args: () => ['--bogus'], exit: ExitCode.invalidInput, stderr: /^error: unknown option '--bogus'$/ },
  { area: 'flag', name: 'an unknown flag of a command', args: () => ['network', '--case', 'ieee14', '--bogus'], exit: ExitCode.invalidInput, stderr: /^error: unknown option '--bogus'$/ },
  { area: 'flag', name: 'a misspelt flag gets a suggestion', args: (d) => clear(d, '--rh', '1'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: unknown option '--rh' \(Did you mean --rho\?\)$/ },
  { area: 'flag', name: 'a required flag missing', args: () => ['network'], exit: ExitCode.invalidInput, stderr: /^error: required option '--case <name\|path>' not specified$/ },
  { area: 'flag', name: 'a flag without its value', args: () => ['clear', '--case'], exit: ExitCode.invalidInput, stderr: /^error: option '--case <name\|path>' argument missing$/ },
  { area: 'flag', name: 'an argument no command takes', args: () => ['network', '--case', 'ieee14', 'extra'], exit: ExitCode.invalidInput, stderr: /^error: too many arguments for 'network'/ },
  { area: 'flag', name: 'an unknown clearing method', args: (d) => clear(d, '--method', 'magic'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --method must be admm, centralized or highs, got "magic"$/ },
  { area: 'flag', name: 'compare on a case the thesis does not report', args: () => ['compare', '--case', 'ieee99'], exit: ExitCode.invalidInput, stderr: /^error: --case: "ieee99" is not a case the thesis reports \(ieee14, ieee33\)$/ },
  { area: 'flag', name: 'compare on an empty case list', args: () => ['compare', '--case', ''], exit: ExitCode.invalidInput, stderr: /^error: --case: "" is not a case the thesis reports/ },

  // Numbers given as flags.
  { area: 'number', name: '--rho 1e308', args: (d) => clear(d, '--rho', '1e308'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --rho must be between 1e-6 and 1e6, got "1e308"$/ },
  { area: 'number', name: '--rho 0', args: (d) => clear(d, '--rho', '0'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --rho must be between 1e-6 and 1e6, got "0"$/ },
  { area: 'number', name: '--rho NaN', args: (d) => clear(d, '--rho', 'NaN'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --rho must be .*, got "NaN"$/ },
  { area: 'number', name: '--rho Infinity', args: (d) => clear(d, '--rho', 'Infinity'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --rho must be .*, got "Infinity"$/ },
  { area: 'number', name: '--rho in hexadecimal', args: (d) => clear(d, '--rho', '0x10'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --rho must be .*, got "0x10"$/ },
  { area: 'number', name: '--max-iter 1.5', args: (d) => clear(d, '--max-iter', '1.5'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --max-iter must be an integer from 1 to 1000000, got "1.5"$/ },
  { area: 'number', name: '--max-iter 1e9', args: (d) => clear(d, '--max-iter', '1e9'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --max-iter must be an integer from 1 to 1000000, got "1e9"$/ },
  { area: 'number', name: '--alpha 2 (over-relaxation needs α < 2)', args: (d) => clear(d, '--alpha', '2'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --alpha must be in \(0, 2\), got "2"$/ },
  { area: 'number', name: '--eps-abs 0', args: (d) => clear(d, '--eps-abs', '0'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --eps-abs must be between 1e-12 and 1, got "0"$/ },
  { area: 'number', name: '--eps-rel -0.1', args: (d) => clear(d, '--eps-rel', '-0.1'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --eps-rel must be between 0 and 1, got "-0.1"$/ },

  // Case files.
  { area: 'case', name: 'a case that does not exist', args: () => ['clear', '--case', 'nope.json'], exit: ExitCode.invalidInput, stderr: /^error: case: no built-in case or file named "nope\.json"/ },
  { area: 'case', name: 'a case path that is a directory', args: (d) => ['clear', '--case', d], exit: ExitCode.invalidInput, stderr: /^error: case: .* is a directory, not a case file$/ },
  { area: 'case', name: 'an empty case file', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': '' }, exit: ExitCode.invalidInput, stderr: /^error: case: c\.json is not valid JSON: Unexpected end of JSON input$/ },
  { area: 'case', name: 'a truncated case file', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': CASE14.slice(0, 700) }, exit: ExitCode.invalidInput, stderr: /^error: case: c\.json is not valid JSON: / },
  { area: 'case', name: 'a case file missing a comma is named by line and column', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': case14Text(/,\n/, '\n') }, exit: ExitCode.invalidInput, stderr: /^error: case: c\.json is not valid JSON: .* \(line \d+, column \d+\)$/ },
  { area: 'case', name: 'NaN in a case file', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': case14Text(/"alpha": [^,]+,/, '"alpha": NaN,') }, exit: ExitCode.invalidInput, stderr: /^error: sellers\[0\]\.alpha: NaN \(c\.json line \d+, column \d+\): numbers must be finite$/ },
  { area: 'case', name: '-Infinity in a case file', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': case14Text(/"omega": [^,]+,/, '"omega": -Infinity,') }, exit: ExitCode.invalidInput, stderr: /^error: buyers\[0\]\.omega: -Infinity \(c\.json line \d+, column \d+\): numbers must be finite$/ },
  { area: 'case', name: 'a number that overflows to Infinity', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': case14Text(/"omega": [^,]+,/, '"omega": 1e400,') }, exit: ExitCode.invalidInput, stderr: /^error: buyers\[0\]\.omega: /i },
  { area: 'case', name: 'a seller coefficient of 1e300', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': case14((c) => (c.sellers[0].alpha = 1e300)) }, exit: ExitCode.invalidInput, stderr: /^error: sellers\[0\]\.alpha: must be at most 1e6 USD\/kW²h$/ },
  { area: 'case', name: 'a terawatt seller', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': case14((c) => (c.sellers[0].xMaxKw = 1e9)) }, exit: ExitCode.invalidInput, stderr: /^error: sellers\[0\]\.xMaxKw: must be at most 1e6 kW$/ },
  { area: 'case', name: 'a negative utility coefficient', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': case14((c) => (c.buyers[0].omega = -1)) }, exit: ExitCode.invalidInput, stderr: /^error: buyers\[0\]\.omega: Too small: expected number to be >0$/ },
  { area: 'case', name: 'text where a number goes', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': case14((c) => (c.buyers[0].delta = 'cheap')) }, exit: ExitCode.invalidInput, stderr: /^error: buyers\[0\]\.delta: Invalid input: expected number, received string$/ },
  { area: 'case', name: 'a field the format does not have', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': case14((c) => (c.colour = 'red')) }, exit: ExitCode.invalidInput, stderr: /^error: case: Unrecognized key: "colour"$/ },
  { area: 'case', name: 'an array instead of a case', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': '[]' }, exit: ExitCode.invalidInput, stderr: /^error: case: Invalid input: expected object, received array$/ },
  { area: 'case', name: 'a buyer on a bus the network does not have', args: () => ['clear', '--case', 'c.json'], files: { 'c.json': case14((c) => (c.buyers[1].bus = 21)) }, exit: ExitCode.invalidInput, stderr: /^error: buyers\[1\]\.bus: unknown bus 21/ },
  { area: 'case', name: 'synthetic:N with too few agents', args: () => ['clear', '--case', 'synthetic:2'], exit: ExitCode.invalidInput, stderr: /^error: case: synthetic:N takes 3 to 100000 agents, got 2$/ },
  { area: 'case', name: 'network on a case file that is not JSON', args: () => ['network', '--case', 'c.json'], files: { 'c.json': 'name: ieee14' }, exit: ExitCode.invalidInput, stderr: /^error: case: c\.json is not valid JSON/ },

  // MATPOWER files.
  { area: 'matpower', name: 'a MATPOWER file that does not exist', args: () => ['network', '--case', 'case9999.m'], exit: ExitCode.invalidInput, stderr: /^error: case9999\.m: no such file$/ },
  { area: 'matpower', name: 'a MATPOWER path that is a directory', args: () => ['network', '--case', 'folder.m'], setup: (d) => void mkdirSync(path.join(d, 'folder.m')), exit: ExitCode.invalidInput, stderr: /^error: folder\.m: is a directory, not a MATPOWER case file$/ },
  { area: 'matpower', name: 'an empty MATPOWER file', args: () => ['network', '--case', 'e.m'], files: { 'e.m': '' }, exit: ExitCode.invalidInput, stderr: /^error: e\.m: mpc\.bus: not found in the case file$/ },
  { area: 'matpower', name: 'binary junk named .m', args: () => ['network', '--case', 'junk.m'], files: { 'junk.m': '\u0000\u0001\u0002\u00ff junk' }, exit: ExitCode.invalidInput, stderr: /^error: junk\.m: mpc\.bus: not found in the case file$/ },
  { area: 'matpower', name: 'NaN in a load', args: () => ['network', '--case', 'm.m'], files: { 'm.m': matpower('2\t2\t21.7\t', '2\t2\tNaN\t') }, exit: ExitCode.invalidInput, stderr: /^error: m\.m: mpc\.bus row 2 \(line \d+\): cannot read "NaN" as a number$/ },
  { area: 'matpower', name: 'an infinite load', args: () => ['network', '--case', 'm.m'], files: { 'm.m': matpower('2\t2\t21.7\t', '2\t2\tInf\t') }, exit: ExitCode.invalidInput, stderr: /^error: m\.m: mpc\.bus row 2 \(line \d+\): PD must be a finite number of MW/ },
  { area: 'matpower', name: 'a rating of 1e300 MVA', args: () => ['clear', '--case', 'm.m'], files: { 'm.m': matpower('0.0528\t0\t0\t0', '0.0528\t1e300\t0\t0') }, exit: ExitCode.invalidInput, stderr: /^error: m\.m: mpc\.branch row 1 \(1 → 2, line \d+\): RATE_A must be from 0/ },
  { area: 'matpower', name: 'a reactance of 1e300 p.u.', args: () => ['network', '--case', 'm.m'], files: { 'm.m': matpower('0.17615', '1e300') }, exit: ExitCode.invalidInput, stderr: /^error: m\.m: mpc\.branch row 14 \(7 → 8, line \d+\): reactance x = 1e\+300 p\.u\. is above the maximum/ },
  { area: 'matpower', name: 'a zero reactance', args: () => ['network', '--case', 'm.m'], files: { 'm.m': matpower('7\t9\t0\t0.11001', '7\t9\t0\t0') }, exit: ExitCode.invalidInput, stderr: /^error: m\.m: mpc\.branch row 15 \(7 → 9, line \d+\): reactance x = 0 p\.u\. is below the minimum/ },
  { area: 'matpower', name: 'a base MVA that is not a number', args: () => ['network', '--case', 'm.m'], files: { 'm.m': matpower('mpc.baseMVA = 100;', 'mpc.baseMVA = NaN;') }, exit: ExitCode.invalidInput, stderr: /^error: m\.m: mpc\.baseMVA: must be positive, got NaN$/ },

  // Configuration and environment (read by the chain commands before anything else).
  { area: 'config', name: 'an RPC URL in the environment that is not a URL', args: () => ['proof', '--epoch', '1', '--agent', '1'], env: { GRIDMARKET_RPC_URL: 'not-a-url' }, exit: ExitCode.invalidInput, stderr: /^error: rpcUrl \(environment\): Invalid URL$/ },
  { area: 'config', name: 'an operator key in the environment that is not a key', args: () => ['run', '--no-serve', '--quiet'], env: { GRIDMARKET_OPERATOR_KEY: '0x1234' }, exit: ExitCode.invalidInput, stderr: /^error: operatorKey \(environment\): must be a 0x-prefixed 32-byte hex private key$/ },
  { area: 'config', name: 'GRIDMARKET_CONFIG naming a missing file', args: () => ['audit', '--epoch', '1'], env: { GRIDMARKET_CONFIG: 'missing.json' }, exit: ExitCode.invalidInput, stderr: /^error: config file missing\.json: ENOENT/ },
  { area: 'config', name: 'a config file that is not JSON', args: () => ['audit', '--epoch', '1'], files: { 'gridmarket.config.json': '{ rpcUrl: ' }, exit: ExitCode.invalidInput, stderr: /^error: config file gridmarket\.config\.json: / },
  { area: 'config', name: 'a config file with a setting that does not exist', args: () => ['audit', '--epoch', '1'], files: { 'gridmarket.config.json': '{"rpcURL": "http://127.0.0.1:8545"}' }, exit: ExitCode.invalidInput, stderr: /^error: config \(config file gridmarket\.config\.json\): Unrecognized key: "rpcURL"$/ },
  { area: 'config', name: 'a meter tolerance of 1e308 Wh in the config file', args: () => ['run', '--no-serve', '--quiet'], files: { 'gridmarket.config.json': '{"toleranceWh": 1e308}' }, exit: ExitCode.invalidInput, stderr: /^error: toleranceWh \(config file gridmarket\.config\.json\): Too big/ },
  { area: 'config', name: 'a chain command without a chain', args: () => ['audit', '--epoch', '1'], exit: ExitCode.invalidInput, stderr: /^error: --rpc is required/ },

  // run: what it refers to exists in the case and the days, and a chain given answers — before anything is written.
  { area: 'flag', name: 'run --fault on an agent the case does not have', args: () => ['run', '--case', 'ieee14', '--fault', '999:outage', '--no-serve', '--quiet'], exit: ExitCode.invalidInput, stderr: /^error: --fault 999:outage: no agent 999 \(the case has agents 0 to 25\)$/ },
  { area: 'flag', name: 'run --corrupt on a day past the last', args: () => ['run', '--case', 'ieee14', '--corrupt', '5:overload', '--days', '1', '--no-serve', '--quiet'], exit: ExitCode.invalidInput, stderr: /^error: --corrupt 5:overload: the run has 1 day, so day 5 never comes$/ },
  { area: 'flag', name: 'run --spawn without --nats', args: () => ['run', '--case', 'ieee14', '--spawn', '--no-serve', '--quiet'], exit: ExitCode.invalidInput, stderr: /^error: --nats and --spawn go together/ },
  { area: 'flag', name: 'run --documents-url that is not http', args: () => ['run', '--case', 'ieee14', '--documents-url', 'ftp://host/docs', '--no-serve', '--quiet'], exit: ExitCode.invalidInput, stderr: /^error: --documents-url must be an http\(s\) URL, got the scheme ftp:$/ },
  { area: 'flag', name: 'documents --port out of range', args: () => ['documents', '--port', '70000'], exit: ExitCode.invalidInput, stderr: /^error: --port /, },
  { area: 'flag', name: 'meter without a key', args: () => ['meter', '--nats', 'nats://127.0.0.1:9', '--epoch', '1', '--agent', '3', '--rpc', 'http://127.0.0.1:9'], exit: ExitCode.invalidInput, stderr: /^error: give the meter's key with --key or --key-file \(one of them\)$/ },
  { area: 'chain', name: 'run on a chain that does not answer', args: () => ['run', '--case', 'ieee14', '--rpc', 'http://127.0.0.1:9', '--no-serve', '--quiet'], exit: ExitCode.chain, stderr: /^error: the chain at http:\/\/127\.0\.0\.1:9 is not reachable/ },
  { area: 'chain', name: 'audit on a chain that does not answer', args: () => ['audit', '--epoch', '1', '--rpc', 'http://127.0.0.1:9'], exit: ExitCode.chain, stderr: /^error: the chain at http:\/\/127\.0\.0\.1:9 is not reachable/ },

  // Output paths: checked before clearing, never a hang, never a temporary file left.
  { area: 'output', name: '--out under /proc', args: (d) => clear(d, '--out', '/proc/gridmarket-result.json'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --out \/proc\/gridmarket-result\.json: is on a virtual file system \(proc\), which holds no files$/, notCreated: ['/proc/gridmarket-result.json'] },
  { area: 'output', name: '--out under /sys', args: (d) => clear(d, '--out', '/sys/gridmarket-result.json'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --out \/sys\/gridmarket-result\.json: is on a virtual file system \(sysfs\)/, notCreated: ['/sys/gridmarket-result.json'] },
  { area: 'output', name: '--out /dev/null (a device, which a rename would replace)', args: (d) => clear(d, '--out', '/dev/null'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --out \/dev\/null: is not a regular file \(a device, a pipe or a socket\)$/ },
  { area: 'output', name: '--out a named pipe', args: (d) => clear(d, '--out', path.join(d, 'pipe')), files: { 'small.json': feasible }, setup: (d) => void assert.equal(spawnSync('mkfifo', [path.join(d, 'pipe')]).status, 0), exit: ExitCode.invalidInput, stderr: /^error: --out .*pipe: is not a regular file/ },
  { area: 'output', name: '--out a directory', args: (d) => clear(d, '--out', d), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --out .*: is a directory: name a file in it$/ },
  { area: 'output', name: '--out ending in a slash', args: (d) => clear(d, '--out', 'results/'), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --out results\/: names a directory: name a file in it$/ },
  { area: 'output', name: '--out under a file', args: (d) => clear(d, '--out', path.join(d, 'small.json', 'r.json')), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --out .*small\.json\/r\.json: .*small\.json is not a directory$/ },
  { area: 'output', name: '--out empty', args: (d) => clear(d, '--out', ''), files: { 'small.json': feasible }, exit: ExitCode.invalidInput, stderr: /^error: --out : is empty: name a file$/ },
  { area: 'output', name: '--out in a directory that cannot be written', args: (d) => clear(d, '--out', path.join(d, 'locked', 'r.json')), files: { 'small.json': feasible }, setup: (d) => unwritableDir(path.join(d, 'locked')), exit: ExitCode.invalidInput, stderr: /^error: --out .*locked\/r\.json: cannot be written \(permission denied in .*locked\)$/ },
  { area: 'output', name: '--out checked before the case is read', args: () => ['clear', '--case', 'nope.json', '--out', '/proc/r.json'], exit: ExitCode.invalidInput, stderr: /^error: --out \/proc\/r\.json: is on a virtual file system/ },

  // Days that do not clear: one sentence, exit 3, no document.
  { area: 'not cleared', name: 'an infeasible day with ADMM names the hour and the balance', args: (d) => ['clear', '--quiet', '--case', 'short.json', '--out', path.join(d, 'r.json')], files: { 'short.json': shortHour }, exit: ExitCode.notCleared, stderr: /^error: not cleared: ADMM found short-hour infeasible at iteration \d+: hour 18 \(18:00–19:00\): the buyers' minimum demand exceeds what the sellers and the grid import can supply by 2\.000 kW \(balance 3-16\); no result document written \(--allow-unconverged writes it\)$/ },
  { area: 'not cleared', name: 'an infeasible day with the interior point names the constraints', args: (d) => ['clear', '--quiet', '--method', 'centralized', '--case', 'short.json', '--out', path.join(d, 'r.json')], files: { 'short.json': shortHour }, exit: ExitCode.notCleared, stderr: /^error: not cleared: centralized proved short-hour infeasible: these cannot all hold: .*hour 18: B1's consumption ≥ 5 kW.*; no result document written/ },
  { area: 'not cleared', name: 'ADMM at its iteration limit', args: (d) => clear(d, '--max-iter', '2', '--out', path.join(d, 'r.json')), files: { 'small.json': feasible }, exit: ExitCode.notCleared, stderr: /^error: not cleared: ADMM did not converge on small within 2 iterations \(max_iter_reached\): r_pri .* no result document written/ },
  { area: 'not cleared', name: 'ADMM at its iteration limit, with --json', args: (d) => clear(d, '--max-iter', '2', '--json'), files: { 'small.json': feasible }, exit: ExitCode.notCleared, stderr: /^error: not cleared: ADMM did not converge/ },
];

describe('hostile input: exit code, one line on stderr, nothing written', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-hostile-'));
  const undo: (() => void)[] = [];
  after(() => {
    for (const u of undo) u();
    rmSync(root, { recursive: true, force: true });
  });
  before(() => {
    // Build the CLI once before the rows run, so that no row pays for it.
    assert.equal(spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' }).status, 0);
  });

  it('covers at least 40 inputs across the areas the CLI reads', () => {
    assert.ok(HOSTILE_INPUTS.length >= 40, `${HOSTILE_INPUTS.length} rows`);
    for (const area of ['command', 'flag', 'number', 'case', 'matpower', 'config', 'output', 'not cleared'] as const) {
      assert.ok(HOSTILE_INPUTS.some((r) => r.area === area), area);
    }
  });

  HOSTILE_INPUTS.forEach((row, i) => {
    it(`${row.area}: ${row.name}`, () => {
      const dir = path.join(root, String(i));
      mkdirSync(dir);
      for (const [name, text] of Object.entries(row.files ?? {})) writeFileSync(path.join(dir, name), text);
      const u = row.setup?.(dir);
      if (u) undo.push(u);
      const before = listing(dir);
      const r = spawnSync(process.execPath, [BIN, ...row.args(dir)], { cwd: dir, encoding: 'utf8', env: { ...cleanEnv(), ...row.env }, timeout: 120_000 });
      assert.equal(r.error, undefined, `${r.error}`);
      assert.equal(r.status, row.exit, `exit ${r.status}: ${r.stderr}`);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `one line on stderr:\n${r.stderr}`);
      assert.match(lines[0]!, row.stderr);
      assert.ok(!r.stderr.includes('    at '), 'no stack trace');
      assert.deepEqual(listing(dir), before, 'nothing written or left behind');
      for (const p of row.notCreated ?? []) assert.ok(!existsSync(p), `${p} was created`);
    });
  });
});

/** Every path under dir (relative, sorted), temporary files included. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** The environment without gridmarket's own variables, so that a developer's settings do not change a row. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GRIDMARKET_')));
}
