// `clear --nats URL --spawn-agents [hosts]`: the agents of a split case as separate OS processes,
// each a `gridmarket agent` holding only its own private files and keys (written to a temporary
// directory, mode 0600, removed at the end), the agents spread over `hosts` processes in case order
// (one per agent by default).
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentLauncher, HostedAgents } from '@gridmarket/net';

export function spawnAgentProcesses(hosts: number | undefined, log: (line: string) => void): AgentLauncher {
  return async (split): Promise<HostedAgents> => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-agents-'));
    const count = Math.min(hosts ?? split.privateFiles.length, split.privateFiles.length);
    const children: { child: ChildProcess; exited: Promise<number | null>; stderr: () => string }[] = [];
    try {
      const publicFile = path.join(dir, 'public.json');
      writeFileSync(publicFile, JSON.stringify(split.publicCase));
      for (let h = 0; h < count; h++) {
        const hostDir = path.join(dir, `host-${h}`);
        mkdirSync(path.join(hostDir, 'agents'), { recursive: true, mode: 0o700 });
        mkdirSync(path.join(hostDir, 'keys'), { mode: 0o700 });
        // Agents h, h + count, h + 2·count, …: every host gets a share of each kind.
        for (let i = h; i < split.privateFiles.length; i += count) {
          const f = split.privateFiles[i]!;
          writeFileSync(path.join(hostDir, 'agents', `${f.id}.json`), JSON.stringify(f), { mode: 0o600 });
          const keyFile = path.join(hostDir, 'keys', `${f.id}.key`);
          writeFileSync(keyFile, `${split.keys.get(f.id)}\n`, { mode: 0o600 });
          chmodSync(keyFile, 0o600);
        }
        const args = [process.argv[1]!, 'agent', '--case-public', publicFile, '--params', path.join(hostDir, 'agents'), '--keys', path.join(hostDir, 'keys')];
        args.push('--nats', split.url, '--epoch', String(split.epoch), '--prefix', split.prefix, '--quiet');
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr?.on('data', (d: Buffer) => (stderr += String(d)));
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        children.push({ child, exited, stderr: () => stderr });
      }
      log(`started ${count} agent process${count === 1 ? '' : 'es'} (pids ${children.map((c) => c.child.pid).join(', ')})`);
    } catch (err) {
      for (const c of children) c.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const cleanUp = () => rmSync(dir, { recursive: true, force: true });
    return {
      processes: count,
      async done() {
        // Each agent process ends with the operator's `end`; one that exits otherwise says why.
        const codes = await Promise.all(children.map((c) => c.exited));
        cleanUp();
        codes.forEach((code, h) => {
          if (code !== 0 && code !== 3) log(`agent process ${h} exited with code ${code}: ${children[h]!.stderr().trim().split('\n').at(-1) ?? ''}`);
        });
      },
      async kill() {
        for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGTERM');
        await Promise.all(children.map((c) => c.exited));
        cleanUp();
      },
    };
  };
}
