// Clearing over NATS against the in-process transport: iterations, welfare, messages and bytes on
// the wire, time per round, on ieee14, ieee33 and synthetic cases (one agent-host connection and
// one operator connection on a local nats-server, all in this process: the wire and the signing
// are real, the network is loopback). Also what a signature per message costs: ed25519 session
// keys (node's OpenSSL) against secp256k1 account keys (viem). Writes bench-results/nats.md.
//   pnpm --filter @gridmarket/net bench            (NATS_BENCH_CASES=ieee14,synthetic:1000 to choose)
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { markdownTable, writeReport } from '@gridmarket/bench';
import { createAgents, InProcessAgents, loadCase, parsePrivateAgent, publicMarket, runAdmm, runAdmmOver, splitMarket } from '@gridmarket/clearing';
import { keccak256, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { AgentHost, runOperatorEpoch, SessionSigner, verifyBody, decode } from '../src/index';
import { connectTo, sameBits, startNats, withoutSoc } from '../test/helpers';

const CASES = (process.env.NATS_BENCH_CASES ?? 'ieee14,ieee33,synthetic:200,synthetic:1000').split(',');

const account = (label: string) => privateKeyToAccount(keccak256(toHex(`gridmarket bench key ${label}`)));

async function signatureCosts() {
  const body = JSON.stringify({ z: Array.from({ length: 24 }, (_, t) => Math.sin(t) * 3.7) });
  const s = new SessionSigner(1, 1, 1);
  await s.certify(account('x'));
  const n = 2000;
  let t = performance.now();
  let wire = '';
  for (let i = 0; i < n; i++) wire = s.encode('consensus', i, { z: body });
  const edSign = (performance.now() - t) / n;
  const m = decode(wire)!;
  t = performance.now();
  for (let i = 0; i < n; i++) verifyBody(m, s.publicKey);
  const edVerify = (performance.now() - t) / n;
  const acct = account('y');
  const k = 100;
  t = performance.now();
  let sig: `0x${string}` = '0x';
  for (let i = 0; i < k; i++) sig = await acct.signMessage({ message: `${body}${i}` });
  const secpSign = (performance.now() - t) / k;
  const { verifyMessage } = await import('viem');
  t = performance.now();
  for (let i = 0; i < k; i++) await verifyMessage({ address: acct.address, message: `${body}${k - 1}`, signature: sig });
  const secpVerify = (performance.now() - t) / k;
  return { edSign, edVerify, secpSign, secpVerify };
}

const nats = await startNats();
const rows: (string | number)[][] = [];
const json: unknown[] = [];
try {
  for (const name of CASES) {
    const market = loadCase(name);
    const N = market.agents.length;
    runAdmm(market, { constrained: true }); // warm-up: the first run pays for compilation
    let t = performance.now();
    const direct = runAdmm(market, { constrained: true });
    const syncMs = performance.now() - t;
    t = performance.now();
    const over = await runAdmmOver(new InProcessAgents(createAgents(market)), market, { constrained: true });
    const asyncMs = performance.now() - t;
    const keys = new Map(market.agents.map((a) => [a.id, account(`${name}/${a.id}`)]));
    const operator = account(`${name}/operator`);
    const split = JSON.parse(JSON.stringify(splitMarket(market, { accounts: Object.fromEntries([...keys].map(([id, k]) => [id, k.address])), operator: operator.address })));
    const hosted = (split.privateFiles as unknown[]).map((raw) => {
      const f = parsePrivateAgent(raw);
      return { index: f.index, id: f.id, params: f.params, account: keys.get(f.id)! };
    });
    const ncA = await connectTo(nats.url, 'bench-agents');
    const ncO = await connectTo(nats.url, 'bench-operator');
    const host = new AgentHost(ncA, { prefix: 'bench', epoch: rows.length + 1, publicCase: split.publicCase, agents: hosted });
    host.start();
    await ncA.flush();
    t = performance.now();
    const r = await runOperatorEpoch(ncO, { prefix: 'bench', epoch: rows.length + 1, market: publicMarket(split.publicCase), publicCase: split.publicCase, account: operator, policy: { roundTimeoutMs: 120_000, joinTimeoutMs: 120_000 } });
    const natsMs = performance.now() - t;
    await host.stop();
    await ncA.close();
    await ncO.close();
    const it = direct.admm!.iterations;
    const identical = sameBits(r.solution, withoutSoc(direct)) === undefined && sameBits(over, direct) === undefined;
    const w = r.status.wire;
    const row = {
      case: name,
      agents: N,
      iterations: it,
      welfareUsd: direct.welfareUsd,
      identical,
      syncMsPerRound: syncMs / it,
      asyncMsPerRound: asyncMs / it,
      natsMsPerRound: r.status.msPerRound,
      natsTotalMs: natsMs,
      natsJoinMs: r.status.timingsMs.join,
      natsRoundsMs: r.status.timingsMs.rounds,
      documentMs: r.status.timingsMs.document,
      messages: w.messagesOut + w.messagesIn,
      bytes: w.bytesOut + w.bytesIn,
      bytesPerAgentRound: (w.bytesOut + w.bytesIn) / N / it,
    };
    json.push(row);
    rows.push([name, N, it, row.welfareUsd.toFixed(4), identical ? 'yes' : 'NO', row.syncMsPerRound.toFixed(2), row.asyncMsPerRound.toFixed(2), row.natsMsPerRound.toFixed(1), (row.natsJoinMs / 1000).toFixed(2), (row.natsRoundsMs / 1000).toFixed(2), (row.documentMs / 1000).toFixed(2), row.messages, (row.bytes / 1e6).toFixed(2), Math.round(row.bytesPerAgentRound)]);
    process.stderr.write(`${name}: ${JSON.stringify(row)}\n`);
  }
} finally {
  await nats.stop();
}
const sig = await signatureCosts();
const version = execFileSync('nats-server', ['--version'], { encoding: 'utf8' }).trim();
writeReport(
  'bench-results/nats.md',
  [
    '# Clearing over NATS',
    '',
    `${new Date().toISOString()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${version}, loopback. Produced by \`pnpm --filter @gridmarket/net bench\`.`,
    '',
    'ms/round: wall time of the ADMM rounds divided by the iterations (NATS: from the first propose to the last report, after every agent joined). join: from the first begin to the last hello (session keys certified and checked: one secp256k1 signature and one recovery per agent). document: the result document (trades matrix) and, with a chain, the signed schedules; it is the same work in process. Messages and bytes: both directions at the operator (each broadcast counted once). identical: the NATS run equals the in-process run bit for bit (but for the state of charge, which agents do not disclose).',
    '',
    markdownTable(['case', 'agents', 'iterations', 'welfare USD', 'identical', 'in-process ms/round', 'async in-process ms/round', 'NATS ms/round', 'join s', 'rounds s', 'document s', 'messages', 'MB', 'bytes/agent/round'], rows),
    '',
    '## A signature per message',
    '',
    markdownTable(
      ['scheme', 'sign ms', 'verify ms'],
      [
        ['ed25519 session key (node:crypto)', sig.edSign.toFixed(3), sig.edVerify.toFixed(3)],
        ['secp256k1 account key (viem, EIP-191)', sig.secpSign.toFixed(3), sig.secpVerify.toFixed(3)],
      ],
    ),
    '',
    '```json',
    JSON.stringify({ runs: json, signatures: sig }, null, 2),
    '```',
  ].join('\n'),
);
