// The transaction that proves an hour of an epoch infeasible, for the auditor's wallet to send.
import { disputeHourRequest, findViolations, loadEpochData } from '@gridmarket/oracle/read';
import { encodeFunctionData } from 'viem';
import { chainRoute } from '@/server/chain';
import { BadRequest, intParam, json } from '@/server/http';

export const GET = chainRoute<{ id: string }>(async (c, req, p) => {
  const id = intParam('epoch', p.id);
  const hour = intParam('hour', new URL(req.url).searchParams.get('hour'), 24);
  const { epoch, onchain } = await loadEpochData(c.ctx, c.store, id);
  if (epoch.voided) throw new BadRequest(`epoch ${id} is already voided`);
  if (c.now > epoch.challengeEndsAt) throw new BadRequest(`the challenge window of epoch ${id} closed at ${epoch.challengeEndsAt}`);
  const violation = (await findViolations(c.ctx, onchain, epoch.networkId)).find((v) => v.hour === hour);
  if (!violation) throw new BadRequest(`hour ${hour} of epoch ${id} balances and respects every line limit: there is nothing to dispute`);
  const request = disputeHourRequest(c.ctx, onchain, hour);
  return json({ violation, tx: { to: request.address, data: encodeFunctionData(request) } });
});
