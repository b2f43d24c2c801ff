// An agent's leaves, proofs, trade statuses and meter checks for one epoch.
import { connectOrResponse } from '@/server/chain';
import { errorResponse, intParam, json } from '@/server/http';
import { participantEpoch } from '@/server/participant';

export async function GET(_req: Request, { params }: { params: Promise<{ id: string; agent: string }> }): Promise<Response> {
  const c = await connectOrResponse();
  if (c instanceof Response) return c;
  try {
    const p = await params;
    return json(await participantEpoch(c.ctx, c.store, intParam('epoch', p.id), intParam('agent', p.agent, 2 ** 16)));
  } catch (err) {
    return errorResponse(err);
  }
}
