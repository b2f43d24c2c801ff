// Gas-bounded batching: a batch is as large as fits in 90% of the block gas limit, found by
// estimating the transaction and halving while it does not fit (sized by estimation, not by a
// constant). A named contract revert is not a size problem and is raised as it is.
import type { Account, ChainContext } from './context';
import { revertName } from './context';

export interface BatchPlan<T> {
  step: string;
  items: readonly T[];
  /** The contract call for a slice of items. */
  build: (slice: readonly T[]) => Record<string, unknown>;
  account?: Account;
  /** Optional cap on batch size (e.g. to bound calldata). */
  maxBatch?: number;
}

export async function sendInBatches<T>(ctx: ChainContext, plan: BatchPlan<T>): Promise<{ batches: number; sizes: number[] }> {
  const block = await ctx.publicClient.getBlock();
  const budget = (block.gasLimit * 9n) / 10n;
  const account = plan.account ?? ctx.operator;
  const sizes: number[] = [];
  let start = 0;
  let size = Math.min(plan.items.length, plan.maxBatch ?? plan.items.length);
  while (start < plan.items.length) {
    size = Math.max(1, Math.min(size, plan.items.length - start));
    const slice = plan.items.slice(start, start + size);
    const request = plan.build(slice);
    let gas: bigint | undefined;
    let anonymous: unknown;
    try {
      gas = await ctx.publicClient.estimateContractGas({ ...(request as object), account } as never);
    } catch (err) {
      // A named revert is the contract refusing: raised as it is. A revert without data may be a
      // call inside the transaction running out of the block's gas (it fails, and the caller
      // bubbles an empty revert): treated as too large, until a single item still fails.
      const name = revertName(err);
      if (name && name !== 'revert') throw err;
      if (name && size === 1) throw err;
      anonymous = err;
      gas = undefined; // too large for a block (or for the node's estimate cap)
    }
    if (gas === undefined || gas > budget) {
      if (size === 1) throw anonymous ?? new Error(`${plan.step}: a single item does not fit in a block (${gas ?? 'over the limit'} gas)`);
      size = Math.ceil(size / 2);
      continue;
    }
    await ctx.send(plan.step, request, account);
    sizes.push(size);
    start += size;
  }
  return { batches: sizes.length, sizes };
}
