// An auditor's check of an epoch: the document against its hash, the roots, balance and line
// flows, and settlement against the meter readings. A refused document is a failed audit.
import { auditEpoch, StoreError } from '@gridmarket/oracle/read';
import { chainRoute } from '@/server/chain';
import { intParam, json } from '@/server/http';

export const POST = chainRoute<{ id: string }>(async (c, _req, p) => {
  const id = intParam('epoch', p.id);
  try {
    return json({ ok: true, report: await auditEpoch(c.ctx, c.store, id) });
  } catch (err) {
    if (err instanceof StoreError) return json({ ok: false, document: { problem: err.kind, message: err.message } });
    throw err;
  }
});
