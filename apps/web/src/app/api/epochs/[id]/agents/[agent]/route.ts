// An agent's leaves, proofs, trade statuses and meter checks for one epoch.
import { chainRoute } from '@/server/chain';
import { intParam, json } from '@/server/http';
import { participantEpoch } from '@/server/participant';

export const GET = chainRoute<{ id: string; agent: string }>(async (c, _req, p) =>
  json(await participantEpoch(c.ctx, c.store, intParam('epoch', p.id), intParam('agent', p.agent, 2 ** 16))),
);
