// Settled positions of an epoch, from the Settlement contract's events and books.
import { passedHours, settlementAbi } from '@gridmarket/contracts';
import type { ChainContext } from '../chain/context';

export interface SettledPosition {
  agentId: number;
  /** passed[h]: hour h was metered within the tolerance. */
  passed: boolean[];
  lock: bigint;
  credit: bigint;
  forfeit: bigint;
  surplusCredit: bigint;
  shortfallCharged: bigint;
  shortfallUncollected: bigint;
}

export interface EpochPositions {
  /** Positions settled in a live epoch, by agent id. */
  settled: Map<number, SettledPosition>;
  /** Agents whose lock a voided epoch gave back. */
  refunded: Set<number>;
  /** Rounding dust and the unused reserve paid to the grid agent when the epoch closed. */
  closed?: { dust: bigint; reserveReturned: bigint };
}

export async function readEpochPositions(ctx: ChainContext, epochId: number): Promise<EpochPositions> {
  const common = { address: ctx.deployment.settlement, abi: settlementAbi, args: { epochId }, fromBlock: BigInt(ctx.deployment.startBlock) } as const;
  const [settledLogs, refundLogs, closeLogs] = await Promise.all([
    ctx.publicClient.getContractEvents({ ...common, eventName: 'PositionSettled' }),
    ctx.publicClient.getContractEvents({ ...common, eventName: 'Refunded' }),
    ctx.publicClient.getContractEvents({ ...common, eventName: 'EpochClosed' }),
  ]);
  const settled = new Map<number, SettledPosition>();
  for (const { args: a } of settledLogs) {
    settled.set(a.agentId!, {
      agentId: a.agentId!,
      passed: passedHours(a.passedMask!),
      lock: a.lock!,
      credit: a.credit!,
      forfeit: a.forfeit!,
      surplusCredit: a.surplusCredit!,
      shortfallCharged: a.shortfallCharged!,
      shortfallUncollected: a.shortfallUncollected!,
    });
  }
  const closed = closeLogs[0]?.args;
  return {
    settled,
    refunded: new Set(refundLogs.map((l) => l.args.agentId!)),
    ...(closed ? { closed: { dust: closed.dust!, reserveReturned: closed.reserveReturned! } } : {}),
  };
}

export async function readEpochBook(ctx: ChainContext, epochId: number) {
  return ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'epochBook', args: [epochId] });
}

/** An agent's balance in the settlement contract: available and locked in open epochs. */
export async function readAccount(ctx: ChainContext, agentId: number) {
  return ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'accountOf', args: [agentId] });
}
