// Reading the split case from disk: the public case (the operator's only input) and agents'
// private files with their account keys (an agent process's input). Errors name the file and the
// field (CaseError, exit 2 in the CLI).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CaseError, type PrivateParams, type PublicCase, parsePrivateAgent, parsePublicCase } from '@gridmarket/clearing';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { HostedAgent } from './agentHost';

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CaseError(what, `${file} cannot be read (${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : (e.code ?? e.message)})`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CaseError(what, `${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

export function readPublicCase(file: string): PublicCase {
  return parsePublicCase(readJson(file, 'public case'), file);
}

export interface PrivateAgent {
  file: string;
  index: number;
  id: string;
  params: PrivateParams;
}

/** One private file, or every `*.json` in a directory (sorted), validated. */
export function readPrivateAgents(fileOrDir: string): PrivateAgent[] {
  let files: string[];
  try {
    files = statSync(fileOrDir).isDirectory()
      ? readdirSync(fileOrDir)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => path.join(fileOrDir, f))
      : [fileOrDir];
  } catch (err) {
    throw new CaseError('params', `${fileOrDir} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
  if (files.length === 0) throw new CaseError('params', `${fileOrDir} holds no private agent file (*.json)`);
  return files.map((file) => {
    const f = parsePrivateAgent(readJson(file, 'params'), file);
    return { file, index: f.index, id: f.id, params: f.params };
  });
}

const KEY = /^0x[0-9a-fA-F]{64}$/;

/** An account key given as hex or read from a file (one line of hex); errors name the flag. */
export function readKey(flag: string, value: string, fromFile: boolean): Hex {
  let text = value;
  if (fromFile) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (err) {
      throw new CaseError(flag, `${value} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
  }
  const key = text.trim();
  if (!KEY.test(key)) throw new CaseError(flag, `must be a 32-byte hex private key (0x followed by 64 hex digits)${fromFile ? ` in ${value}` : ''}`);
  return key as Hex;
}

/** Hosted agents with their keys: one key for one agent, or `<id>.key` per agent from a directory. */
export function hostedAgents(agents: PrivateAgent[], publicCase: PublicCase, keys: { key?: Hex; keysDir?: string }): HostedAgent[] {
  if (keys.key && agents.length !== 1) throw new CaseError('key', `one --key for ${agents.length} agents: give --keys DIR with one <id>.key per agent`);
  return agents.map((a) => {
    const pub = publicCase.agents[a.index];
    if (!pub || pub.id !== a.id) throw new CaseError('params', `${a.file}: agent ${a.id} (index ${a.index}) is not in the public case (index ${a.index} is ${pub ? pub.id : 'nobody'})`);
    if (pub.kind !== a.params.kind) throw new CaseError('params', `${a.file}: agent ${a.id} is a ${a.params.kind}, the public case says ${pub.kind}`);
    const key = keys.key ?? readKey('keys', path.join(keys.keysDir ?? '.', `${a.id}.key`), true);
    const account = privateKeyToAccount(key);
    if (pub.account && pub.account.toLowerCase() !== account.address.toLowerCase()) {
      throw new CaseError('key', `the key of agent ${a.id} is for ${account.address}, the public case registers ${pub.account}`);
    }
    return { index: a.index, id: a.id, params: a.params, account };
  });
}
