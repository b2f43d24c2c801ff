// JSON responses for the route handlers: bigints as decimal strings, errors with a status that says
// whose problem it is (bad request, unknown epoch or agent, document refused, chain failure).
import 'server-only';
import { EpochNotPostedError, StoreError } from '@gridmarket/oracle/read';

export function json(data: unknown, status = 200): Response {
  return new Response(JSON.stringify(data, (_, v) => (typeof v === 'bigint' ? v.toString() : v)), { status, headers: { 'content-type': 'application/json' } });
}

export class BadRequest extends Error {
  override name = 'BadRequest';
}

export function errorResponse(err: unknown): Response {
  const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  if (err instanceof BadRequest) return json({ error: message }, 400);
  if (err instanceof RangeError || err instanceof EpochNotPostedError) return json({ error: message }, 404);
  if (err instanceof StoreError) return json({ error: message, document: err.kind }, 409);
  return json({ error: message }, 500);
}

/** A path or query parameter that must be a whole number in [0, max). */
export function intParam(name: string, raw: string | null, max = 2 ** 32): number {
  const n = Number(raw);
  if (raw === null || raw === '' || !Number.isInteger(n) || n < 0 || n >= max) throw new BadRequest(`${name} must be a whole number from 0 to ${max - 1}, got "${raw ?? ''}"`);
  return n;
}
