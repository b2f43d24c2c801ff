// An auditor's check of an epoch: the document against its hash, the roots, balance and line
// flows, and settlement against the meter readings. A refused document is a failed audit.
import { auditEpoch, StoreError } from '@gridmarket/oracle/read';
import { connectOrResponse } from '@/server/chain';
import { errorResponse, intParam, json } from '@/server/http';

export async function POST(_req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const c = await connectOrResponse();
  if (c instanceof Response) return c;
  try {
    const id = intParam('epoch', (await params).id);
    try {
      return json({ ok: true, report: await auditEpoch(c.ctx, c.store, id) });
    } catch (err) {
      if (err instanceof StoreError) return json({ ok: false, document: { problem: err.kind, message: err.message } });
      throw err;
    }
  } catch (err) {
    return errorResponse(err);
  }
}
