// Getting a chain past a deadline: move anvil's clock, or wait for real time.
import type { ChainContext } from '../chain/context';

/** Returns true once the chain's next block is after `deadline`. */
export async function passTime(ctx: ChainContext, deadline: bigint, mode: 'advance' | 'wait', progress: (s: string) => void): Promise<boolean> {
  if (mode === 'advance') {
    // What counts is the next block's timestamp: a chain reloaded from saved state may have blocks
    // from before a clock jump that was not saved, so mine and look.
    const test = ctx.testClient();
    for (let attempt = 0; attempt < 3; attempt++) {
      await test.mine({ blocks: 1 });
      const t = (await ctx.publicClient.getBlock()).timestamp;
      if (t > deadline) return true;
      await test.increaseTime({ seconds: Number(deadline - t) + 1 });
    }
    throw new Error(`could not move the chain's clock past ${deadline}`);
  }
  const now = (await ctx.publicClient.getBlock()).timestamp;
  if (now > deadline) return true;
  const waitS = Number(deadline - now) + 1;
  progress(`  waiting ${waitS} s for the window to close (run again later to resume)\n`);
  await new Promise((r) => setTimeout(r, waitS * 1000));
  for (;;) {
    const t = (await ctx.publicClient.getBlock()).timestamp;
    if (t > deadline) return true;
    await new Promise((r) => setTimeout(r, 5000));
  }
}
