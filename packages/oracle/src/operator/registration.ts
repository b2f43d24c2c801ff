// Registers the network and the market's agents, idempotently: what is already on chain is
// checked and reused, what is missing is added. Re-running never registers anything twice.
import { networkRegistryAbi, participantRegistryAbi, settlementAbi } from '@gridmarket/contracts';
import type { PublicAgent } from '@gridmarket/clearing';
import type { Network } from '@gridmarket/grid';
import { encodeAbiParameters, type Hex, keccak256, parseAbiParameters, parseEther } from 'viem';
import type { ChainContext } from '../chain/context';
import { registeredAgent } from '../read/epochData';

export const PTDF_SCALE = 1e9;
/** An unlimited line is stored with the largest uint32 limit. */
export const UNLIMITED_WH = 2 ** 32 - 1;

export class RegistrationError extends Error {
  override name = 'RegistrationError';
}

/** The network's registration needs more gas than a block of the chain allows (the whole PTDF is stored). */
export class NetworkTooLargeError extends Error {
  override name = 'NetworkTooLargeError';
}

/**
 * The on-chain form of a network: buses renumbered 1..B in ascending order, limits in Wh per hour
 * (kW × 1000, rounded), PTDF × 1e9 rounded half away from zero, and a flow tolerance covering the
 * rounding of schedules to whole Wh: each agent's value moves by < 1 Wh and |PTDF| ≤ 1, so a flow
 * moves by less than the number of agents in Wh (plus 1 Wh for the PTDF rounding).
 */
export function networkOnchain(network: Network, agentCount: number) {
  const busCount = network.buses.length;
  const slackBus = network.buses.indexOf(network.slack) + 1;
  const limitsWh = network.lines.map((l) => (Number.isFinite(l.limitKw) ? Math.round(l.limitKw * 1000) : UNLIMITED_WH));
  const ptdf = Array.from(network.ptdf, (v) => {
    const scaled = Math.round(Math.abs(v) * PTDF_SCALE) * Math.sign(v);
    return scaled === 0 ? 0 : scaled; // no −0
  });
  const flowToleranceWh = agentCount + 1;
  const dataHash = keccak256(
    encodeAbiParameters(parseAbiParameters('uint16, uint16, uint32, uint32[], int32[]'), [busCount, slackBus, flowToleranceWh, limitsWh, ptdf]),
  );
  return { busCount, slackBus, flowToleranceWh, limitsWh, ptdf, dataHash };
}

/** The id of a registered network with the same data, registering it if there is none. */
export async function ensureNetwork(ctx: ChainContext, network: Network, agentCount: number): Promise<number> {
  const on = networkOnchain(network, agentCount);
  const address = ctx.deployment.networkRegistry;
  const count = await ctx.publicClient.readContract({ address, abi: networkRegistryAbi, functionName: 'networkCount' });
  for (let id = 1; id <= count; id++) {
    const n = await ctx.publicClient.readContract({ address, abi: networkRegistryAbi, functionName: 'network', args: [id] });
    if (n.dataHash === on.dataHash) return id;
  }
  try {
    await ctx.send('register network', {
      address,
      abi: networkRegistryAbi,
      functionName: 'registerNetwork',
      args: [on.busCount, on.slackBus, on.flowToleranceWh, on.limitsWh, on.ptdf],
    });
  } catch (err) {
    if (!outOfGas(err)) throw err;
    const { gasLimit } = await ctx.publicClient.getBlock();
    throw new NetworkTooLargeError(
      `registering network ${network.name} (${on.busCount} buses, ${on.limitsWh.length} lines: a PTDF of ${on.ptdf.length.toLocaleString('en-US')} entries, all stored on chain) needs more gas than a block of this chain allows (${gasLimit.toLocaleString('en-US')})`,
      { cause: err },
    );
  }
  return count + 1;
}

const KIND = { seller: 0, buyer: 1, grid: 2 } as const;

/**
 * Makes the network's agent list on chain equal to the market's agents (same order, bus and kind)
 * and returns their on-chain ids. Owners and meter keys come from the context's mnemonic, derived
 * from the on-chain id. Owners receive a little native currency for their own transactions.
 */
export async function ensureAgents(ctx: ChainContext, networkId: number, network: Network, agents: readonly PublicAgent[]): Promise<number[]> {
  const registry = ctx.deployment.participantRegistry;
  const existing = await ctx.publicClient.readContract({ address: registry, abi: participantRegistryAbi, functionName: 'networkAgents', args: [networkId] });
  const ids: number[] = [];
  for (const [i, agent] of agents.entries()) {
    const bus = network.buses.indexOf(agent.bus) + 1;
    if (i < existing.length) {
      const id = existing[i]!;
      const onchain = await registeredAgent(ctx, id);
      if (onchain.bus !== bus || onchain.kind !== KIND[agent.kind] || onchain.hasStorage !== agent.hasStorage) {
        throw new RegistrationError(
          `network ${networkId} already lists agent ${id} at position ${i} with bus ${onchain.bus}, kind ${onchain.kind}; the market has ${agent.id} at bus ${bus}: use another deployment or network`,
        );
      }
      ids.push(id);
      continue;
    }
    const id = await ctx.publicClient.readContract({ address: registry, abi: participantRegistryAbi, functionName: 'agentCount' });
    await ctx.send('register agents', {
      address: registry,
      abi: participantRegistryAbi,
      functionName: 'registerAgent',
      args: [ctx.owner(id).address, ctx.meter(id).address, networkId, bus, KIND[agent.kind], agent.hasStorage],
    });
    ids.push(id);
  }
  if (existing.length > agents.length) {
    throw new RegistrationError(`network ${networkId} has ${existing.length} agents on chain, the market ${agents.length}`);
  }
  for (const id of ids) await ensureGas(ctx, ctx.owner(id).address);
  await ensureAccountsOpened(ctx, ids);
  return ids;
}

/**
 * Opens the settlement accounts of agents that have none yet, in one transaction: paid once at
 * registration, so that no settlement or withdrawal creates storage afterwards (see
 * ISettlement.Account.opened). Agents already opened (by an earlier run or a deposit) are left out.
 */
export async function ensureAccountsOpened(ctx: ChainContext, ids: readonly number[]): Promise<void> {
  const accounts = await Promise.all(
    ids.map((id) => ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'accountOf', args: [id] })),
  );
  const closed = ids.filter((_, k) => !accounts[k]!.opened);
  if (closed.length === 0) return;
  await ctx.send('open accounts', { address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'openAccounts', args: [closed] });
}

/** Tops up an account to pay for a few transactions of its own. */
export async function ensureGas(ctx: ChainContext, address: Hex): Promise<void> {
  const balance = await ctx.publicClient.getBalance({ address });
  if (balance < parseEther('0.05')) await ctx.transfer('fund participants', address, parseEther('0.2'));
}

/** Whether a failed transaction, or its gas estimate, ran out of the gas a block allows. */
function outOfGas(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (/out of gas|gas required exceeds/i.test(e.message)) return true;
  return false;
}
