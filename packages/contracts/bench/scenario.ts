// A synthetic market day on a local anvil, used by the gas table and by the on-chain tests:
// deploy, register a network and agents, post an epoch, relay readings, check, settle, withdraw.
import {
  type Address,
  type Hex,
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  keccak256,
  encodePacked,
  parseEther,
  type TransactionReceipt,
} from 'viem';
import { rng } from '@gridmarket/bench';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import {
  clearingLedgerAbi,
  meterReadingsAbi,
  networkRegistryAbi,
  participantRegistryAbi,
  settlementAbi,
  settlementTokenAbi,
} from '../src/generated';
import { type Deployment } from '../src/deployment';
import {
  buildScheduleTree,
  buildTradeTree,
  type ScheduleEntry,
  scheduleMultiProof,
  type TradeEntry,
  tradeMultiProof,
} from '../src/leaves';
import { meterReadingTypedData } from '../src/meterReading';
import { type LocalChain, startAnvil } from '../src/anvil';
import { deployContracts, REPO_ROOT } from '../src/deploy';
import path from 'node:path';
import os from 'node:os';

/** Anvil's first development key (public; local chains only). */
export const DEV_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export const key = (label: string, i: number): Hex => keccak256(encodePacked(['string', 'uint256'], [label, BigInt(i)]));

export interface Market {
  chain: LocalChain;
  deployment: Deployment;
  publicClient: ReturnType<typeof createPublicClient>;
  admin: ReturnType<typeof createWalletClient>;
  testClient: ReturnType<typeof createTestClient>;
  networkId: number;
  agentCount: number;
  ownerKeys: Hex[];
  meterKeys: Hex[];
  receipts: Map<string, TransactionReceipt>;
}

export interface MarketShape {
  buses: number;
  lines: number;
  sellers: number;
  buyers: number;
}

export async function startMarket(shape: MarketShape, seed = 1, anvilArgs: string[] = []): Promise<Market> {
  const chain = await startAnvil({ extraArgs: anvilArgs });
  try {
    const out = path.join(os.tmpdir(), `gridmarket-bench-${chain.port}.json`);
    const deployment = await deployContracts({ rpcUrl: chain.rpcUrl, out });
    const transport = http(chain.rpcUrl);
    const publicClient = createPublicClient({ chain: foundry, transport });
    const admin = createWalletClient({ chain: foundry, transport, account: privateKeyToAccount(DEV_KEY) });
    const testClient = createTestClient({ chain: foundry, transport, mode: 'anvil' });
    const market: Market = {
      chain,
      deployment,
      publicClient,
      admin,
      testClient,
      networkId: 0,
      agentCount: 1 + shape.sellers + shape.buyers,
      ownerKeys: [],
      meterKeys: [],
      receipts: new Map(),
    };

    // A synthetic PTDF: slack bus 1 has a zero column; limits are loose so honest days are feasible.
    const random = rng(seed);
    const ptdf: number[] = [];
    for (let l = 0; l < shape.lines; l++) {
      for (let b = 1; b <= shape.buses; b++) ptdf.push(b === 1 ? 0 : Math.round((random() * 2 - 1) * 1e9));
    }
    const limits = Array.from({ length: shape.lines }, () => 1_000_000);
    await send(market, 'register network', {
      address: deployment.networkRegistry,
      abi: networkRegistryAbi,
      functionName: 'registerNetwork',
      args: [shape.buses, 1, 20, limits, ptdf],
    });
    market.networkId = 1;

    for (let i = 0; i < market.agentCount; i++) {
      market.ownerKeys.push(key('owner', i));
      market.meterKeys.push(key('meter', i));
      const kind = i === 0 ? 2 : i <= shape.sellers ? 0 : 1;
      const bus = i === 0 ? 1 : 1 + (i % shape.buses);
      await send(market, i === 0 ? 'register agent' : '', {
        address: deployment.participantRegistry,
        abi: participantRegistryAbi,
        functionName: 'registerAgent',
        args: [
          privateKeyToAccount(market.ownerKeys[i]!).address,
          privateKeyToAccount(market.meterKeys[i]!).address,
          1,
          bus,
          kind,
          false,
        ],
      });
      await testClient.setBalance({ address: privateKeyToAccount(market.ownerKeys[i]!).address, value: parseEther('10') });
    }
    return market;
  } catch (err) {
    await chain.stop();
    throw err;
  }
}

type WriteArgs = Parameters<ReturnType<typeof createWalletClient>['writeContract']>[0];

/** Sends a transaction from `from` (the admin by default), waits, records the receipt under `label`. */
export async function send(
  market: Market,
  label: string,
  request: Omit<WriteArgs, 'chain' | 'account'>,
  fromKey: Hex = DEV_KEY,
): Promise<TransactionReceipt> {
  const account = privateKeyToAccount(fromKey);
  const wallet = createWalletClient({ chain: foundry, transport: http(market.chain.rpcUrl), account });
  const hash = await wallet.writeContract({ ...(request as WriteArgs), account, chain: foundry });
  const receipt = await market.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`${label || request.functionName} reverted`);
  if (label) market.receipts.set(label, receipt);
  return receipt;
}

export interface Day {
  epochId: number;
  schedule: ScheduleEntry[];
  trades: TradeEntry[];
}

/**
 * A day with `tradesPerHour` trades each hour from random sellers to random buyers; the schedule
 * is what the trades imply, so every hour balances. `imbalanceHour` adds 1 Wh to the grid there.
 */
export function syntheticDay(market: Market, shape: MarketShape, epochId: number, tradesPerHour: number, imbalanceHour?: number): Day {
  const random = rng(epochId);
  const net: bigint[][] = Array.from({ length: 24 }, () => Array.from({ length: market.agentCount }, () => 0n));
  const trades: TradeEntry[] = [];
  for (let h = 0; h < 24; h++) {
    for (let k = 0; k < tradesPerHour; k++) {
      const seller = Math.floor(random() * (shape.sellers + 1)); // 0 is the grid
      const buyer = 1 + shape.sellers + Math.floor(random() * shape.buyers);
      const energyWh = BigInt(1 + Math.floor(random() * 400));
      trades.push({ tradeIndex: trades.length, seller, buyer, hour: h, energyWh, value: energyWh * 60n });
      net[h]![seller]! += energyWh;
      net[h]![buyer]! -= energyWh;
    }
  }
  if (imbalanceHour !== undefined) net[imbalanceHour]![0]! += 1n;
  const schedule: ScheduleEntry[] = [];
  for (let h = 0; h < 24; h++) for (let a = 0; a < market.agentCount; a++) schedule.push({ agentId: a, hour: h, energyWh: net[h]![a]! });
  return { epochId, schedule, trades };
}

export async function postDay(market: Market, day: Day, label = '') {
  const scheduleTree = buildScheduleTree(day.epochId, day.schedule);
  const tradeTree = buildTradeTree(day.epochId, day.trades);
  await send(market, label, {
    address: market.deployment.clearingLedger,
    abi: clearingLedgerAbi,
    functionName: 'postEpoch',
    args: [
      {
        epochId: day.epochId,
        networkId: market.networkId,
        scheduleRoot: scheduleTree.root as Hex,
        tradeRoot: tradeTree.root as Hex,
        documentHash: keccak256(encodePacked(['string', 'uint32'], ['document', day.epochId])),
        toleranceWh: 50,
        agentCount: market.agentCount,
        tradeCount: day.trades.length,
        totalEnergyWh: day.trades.reduce((s, t) => s + t.energyWh, 0n),
        totalValue: day.trades.reduce((s, t) => s + t.value, 0n),
        documentURI: `file://${REPO_ROOT}results/${day.epochId}.json`,
      },
    ],
  });
  return { scheduleTree, tradeTree };
}

export async function signedReadings(market: Market, day: Day, agents: number[]) {
  const chainId = await market.publicClient.getChainId();
  return Promise.all(
    agents.map(async (agentId) => {
      const energyWh = day.schedule.filter((e) => e.agentId === agentId).map((e) => Number(e.energyWh));
      const account = privateKeyToAccount(market.meterKeys[agentId]!);
      const typed = meterReadingTypedData(chainId, market.deployment.meterReadings, { epochId: day.epochId, agentId, energyWh });
      const signature = await account.signTypedData(typed);
      return { epochId: day.epochId, agentId, energyWh, signature };
    }),
  );
}

export async function relayReadings(market: Market, day: Day, agents: number[], label = '') {
  const batch = await signedReadings(market, day, agents);
  return send(market, label, {
    address: market.deployment.meterReadings,
    abi: meterReadingsAbi,
    functionName: 'submitReadings',
    args: [batch],
  });
}

export async function checkLeaves(market: Market, day: Day, tree: ReturnType<typeof buildScheduleTree>, indices: number[], label = '') {
  const mp = scheduleMultiProof(tree, indices);
  return send(market, label, {
    address: market.deployment.meterReadings,
    abi: meterReadingsAbi,
    functionName: 'checkSchedule',
    args: [day.epochId, mp.leaves, mp.proof, mp.proofFlagBits],
  });
}

export async function settleRange(market: Market, day: Day, tree: ReturnType<typeof buildTradeTree>, from: number, count: number, label = '') {
  const mp = tradeMultiProof(tree, Array.from({ length: count }, (_, i) => from + i));
  return send(market, label, {
    address: market.deployment.settlement,
    abi: settlementAbi,
    functionName: 'settleTrades',
    args: [day.epochId, mp.words, mp.proof, mp.proofFlagBits],
  });
}

/** Mints and escrows enough for every buyer's trades of the day. */
export async function fundBuyers(market: Market, day: Day) {
  const owed = new Map<number, bigint>();
  for (const t of day.trades) owed.set(t.buyer, (owed.get(t.buyer) ?? 0n) + t.value);
  for (const [buyer, amount] of owed) {
    const ownerKey = market.ownerKeys[buyer]!;
    const owner = privateKeyToAccount(ownerKey).address;
    await send(market, '', { address: market.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'mint', args: [owner, amount] });
    await send(market, '', { address: market.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'approve', args: [market.deployment.settlement, amount] }, ownerKey);
    await send(market, '', { address: market.deployment.settlement, abi: settlementAbi, functionName: 'deposit', args: [buyer, amount] }, ownerKey);
  }
}

export async function advance(market: Market, seconds: number) {
  await market.testClient.increaseTime({ seconds });
  await market.testClient.mine({ blocks: 1 });
}

export function ownerAddress(market: Market, agentId: number): Address {
  return privateKeyToAccount(market.ownerKeys[agentId]!).address;
}
