// Shared test setup: a fresh anvil and work directory per test, and chain-side totals to check.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { settlementAbi, settlementTokenAbi } from '@gridmarket/contracts';
import { type LocalChain, startAnvil } from '@gridmarket/contracts/node';
import { type ChainContext } from '../src/index';

export interface Sandbox {
  chain: LocalChain;
  workDir: string;
  done(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const chain = await startAnvil();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-oracle-'));
  return {
    chain,
    workDir,
    async done() {
      await chain.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * Token books of an epoch's agents: what the settlement contract holds, the agents' available and
 * locked balances, every epoch's pot and reserve, the token's supply and what the owners hold.
 */
export async function tokenBooks(ctx: ChainContext, agentIds: readonly number[], epochIds: readonly number[]) {
  let available = 0n;
  let locked = 0n;
  for (const id of agentIds) {
    const a = await ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'accountOf', args: [id] });
    available += a.available;
    locked += a.locked;
  }
  let pots = 0n;
  for (const e of epochIds) {
    const b = await ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'epochBook', args: [e] });
    pots += b.pot + b.reserve;
  }
  const held = await ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [ctx.deployment.settlement] });
  const supply = await ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'totalSupply' });
  let owners = 0n;
  for (const id of agentIds) {
    owners += await ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [ctx.owner(id).address] });
  }
  return { available, locked, pots, held, supply, owners };
}
