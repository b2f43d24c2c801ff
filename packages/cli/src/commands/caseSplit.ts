// gridmarket case split: a case in a public part (public.json: network, agents, public bounds,
// accounts) and one private file per agent (agents/<id>.json: its costs, utility or battery), for
// clearing across machines (gridmarket operator, gridmarket agent); a MATPOWER network is copied
// to DIR/network/ so that public.json names it relative to itself. With --generate-keys, one
// account key per agent and one for the operator (keys/<id>.key, keys/operator.key, mode 0600),
// their addresses written into public.json. The directory is written whole or not at all: the
// files go into a temporary directory beside it, renamed into place at the end.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CaseError, loadCase, splitMarket } from '@gridmarket/clearing';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { z } from 'zod';
import { OutputPathError } from '../errors';
import { UsageError } from '../io';
import { checkOutputPath } from '../output';

interface SplitOptions {
  case: string;
  out: string;
  accounts?: string;
  operator?: string;
  generateKeys?: boolean;
  json?: boolean;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

function readAccounts(file: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CaseError('accounts', `${file} cannot be read as JSON (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
  const parsed = z.record(z.string(), z.string().regex(ADDRESS, { message: 'must be a 20-byte hex address (0x…)' })).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CaseError(`accounts${issue.path.length ? `.${issue.path.map(String).join('.')}` : ''}`, `${issue.message} (${file})`);
  }
  return parsed.data;
}

/** The output directory: a new name, or an empty directory; never a file or a directory with files. */
function checkOutputDir(dir: string): void {
  if (dir.trim() === '') throw new OutputPathError('--out', dir, 'is empty: name a directory');
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new OutputPathError('--out', dir, 'is a file: name a new or empty directory');
    if (readdirSync(dir).length > 0) throw new OutputPathError('--out', dir, 'is not empty: name a new or empty directory (nothing is overwritten)');
  }
  checkOutputPath('--out', path.join(dir, 'public.json'));
}

export function registerCaseSplit(program: Command): void {
  const c = program.command('case').description('case files: split a case into its public part and one private file per agent');
  c.command('split')
    .description('write DIR/public.json (what the operator needs) and DIR/agents/<id>.json (each agent\'s private costs, utility, battery)')
    .requiredOption('--case <name|path>', 'built-in case (ieee14, ieee33, synthetic:N), a case file, or a MATPOWER case (.m)')
    .requiredOption('--out <dir>', 'a new or empty directory; written whole or not at all')
    .option('--accounts <file>', 'JSON object: agent id → registered account address, written into public.json')
    .option('--operator <address>', "the operator's account address, written into public.json")
    .option('--generate-keys', 'make a fresh account key per agent and for the operator (DIR/keys/*.key, mode 0600) and write their addresses into public.json')
    .option('--json', 'print what was written as JSON')
    .addHelpText('after', '\nExit codes: 0 written; 2 invalid input (the case, --accounts, --operator, --out), nothing written.')
    .action((opts: SplitOptions) => {
      if (opts.operator !== undefined && !ADDRESS.test(opts.operator)) throw new UsageError(`--operator must be a 20-byte hex address (0x…), got "${opts.operator}"`);
      if (opts.generateKeys && (opts.accounts !== undefined || opts.operator !== undefined)) throw new UsageError('--generate-keys makes the accounts: give it without --accounts and --operator');
      checkOutputDir(opts.out);
      const accounts = opts.accounts !== undefined ? readAccounts(opts.accounts) : {};
      const market = loadCase(opts.case);
      for (const a of market.agents) if (!SAFE_ID.test(a.id)) throw new CaseError(`agents[${a.index}].id`, `"${a.id}" cannot name a file (letters, digits, '.', '_', '-', at most 64)`);
      for (const id of Object.keys(accounts)) if (!market.agents.some((a) => a.id === id)) throw new CaseError(`accounts.${id}`, `no agent ${id} in ${market.name}`);
      const keys = new Map<string, `0x${string}`>();
      if (opts.generateKeys) {
        for (const a of market.agents) keys.set(a.id, generatePrivateKey());
        keys.set('operator', generatePrivateKey());
        for (const [id, k] of keys) if (id !== 'operator') accounts[id] = privateKeyToAccount(k).address;
      }
      const operator = opts.generateKeys ? privateKeyToAccount(keys.get('operator')!).address : opts.operator;
      const { publicCase, privateFiles } = splitMarket(market, { accounts, ...(operator ? { operator } : {}) });
      // A MATPOWER network travels with the public case: copied beside it, named relative to it.
      let networkFile: { from: string; to: string } | undefined;
      const ref = publicCase.network;
      if ('matpower' in ref) {
        const baseDir = existsSync(opts.case) ? path.dirname(path.resolve(opts.case)) : process.cwd();
        const from = path.resolve(baseDir, ref.matpower);
        networkFile = { from, to: path.join('network', path.basename(from)) };
        publicCase.network = { ...ref, matpower: networkFile.to };
      }

      const dir = path.resolve(opts.out);
      const tmp = `${dir}.${process.pid}.tmp`;
      try {
        mkdirSync(path.join(tmp, 'agents'), { recursive: true });
        writeFileSync(path.join(tmp, 'public.json'), `${JSON.stringify(publicCase, null, 2)}\n`);
        if (networkFile) {
          mkdirSync(path.join(tmp, 'network'));
          copyFileSync(networkFile.from, path.join(tmp, networkFile.to));
        }
        for (const f of privateFiles) writeFileSync(path.join(tmp, 'agents', `${f.id}.json`), `${JSON.stringify(f, null, 2)}\n`, { mode: 0o600 });
        if (keys.size) {
          mkdirSync(path.join(tmp, 'keys'), { mode: 0o700 });
          for (const [id, k] of keys) {
            writeFileSync(path.join(tmp, 'keys', `${id}.key`), `${k}\n`, { mode: 0o600 });
            chmodSync(path.join(tmp, 'keys', `${id}.key`), 0o600);
          }
        }
        if (existsSync(dir)) rmdirSync(dir); // empty, checked above
        renameSync(tmp, dir);
      } catch (err) {
        rmSync(tmp, { recursive: true, force: true });
        throw new OutputPathError('--out', opts.out, `cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
      }
      const written = {
        case: market.name,
        public: path.join(opts.out, 'public.json'),
        agents: privateFiles.map((f) => path.join(opts.out, 'agents', `${f.id}.json`)),
        ...(keys.size ? { keys: [...keys.keys()].map((id) => path.join(opts.out, 'keys', `${id}.key`)) } : {}),
      };
      if (opts.json) process.stdout.write(`${JSON.stringify(written, null, 2)}\n`);
      else process.stdout.write(`${market.name}: ${written.public} and ${written.agents.length} private agent files in ${path.join(opts.out, 'agents')}${keys.size ? `, ${keys.size} keys in ${path.join(opts.out, 'keys')}` : ''}\n`);
    });
}
