// Disputes: finds what the ledger accepts as proof against an epoch — an hour whose recomputed
// line flow exceeds a limit (with the contract's integer arithmetic), or a trade that its
// parties' rows and the tariff do not justify — and sends the proof. A challenger commits to its
// dispute first (commitChallenge, in an earlier block), so that whoever copies its transaction
// from the mempool earns nothing; without a commitment the dispute still voids the epoch, and the
// whole bond goes to the treasury.
import {
  clearingLedgerAbi,
  networkRegistryAbi,
  packRows,
  rowProof,
  tariffArgs,
  tradeValue,
} from '@gridmarket/contracts';
import { encodeAbiParameters, type Hex, keccak256, parseAbiParameters } from 'viem';
import type { Account, ChainContext } from '../chain/context';
import type { OnchainEpoch } from '../documents/onchain';
import { registeredAgent } from '../read/epochData';

export type Violation =
  | { kind: 'overload'; hour: number; line: number; amountWh: bigint; limitWh: bigint }
  | { kind: 'trade'; tradeIndex: number; hour: number; fault: TradeFault };

/** The ledger's TradeFault, by name (enum order). */
export const TRADE_FAULTS = ['agent not in epoch', 'seller supplies less', 'buyer consumes less', 'value not at price', 'index out of range'] as const;
export type TradeFault = (typeof TRADE_FAULTS)[number];

const SCALE = 1_000_000_000n;

/** Every hour whose line flows the ledger would find overloaded (the first such line per hour). */
export async function findOverloads(ctx: ChainContext, epoch: OnchainEpoch, networkId: number): Promise<Violation[]> {
  const read = ctx.publicClient;
  const net = await read.readContract({ address: ctx.deployment.networkRegistry, abi: networkRegistryAbi, functionName: 'network', args: [networkId] });
  const ptdf = await read.readContract({ address: ctx.deployment.networkRegistry, abi: networkRegistryAbi, functionName: 'ptdf', args: [networkId] });
  const limits = await read.readContract({ address: ctx.deployment.networkRegistry, abi: networkRegistryAbi, functionName: 'lineLimits', args: [networkId] });
  const bus = await Promise.all(
    epoch.agentIds.map(async (id) => (await registeredAgent(ctx, id)).bus),
  );
  const out: Violation[] = [];
  for (let hour = 0; hour < 24; hour++) {
    const injection = new Array<bigint>(net.busCount).fill(0n);
    epoch.rows.forEach((row, k) => (injection[bus[k]! - 1]! += BigInt(row[hour]!)));
    for (let line = 0; line < net.lineCount; line++) {
      let flow = 0n;
      for (let b = 0; b < net.busCount; b++) flow += BigInt(ptdf[line * net.busCount + b]!) * injection[b]!;
      const bound = (BigInt(limits[line]!) + BigInt(net.flowToleranceWh)) * SCALE;
      if (flow > bound || flow < -bound) {
        const half = flow > 0n ? SCALE / 2n : -SCALE / 2n;
        out.push({ kind: 'overload', hour, line, amountWh: (flow + half) / SCALE, limitWh: BigInt(limits[line]!) });
        break;
      }
    }
  }
  return out;
}

/** Every trade the ledger would find unjustified by its parties' rows or the tariff. */
export function findTradeFaults(epoch: OnchainEpoch): Violation[] {
  const position = new Map(epoch.agentIds.map((id, k) => [id, k]));
  const out: Violation[] = [];
  epoch.trades.forEach((t, i) => {
    const fault = tradeFault(epoch, t, i, position);
    if (fault) out.push({ kind: 'trade', tradeIndex: i, hour: t.hour, fault });
  });
  return out;
}

function tradeFault(epoch: OnchainEpoch, t: OnchainEpoch['trades'][number], i: number, position: Map<number, number>): TradeFault | undefined {
  if (t.tradeIndex !== i || t.hour > 23) return 'index out of range';
  const s = position.get(t.seller);
  const b = position.get(t.buyer);
  if (s === undefined || b === undefined) return 'agent not in epoch';
  if (BigInt(epoch.rows[s]![t.hour]!) < t.energyWh) return 'seller supplies less';
  if (-BigInt(epoch.rows[b]![t.hour]!) < t.energyWh) return 'buyer consumes less';
  if (t.value !== tradeValue(t.energyWh, epoch.tariff.price[t.hour]!)) return 'value not at price';
  return undefined;
}

export async function findViolations(ctx: ChainContext, epoch: OnchainEpoch, networkId: number): Promise<Violation[]> {
  return [...(await findOverloads(ctx, epoch, networkId)), ...findTradeFaults(epoch)];
}

/** The call that proves a violation (a wallet can send it as it is). */
export function disputeRequest(ctx: ChainContext, epoch: OnchainEpoch, v: Violation, salt: Hex = ZERO_SALT) {
  const address = ctx.deployment.clearingLedger;
  if (v.kind === 'overload') {
    return { address, abi: clearingLedgerAbi, functionName: 'disputeLineOverload' as const, args: [epoch.epochId, v.hour, packRows(epoch.rows), salt] as const };
  }
  const t = epoch.trades[v.tradeIndex]!;
  const position = new Map(epoch.agentIds.map((id, k) => [id, k]));
  // An agent outside the epoch has no row: any row proof will do (the ledger does not read it).
  const proofOf = (id: number) => rowProof(epoch.scheduleTree, position.get(id) ?? 0);
  return {
    address,
    abi: clearingLedgerAbi,
    functionName: 'disputeTrade' as const,
    args: [
      epoch.epochId,
      { tradeIndex: t.tradeIndex, seller: t.seller, buyer: t.buyer, hour: t.hour, energyWh: t.energyWh, value: t.value },
      epoch.tradeTree!.getProof(v.tradeIndex) as Hex[],
      proofOf(t.seller) as never,
      proofOf(t.buyer) as never,
      tariffArgs(epoch.tariff),
      salt,
    ] as const,
  };
}

export const ZERO_SALT = `0x${'00'.repeat(32)}` as Hex;

/** keccak256(abi.encode(challenger, epochId, salt)): what a challenger commits to first. */
export function challengeCommitment(challenger: Hex, epochId: number, salt: Hex): Hex {
  return keccak256(encodeAbiParameters(parseAbiParameters('address, uint32, bytes32'), [challenger, epochId, salt]));
}

/**
 * Commits, then (in a later block) proves the violation: the challenger earns its share of the
 * bond. `account` is the challenger (the context's operator account by default: a watcher).
 */
export async function dispute(ctx: ChainContext, epoch: OnchainEpoch, v: Violation, account: Account = ctx.operator): Promise<void> {
  const salt = keccak256(encodeAbiParameters(parseAbiParameters('uint32, uint256'), [epoch.epochId, BigInt(Date.now())]));
  await ctx.send('commit a challenge', { address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'commitChallenge', args: [challengeCommitment(account.address, epoch.epochId, salt)] }, account);
  await ctx.send('dispute', disputeRequest(ctx, epoch, v, salt), account);
}

export function describeViolation(v: Violation): string {
  return v.kind === 'overload'
    ? `hour ${v.hour}: line ${v.line} carries ${v.amountWh} Wh, its limit is ${v.limitWh} Wh`
    : `trade ${v.tradeIndex} (hour ${v.hour}): ${v.fault}`;
}
