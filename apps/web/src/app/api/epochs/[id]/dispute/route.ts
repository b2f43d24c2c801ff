// The transaction that proves an epoch faulty (a line overloaded in an hour, or a trade its
// schedule and prices do not justify), for the auditor's wallet to send.
import { disputeRequest, findViolations, loadEpochData } from '@gridmarket/oracle/read';
import { encodeFunctionData } from 'viem';
import { chainRoute } from '@/server/chain';
import { BadRequest, intParam, json } from '@/server/http';

export const GET = chainRoute<{ id: string }>(async (c, req, p) => {
  const id = intParam('epoch', p.id);
  const hourParam = new URL(req.url).searchParams.get('hour');
  const hour = hourParam === null ? undefined : intParam('hour', hourParam, 24);
  const { epoch, onchain } = await loadEpochData(c.ctx, c.store, id);
  if (epoch.voided) throw new BadRequest(`epoch ${id} is already voided`);
  if (c.now > epoch.challengeEndsAt) throw new BadRequest(`the challenge window of epoch ${id} closed at chain time ${epoch.challengeEndsAt}`);
  const violations = await findViolations(c.ctx, onchain, epoch.networkId);
  const violation = hour === undefined ? violations[0] : violations.find((v) => v.kind === 'overload' && v.hour === hour);
  if (!violation) {
    throw new BadRequest(hour === undefined ? `epoch ${id} overloads no line and holds no unjustified trade: there is nothing to dispute` : `no line is overloaded in hour ${hour} of epoch ${id}: there is nothing to dispute`);
  }
  const request = disputeRequest(c.ctx, onchain, violation);
  return json({ violation, tx: { to: request.address, data: encodeFunctionData(request as never) } });
});
