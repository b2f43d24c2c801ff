// The next step of an agent's claim (reveal, settle, withdraw) as a transaction to sign.
import { claimPlan } from '@gridmarket/oracle/read';
import { connectOrResponse } from '@/server/chain';
import { errorResponse, intParam, json } from '@/server/http';

export async function GET(_req: Request, { params }: { params: Promise<{ id: string; agent: string }> }): Promise<Response> {
  const c = await connectOrResponse();
  if (c instanceof Response) return c;
  try {
    const p = await params;
    return json(await claimPlan(c.ctx, c.store, intParam('epoch', p.id), intParam('agent', p.agent, 2 ** 16)));
  } catch (err) {
    return errorResponse(err);
  }
}
