// Liveness of the web server (not of the chain: the pages say what is wrong with that).
export function GET(): Response {
  return Response.json({ ok: true });
}
