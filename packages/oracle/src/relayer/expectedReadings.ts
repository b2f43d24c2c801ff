// What a relayer waits for: the readings of an epoch's agents (all, or those named), less those
// already on chain (an earlier relayer's, or anyone's), which are final from the start.
import type { ChainContext } from '../chain/context';
import { readEpoch } from '../read/epoch';
import { networkAgentIds, positionOf } from '../read/epochData';
import { readStoredReadings } from '../read/readings';

export interface ExpectedReadings {
  /** The agents whose readings the relayer waits for. */
  expect: number[];
  /** Those of them whose reading is on chain already. */
  alreadyStored: number[];
}

/** Errors: EpochNotPostedError, AgentNotInEpochError (a named agent the epoch does not have). */
export async function expectedReadings(ctx: ChainContext, epochId: number, only?: readonly number[]): Promise<ExpectedReadings> {
  const epoch = await readEpoch(ctx, epochId);
  const all = (await networkAgentIds(ctx, epoch.networkId)).slice(0, epoch.agentCount);
  const expect = only === undefined ? all : [...only];
  for (const id of expect) positionOf(id, all, `epoch ${epochId}`);
  const stored = await readStoredReadings(ctx, epochId, expect);
  return { expect, alreadyStored: expect.filter((id) => stored.has(id)) };
}
