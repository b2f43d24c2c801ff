// Epochs as the pages show them: the record on chain, the status, the document (checked against
// the committed hash) and the series behind the thesis's figures.
import 'server-only';
import type { ResultDocument } from '@gridmarket/clearing/result';
import { clearingLedgerAbi, settlementTokenAbi } from '@gridmarket/contracts';
import { type ChainContext, type DocumentStore, findEpoch, loadEpochData, readEpochBook, readEpochPositions, StoreError, tradeStatuses, type TradeStatusName } from '@gridmarket/oracle/read';
import { epochStatus } from '@/lib/status';
import type { DocumentState, EpochCharts, EpochSummary } from '@/lib/types';

export async function epochIds(ctx: ChainContext): Promise<number[]> {
  const ids = await ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'epochIds' });
  return [...ids].sort((a, b) => a - b);
}

/** The epoch's summary, or undefined if no such epoch is posted. */
export async function epochSummary(ctx: ChainContext, id: number, now: bigint): Promise<EpochSummary | undefined> {
  const e = await findEpoch(ctx, id);
  if (!e) return undefined;
  const [book, documentURI] = await Promise.all([
    readEpochBook(ctx, id),
    ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'documentURI', args: [id] }),
  ]);
  return {
    id,
    status: epochStatus(e, book, now),
    mode: e.settlementMode,
    networkId: e.networkId,
    oracle: e.oracle,
    postedAt: Number(e.postedAt),
    readingsCloseAt: Number(e.readingsCloseAt),
    challengeEndsAt: Number(e.challengeEndsAt),
    toleranceWh: e.toleranceWh,
    agentCount: e.agentCount,
    tradeCount: e.tradeCount,
    supplyWh: e.supplyWh.toString(),
    supplyValue: e.supplyValue.toString(),
    lockedValue: e.lockedValue.toString(),
    reserve: e.reserve.toString(),
    settledAgents: book.settledAgents,
    credited: book.credited.toString(),
    forfeited: book.forfeited.toString(),
    shortfallCharged: book.shortfallCharged.toString(),
    shortfallUncollected: book.shortfallUncollected.toString(),
    surplusCredited: book.surplusCredited.toString(),
    voided: e.voided,
    scheduleRoot: e.scheduleRoot,
    tradeRoot: e.tradeRoot,
    documentHash: e.documentHash,
    documentURI,
  };
}

export async function listEpochs(ctx: ChainContext, now: bigint): Promise<EpochSummary[]> {
  const ids = await epochIds(ctx);
  const all = await Promise.all(ids.map((id) => epochSummary(ctx, id, now)));
  return all.filter((e): e is EpochSummary => e !== undefined).reverse();
}

export async function tokenDecimalsOf(ctx: ChainContext): Promise<number> {
  return ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'decimals' });
}

/** The epoch's document from the store, refused if its bytes do not hash to the committed hash. */
export async function readDocument(store: DocumentStore, e: EpochSummary): Promise<{ doc: ResultDocument; state: DocumentState } | { doc: undefined; state: DocumentState }> {
  try {
    return { doc: await store.get(e.documentURI, e.documentHash as `0x${string}`), state: { state: 'ok' } };
  } catch (err) {
    const kind = err instanceof StoreError && err.kind !== 'unsupported' ? err.kind : 'invalid';
    return { doc: undefined, state: { state: kind, message: (err as Error).message } };
  }
}

/** Where each trade of the epoch stands, from its parties' settled positions (the shared rule). */
export async function statusesOf(ctx: ChainContext, store: DocumentStore, e: EpochSummary): Promise<TradeStatusName[]> {
  const { epoch, onchain } = await loadEpochData(ctx, store, e.id);
  return tradeStatuses(onchain.trades, await readEpochPositions(ctx, e.id), epoch).map((t) => t.status);
}

const sum = (xs: readonly number[] | undefined, t: number) => (xs ? (xs[t] ?? 0) : 0);

/** The series of Figs. 6.3, 6.7–6.9, 6.11 and 6.13–6.16 for one epoch. */
export function epochCharts(doc: ResultDocument, statuses: readonly TradeStatusName[]): EpochCharts {
  const hours = Array.from({ length: doc.case.hours }, (_, t) => t);
  const names = doc.case.agents.map((a) => a.id);
  const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

  const dispatch = hours.map((t) => {
    const row = { hour: t, generation: 0, gridImport: 0, discharge: 0, consumption: 0, charge: 0 };
    doc.case.agents.forEach((a, i) => {
      const d = doc.dispatch[i]!;
      if (a.kind === 'grid') row.gridImport += Math.max(d.netKw[t]!, 0);
      else if (a.kind === 'seller') row.generation += sum(d.generationKw, t);
      else row.consumption += sum(d.consumptionKw, t);
      row.discharge += sum(d.dischargeKw, t);
      row.charge += sum(d.chargeKw, t);
    });
    return { hour: t, generation: round(row.generation), gridImport: round(row.gridImport), discharge: round(row.discharge), consumption: round(row.consumption), charge: round(row.charge) };
  });

  const storage = doc.case.agents.flatMap((a, i) => (doc.dispatch[i]?.socKwh ? [{ name: a.id, soc: doc.dispatch[i]!.socKwh! }] : []));
  const soc = { agents: storage.map((s) => s.name), rows: hours.map((t) => Object.fromEntries([['hour', t], ...storage.map((s) => [s.name, round(s.soc[t]!)])])) };

  const utilization = (flows: readonly (readonly number[])[], l: number, limit: number) => round((100 * Math.max(...flows[l]!.map(Math.abs))) / limit, 1);
  const lines = doc.case.lines.flatMap((line, l) =>
    line.limitKw === null
      ? []
      : [
          {
            line: `L${l + 1} (${line.from}–${line.to})`,
            limitKw: line.limitKw,
            constrained: utilization(doc.network.flowsKw, l, line.limitKw),
            unconstrained: doc.reference ? utilization(doc.reference.unconstrained.flowsKw, l, line.limitKw) : null,
          },
        ],
  );

  const admm = doc.admm
    ? doc.admm.primalResidual.map((p, k) => ({ iteration: k + 1, primal: p, dual: doc.admm!.dualResidual[k]!, epsPrimal: doc.admm!.epsPrimal[k]!, epsDual: doc.admm!.epsDual[k]! }))
    : null;

  const sellerIdx = doc.case.agents.flatMap((a, i) => (doc.trades.some((t) => t.seller === i) ? [i] : []));
  const buyerIdx = doc.case.agents.flatMap((a, i) => (doc.trades.some((t) => t.buyer === i) ? [i] : []));
  const sRow = new Map(sellerIdx.map((a, k) => [a, k]));
  const bCol = new Map(buyerIdx.map((a, k) => [a, k]));
  const sb = new Map<string, number>();
  const sh = new Map<string, number>();
  const perHour = hours.map((t) => ({ hour: t, settledKwh: 0, rejectedKwh: 0, openKwh: 0, settledUsd: 0 }));
  doc.trades.forEach((tr, i) => {
    const kwh = tr.energyWh / 1000;
    const kSB = `${sRow.get(tr.seller)}:${bCol.get(tr.buyer)}`;
    sb.set(kSB, (sb.get(kSB) ?? 0) + kwh);
    const kSH = `${sRow.get(tr.seller)}:${tr.hour}`;
    sh.set(kSH, (sh.get(kSH) ?? 0) + kwh);
    const h = perHour[tr.hour]!;
    const status = statuses[i] ?? 'open';
    if (status === 'settled') {
      h.settledKwh += kwh;
      h.settledUsd += tr.valueMicroUsd / 1e6;
    } else if (status === 'rejected' || status === 'voided') h.rejectedKwh += kwh;
    else h.openKwh += kwh;
  });
  const cells = (m: Map<string, number>) =>
    [...m].map(([k, kwh]) => {
      const [y, x] = k.split(':').map(Number);
      return { x: x!, y: y!, kwh: round(kwh) };
    });

  return {
    caseName: doc.case.name,
    method: doc.method,
    welfareUsd: doc.welfareUsd,
    prices: hours.map((t) => ({ hour: t, settlement: round(doc.prices.settlementUsdPerKwh[t]!, 5), system: round(doc.prices.systemUsdPerKwh[t]!, 5) })),
    dispatch,
    soc,
    lines,
    unconstrainedWelfareUsd: doc.reference?.unconstrained.welfareUsd ?? null,
    admm,
    sellerBuyer: { sellers: sellerIdx.map((i) => names[i]!), buyers: buyerIdx.map((i) => names[i]!), cells: cells(sb) },
    sellerHour: { sellers: sellerIdx.map((i) => names[i]!), cells: cells(sh) },
    settlementByHour: perHour.map((h) => ({ hour: h.hour, settledKwh: round(h.settledKwh), rejectedKwh: round(h.rejectedKwh), openKwh: round(h.openKwh), settledUsd: round(h.settledUsd, 4) })),
  };
}
