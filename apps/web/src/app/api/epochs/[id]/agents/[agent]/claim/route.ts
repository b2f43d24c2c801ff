// The next step of an agent's claim (reveal, settle, withdraw) as a transaction to sign.
import { claimPlan } from '@gridmarket/oracle/read';
import { chainRoute } from '@/server/chain';
import { intParam, json } from '@/server/http';

export const GET = chainRoute<{ id: string; agent: string }>(async (c, _req, p) =>
  json(await claimPlan(c.ctx, c.store, intParam('epoch', p.id), intParam('agent', p.agent, 2 ** 16))),
);
