// The transaction that proves an hour of an epoch infeasible, for the auditor's wallet to send.
import { disputeHourRequest, findViolations, loadEpochData } from '@gridmarket/oracle/read';
import { encodeFunctionData } from 'viem';
import { connectOrResponse } from '@/server/chain';
import { BadRequest, errorResponse, intParam, json } from '@/server/http';

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const c = await connectOrResponse();
  if (c instanceof Response) return c;
  try {
    const id = intParam('epoch', (await params).id);
    const hour = intParam('hour', new URL(req.url).searchParams.get('hour'), 24);
    const { epoch, onchain } = await loadEpochData(c.ctx, c.store, id);
    if (epoch.voided) throw new BadRequest(`epoch ${id} is already voided`);
    if (c.now > epoch.challengeEndsAt) throw new BadRequest(`the challenge window of epoch ${id} closed at ${epoch.challengeEndsAt}`);
    const violation = (await findViolations(c.ctx, onchain, epoch.networkId)).find((v) => v.hour === hour);
    if (!violation) throw new BadRequest(`hour ${hour} of epoch ${id} balances and respects every line limit: there is nothing to dispute`);
    const request = disputeHourRequest(c.ctx, onchain, hour);
    return json({ violation, tx: { to: request.address, data: encodeFunctionData(request) } });
  } catch (err) {
    return errorResponse(err);
  }
}
