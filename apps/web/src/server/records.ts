// The chain's records for auditors and operators: every event of the gridmarket contracts, and
// every transaction sent to them with its gas and outcome.
import 'server-only';
import { clearingLedgerAbi, meterReadingsAbi, networkRegistryAbi, participantRegistryAbi, settlementAbi, settlementTokenAbi } from '@gridmarket/contracts';
import type { ChainContext } from '@gridmarket/oracle/read';
import { type Abi, decodeEventLog, decodeFunctionData, type Hex } from 'viem';
import type { EventRecord, TxRecord } from '@/lib/types';

function contracts(ctx: ChainContext): { name: string; address: Hex; abi: Abi }[] {
  const d = ctx.deployment;
  return [
    { name: 'ClearingLedger', address: d.clearingLedger, abi: clearingLedgerAbi },
    { name: 'MeterReadings', address: d.meterReadings, abi: meterReadingsAbi },
    { name: 'Settlement', address: d.settlement, abi: settlementAbi },
    { name: 'ParticipantRegistry', address: d.participantRegistry, abi: participantRegistryAbi },
    { name: 'NetworkRegistry', address: d.networkRegistry, abi: networkRegistryAbi },
    { name: 'SettlementToken', address: d.settlementToken, abi: settlementTokenAbi },
  ];
}

const show = (v: unknown): string => (Array.isArray(v) ? `[${v.length}]` : typeof v === 'string' && v.length > 20 ? `${v.slice(0, 10)}…` : String(v));

export async function chainEvents(ctx: ChainContext): Promise<EventRecord[]> {
  const all = contracts(ctx);
  const byAddress = new Map(all.map((c) => [c.address.toLowerCase(), c]));
  const logs = await ctx.publicClient.getLogs({ address: all.map((c) => c.address), fromBlock: BigInt(ctx.deployment.startBlock), toBlock: 'latest' });
  const out: EventRecord[] = [];
  for (const log of logs) {
    const c = byAddress.get(log.address.toLowerCase());
    if (!c) continue;
    try {
      const { eventName, args } = decodeEventLog({ abi: c.abi, data: log.data, topics: log.topics });
      const a = (args ?? {}) as Record<string, unknown>;
      out.push({
        block: Number(log.blockNumber),
        tx: log.transactionHash ?? '',
        logIndex: log.logIndex ?? 0,
        contract: c.name,
        event: eventName ?? 'unknown',
        epoch: a.epochId === undefined ? null : Number(a.epochId),
        agent: a.agentId !== undefined ? Number(a.agentId) : a.buyer !== undefined && typeof a.buyer !== 'string' ? Number(a.buyer) : null,
        details: Object.entries(a)
          .filter(([k]) => k !== 'epochId' && k !== 'agentId')
          .map(([k, v]) => `${k}=${show(v)}`)
          .join(' '),
      });
    } catch {
      out.push({ block: Number(log.blockNumber), tx: log.transactionHash ?? '', logIndex: log.logIndex ?? 0, contract: c.name, event: 'undecoded', epoch: null, agent: null, details: log.topics[0] ?? '' });
    }
  }
  return out.reverse();
}

/** Transactions to the gridmarket contracts in the last `maxBlocks` blocks, with gas and outcome. */
export async function chainTransactions(ctx: ChainContext, maxBlocks = 5000): Promise<{ txs: TxRecord[]; fromBlock: number; toBlock: number }> {
  const all = contracts(ctx);
  const byAddress = new Map(all.map((c) => [c.address.toLowerCase(), c]));
  const latest = Number(await ctx.publicClient.getBlockNumber());
  const fromBlock = Math.max(ctx.deployment.startBlock, latest - maxBlocks + 1);
  const txs: TxRecord[] = [];
  for (let start = fromBlock; start <= latest; start += 50) {
    const blocks = await Promise.all(
      Array.from({ length: Math.min(50, latest - start + 1) }, (_, k) => ctx.publicClient.getBlock({ blockNumber: BigInt(start + k), includeTransactions: true })),
    );
    const mine = blocks.flatMap((b) => b.transactions.filter((t) => t.to && byAddress.has(t.to.toLowerCase())));
    const receipts = await Promise.all(mine.map((t) => ctx.publicClient.getTransactionReceipt({ hash: t.hash })));
    mine.forEach((t, i) => {
      const c = byAddress.get(t.to!.toLowerCase())!;
      let fn = t.input.slice(0, 10);
      try {
        fn = decodeFunctionData({ abi: c.abi, data: t.input }).functionName;
      } catch {
        // not one of ours: keep the selector
      }
      txs.push({ block: Number(t.blockNumber), hash: t.hash, from: t.from, contract: c.name, fn, gasUsed: Number(receipts[i]!.gasUsed), ok: receipts[i]!.status === 'success' });
    });
  }
  return { txs, fromBlock, toBlock: latest };
}
