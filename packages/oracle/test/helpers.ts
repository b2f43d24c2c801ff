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

export async function sandbox(options: { gasLimit?: bigint } = {}): Promise<Sandbox> {
  const chain = await startAnvil(options.gasLimit ? { gasLimit: options.gasLimit } : {});
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

/** Token held by the settlement contract, and the escrow and claimable balances it owes. */
export async function tokenBooks(ctx: ChainContext, agentIds: readonly number[]) {
  const read = <T>(functionName: 'escrowOf' | 'claimableOf', id: number) =>
    ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName, args: [id] }) as Promise<T>;
  let escrow = 0n;
  let claimable = 0n;
  for (const id of agentIds) {
    escrow += await read<bigint>('escrowOf', id);
    claimable += await read<bigint>('claimableOf', id);
  }
  const held = await ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [ctx.deployment.settlement] });
  const supply = await ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'totalSupply' });
  let owners = 0n;
  for (const id of agentIds) {
    owners += await ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [ctx.owner(id).address] });
  }
  return { escrow, claimable, held, supply, owners };
}
