// A synthetic market day on a local anvil, used by the gas table and by the on-chain tests:
// deploy, register a network and agents, deposit, post an epoch with its schedule rows, relay
// readings, settle positions, dispute, withdraw.
import {
  type Address,
  type Hex,
  createPublicClient,
  createTestClient,
  createWalletClient,
  encodePacked,
  http,
  keccak256,
  parseEther,
  type TransactionReceipt,
} from 'viem';
import { rng } from '@gridmarket/bench';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import os from 'node:os';
import path from 'node:path';
import {
  clearingLedgerAbi,
  meterReadingsAbi,
  networkRegistryAbi,
  participantRegistryAbi,
  settlementAbi,
  settlementTokenAbi,
} from '../src/generated';
import { type Deployment } from '../src/deployment';
import { buildScheduleTree, buildTradeTree, packRows, scheduleMultiProof, type ScheduleTree, type TradeEntry, type TradeTree } from '../src/leaves';
import { meterReadingTypedData } from '../src/meterReading';
import { epochCommitments, type SettlementMode, SETTLEMENT_MODES, type Tariff, tariffArgs, tradeValue } from '../src/positions';
import { type LocalChain, startAnvil } from '../src/anvil';
import { deployContracts } from '../src/deploy';

/** Anvil's first development key (public; local chains only). */
export const DEV_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export const key = (label: string, i: number): Hex => keccak256(encodePacked(['string', 'uint256'], [label, BigInt(i)]));

/** $0.06, $0.25 and $0.03 per kWh in micro-dollars (the local token has 6 decimals). */
export const FLAT_TARIFF: Tariff = {
  price: Array.from({ length: 24 }, () => 60_000n),
  shortfall: Array.from({ length: 24 }, () => 250_000n),
  surplus: Array.from({ length: 24 }, () => 30_000n),
};

export interface Market {
  chain: LocalChain;
  deployment: Deployment;
  publicClient: ReturnType<typeof createPublicClient>;
  testClient: ReturnType<typeof createTestClient>;
  networkId: number;
  shape: MarketShape;
  /** The network's PTDF as registered (line-major, one entry per bus, scaled by 1e9). */
  ptdf: number[];
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
    // Receipts polled every 50 ms: viem's default (4 s) would dominate a local chain's timings.
    const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 50 });
    const testClient = createTestClient({ chain: foundry, transport, mode: 'anvil' });
    const market: Market = {
      chain,
      deployment,
      publicClient,
      testClient,
      networkId: 0,
      shape,
      ptdf: [],
      agentCount: 1 + shape.sellers + shape.buyers,
      ownerKeys: [],
      meterKeys: [],
      receipts: new Map(),
    };

    // A synthetic PTDF (slack bus 1 has a zero column) with loose limits: honest days are feasible;
    // a corrupt day overloads a line by moving hundreds of MWh (see overloadDay).
    const random = rng(seed);
    const ptdf: number[] = [];
    for (let l = 0; l < shape.lines; l++) {
      for (let b = 1; b <= shape.buses; b++) ptdf.push(b === 1 ? 0 : Math.round((random() * 2 - 1) * 1e9));
    }
    market.ptdf = ptdf;
    const limits = Array.from({ length: shape.lines }, () => 100_000_000);
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
        args: [privateKeyToAccount(market.ownerKeys[i]!).address, privateKeyToAccount(market.meterKeys[i]!).address, 1, bus, kind, false],
      });
      await testClient.setBalance({ address: ownerAddress(market, i), value: parseEther('10') });
    }
    return market;
  } catch (err) {
    await chain.stop();
    throw err;
  }
}

type WriteArgs = Parameters<ReturnType<typeof createWalletClient>['writeContract']>[0];

/** Sends a transaction from `fromKey` (the admin by default), waits, records the receipt under `label`. */
export async function send(market: Market, label: string, request: Omit<WriteArgs, 'chain' | 'account'>, fromKey: Hex = DEV_KEY): Promise<TransactionReceipt> {
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
  mode: SettlementMode;
  /** Rows in network order (agent id = position here): 24 hourly Wh each. */
  rows: number[][];
  trades: TradeEntry[];
  tariff: Tariff;
}

/**
 * A day of `trades` random trades spread over the hours, from random suppliers (the grid is 0) to
 * random buyers, valued at the price; the schedule is what the trades imply, so every hour
 * balances and every trade is justified by its parties' rows.
 */
export function syntheticDay(market: Market, shape: MarketShape, epochId: number, trades: number, mode: SettlementMode = 'imbalance'): Day {
  const random = rng(epochId);
  const rows = Array.from({ length: market.agentCount }, () => Array.from({ length: 24 }, () => 0));
  const out: TradeEntry[] = [];
  for (let i = 0; i < trades; i++) {
    const hour = Math.floor((i * 24) / trades);
    const seller = Math.floor(random() * (shape.sellers + 1));
    const buyer = 1 + shape.sellers + Math.floor(random() * shape.buyers);
    const energyWh = 1 + Math.floor(random() * 400);
    out.push({ tradeIndex: i, seller, buyer, hour, energyWh: BigInt(energyWh), value: tradeValue(BigInt(energyWh), FLAT_TARIFF.price[hour]!) });
    rows[seller]![hour]! += energyWh;
    rows[buyer]![hour]! -= energyWh;
  }
  return { epochId, mode, rows, trades: out, tariff: FLAT_TARIFF };
}

/**
 * Opens every agent's settlement account (once per agent, at registration): afterwards no
 * settlement or withdrawal creates storage. Returns the labels of the receipts.
 */
export async function openAccounts(market: Market, label: string, perTx = 500): Promise<string[]> {
  const labels: string[] = [];
  for (let first = 0; first < market.agentCount; first += perTx) {
    const ids = Array.from({ length: Math.min(perTx, market.agentCount - first) }, (_, k) => first + k);
    labels.push(market.agentCount > perTx ? `${label} ${first}` : label);
    await send(market, labels.at(-1)!, { address: market.deployment.settlement, abi: settlementAbi, functionName: 'openAccounts', args: [ids] });
  }
  return labels;
}

/**
 * Each agent deposits what posting the day locks (its purchases; the grid also its reserve).
 * Returns the labels of the deposit receipts (recorded as `${label} ${agentId}` when a label is given).
 */
export async function fundDay(market: Market, day: Day, label = ''): Promise<string[]> {
  const c = epochCommitments(day.rows, 0, day.tariff, day.mode);
  const labels: string[] = [];
  for (let agentId = 0; agentId < market.agentCount; agentId++) {
    const amount = c.locks[agentId]! + (agentId === 0 ? c.reserve : 0n);
    if (amount === 0n) continue;
    const l = label ? `${label} ${agentId}` : '';
    await deposit(market, agentId, amount, l);
    if (l) labels.push(l);
  }
  return labels;
}

export async function deposit(market: Market, agentId: number, amount: bigint, label = '') {
  const ownerKey = market.ownerKeys[agentId]!;
  await send(market, '', { address: market.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'mint', args: [ownerAddress(market, agentId), amount] });
  await send(market, '', { address: market.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'approve', args: [market.deployment.settlement, amount] }, ownerKey);
  await send(market, label, { address: market.deployment.settlement, abi: settlementAbi, functionName: 'deposit', args: [agentId, amount] }, ownerKey);
}

export function dayTrees(day: Day): { scheduleTree: ScheduleTree; tradeTree: TradeTree } {
  return {
    scheduleTree: buildScheduleTree(
      day.epochId,
      day.rows.map((energyWh, agentId) => ({ agentId, energyWh })),
    ),
    tradeTree: buildTradeTree(day.epochId, day.trades),
  };
}

export async function postDay(market: Market, day: Day, label = '') {
  const trees = dayTrees(day);
  await send(market, label, {
    address: market.deployment.clearingLedger,
    abi: clearingLedgerAbi,
    functionName: 'postEpoch',
    value: market.deployment.minBond as never,
    args: [
      {
        epochId: day.epochId,
        networkId: market.networkId,
        mode: SETTLEMENT_MODES.indexOf(day.mode),
        tradeRoot: trees.tradeTree.root as Hex,
        tradeCount: day.trades.length,
        documentHash: keccak256(encodePacked(['string', 'uint32'], ['document', day.epochId])),
        toleranceWh: 50,
        documentURI: `http://127.0.0.1/documents/${day.epochId}`,
      },
      packRows(day.rows),
      tariffArgs(day.tariff),
    ],
  });
  return trees;
}

/** The honest day with `wh` Wh more moved, in `hour`, between the two agents whose buses differ
 *  most on some line: that line overloads (limits are 100 MWh). Returns the day and the line. */
export function overloadDay(market: Market, day: Day, hour: number, wh = 500_000_000): Day {
  const { ptdf } = market;
  const buses = market.shape.buses;
  const busOf = (agentId: number) => (agentId === 0 ? 1 : 1 + (agentId % buses));
  let best = { d: 0, from: 0, to: 0 };
  for (let line = 0; line * buses < ptdf.length; line++) {
    for (let a = 0; a < market.agentCount; a++) {
      for (let b = 0; b < market.agentCount; b++) {
        const d = ptdf[line * buses + busOf(a) - 1]! - ptdf[line * buses + busOf(b) - 1]!;
        if (d > best.d) best = { d, from: a, to: b };
      }
    }
  }
  const rows = day.rows.map((r) => [...r]);
  rows[best.from]![hour]! += wh;
  rows[best.to]![hour]! -= wh;
  return { ...day, epochId: day.epochId + 1000, rows };
}

export async function signedReadings(market: Market, day: Day, agents: number[], readings = day.rows) {
  const chainId = await market.publicClient.getChainId();
  return Promise.all(
    agents.map(async (agentId) => {
      const energyWh = readings[agentId]!;
      const account = privateKeyToAccount(market.meterKeys[agentId]!);
      const typed = meterReadingTypedData(chainId, market.deployment.meterReadings, { epochId: day.epochId, agentId, energyWh });
      const signature = await account.signTypedData(typed);
      return { epochId: day.epochId, agentId, energyWh, signature };
    }),
  );
}

export async function relayReadings(market: Market, day: Day, agents: number[], label = '', readings = day.rows) {
  const batch = await signedReadings(market, day, agents, readings);
  return send(market, label, { address: market.deployment.meterReadings, abi: meterReadingsAbi, functionName: 'submitReadings', args: [batch as never] });
}

/** Settles the agents at `positions` with the readings that were relayed (`readings`, or none). */
export async function settleAgents(market: Market, day: Day, tree: ScheduleTree, positions: number[], label = '', readings: (number[] | undefined)[] = day.rows) {
  const mp = scheduleMultiProof(tree, positions);
  const meters = mp.positions.map((p) => (readings[p] ? privateKeyToAccount(market.meterKeys[p]!).address : ('0x0000000000000000000000000000000000000000' as Address)));
  const measured = packRows(mp.positions.map((p) => readings[p] ?? Array.from({ length: 24 }, () => 0)));
  return send(market, label, {
    address: market.deployment.settlement,
    abi: settlementAbi,
    functionName: 'settleAgents',
    args: [day.epochId, { agentIds: mp.agentIds, scheduleWh: mp.scheduleWh, meters, measuredWh: measured }, mp.proof, mp.proofFlagBits, tariffArgs(day.tariff)],
  });
}

export async function advance(market: Market, seconds: number) {
  await market.testClient.increaseTime({ seconds });
  await market.testClient.mine({ blocks: 1 });
}

export function ownerAddress(market: Market, agentId: number): Address {
  return privateKeyToAccount(market.ownerKeys[agentId]!).address;
}
