// JSON-RPC for the browser, forwarded to the configured chain. Only what a wallet and a reader need
// passes; the development methods (impersonating a local account, giving it gas, sending from it
// unsigned) only on a local chain with development accounts on, and only for the development
// accounts the app offers (the agents' owners and the auditor) — never for the operator's account
// or any other that anvil keeps unlocked.
import { connect } from '@/server/chain';
import { DEV_AUDITOR } from '@/server/agents';
import { webConfig } from '@/server/config';
import { listAgents } from '@/server/participant';

const READ = /^(eth_(chainId|blockNumber|getBalance|getCode|call|estimateGas|gasPrice|maxPriorityFeePerGas|feeHistory|getBlockBy(Number|Hash)|getTransactionBy\w+|getTransactionReceipt|getTransactionCount|getLogs|getStorageAt|sendRawTransaction|accounts)|net_version|web3_clientVersion)$/;
const DEV = new Set(['anvil_impersonateAccount', 'anvil_stopImpersonatingAccount', 'anvil_setBalance', 'eth_sendTransaction']);

/** The account a development call acts for: the address it impersonates or funds, or the sender. */
function devTarget(r: RpcRequest): string | undefined {
  const params = Array.isArray(r.params) ? r.params : [];
  const first = params[0] as unknown;
  const address = r.method === 'eth_sendTransaction' ? (first as { from?: unknown } | null)?.from : first;
  return typeof address === 'string' ? address.toLowerCase() : undefined;
}

interface RpcRequest {
  jsonrpc?: string;
  id?: number | string | null;
  method?: unknown;
  params?: unknown;
}

export async function POST(req: Request): Promise<Response> {
  let body: RpcRequest | RpcRequest[];
  try {
    body = (await req.json()) as RpcRequest | RpcRequest[];
  } catch {
    return Response.json({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error: the body is not JSON' } }, { status: 400 });
  }
  const calls = Array.isArray(body) ? body : [body];
  if (calls.length === 0 || calls.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
    return Response.json({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'invalid request: the body must be a JSON-RPC request object or a non-empty array of them' } }, { status: 400 });
  }
  const config = webConfig();
  const allowed = (r: RpcRequest) => typeof r.method === 'string' && READ.test(r.method);
  const refused = calls.find((r) => !allowed(r) && !(typeof r.method === 'string' && DEV.has(r.method) && config.devAccounts));
  if (!refused && !calls.every(allowed) && (await chainId(config.rpcUrl)) !== 31337) {
    return Response.json({ jsonrpc: '2.0', id: null, error: { code: -32601, message: 'development methods are only available on a local chain (31337)' } }, { status: 403 });
  }
  if (refused) {
    return Response.json(
      { jsonrpc: '2.0', id: refused.id ?? null, error: { code: -32601, message: `method ${String(refused.method)} is not available through this app` } },
      { status: 403 },
    );
  }
  const dev = calls.filter((r) => !allowed(r));
  if (dev.length > 0) {
    const c = await connect();
    const offered = new Set([DEV_AUDITOR, ...(c.state === 'ok' ? (await listAgents(c.ctx, new Map())).filter((a) => a.kind !== 'grid').map((a) => a.owner) : [])].map((a) => a.toLowerCase()));
    const foreign = dev.find((r) => !offered.has(devTarget(r) ?? ''));
    if (foreign) {
      return Response.json(
        { jsonrpc: '2.0', id: foreign.id ?? null, error: { code: -32601, message: `${String(foreign.method)} is only available for the development accounts the app offers, not ${devTarget(foreign) ?? 'this account'}` } },
        { status: 403 },
      );
    }
  }
  let upstream: Response;
  try {
    upstream = await fetch(config.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    return Response.json({ jsonrpc: '2.0', id: null, error: { code: -32603, message: `no chain answers at ${config.rpcUrl}` } }, { status: 503 });
  }
  return new Response(upstream.body, { status: upstream.status, headers: { 'content-type': 'application/json' } });
}

async function chainId(url: string): Promise<number | undefined> {
  try {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) });
    return Number(((await r.json()) as { result: string }).result);
  } catch {
    return undefined;
  }
}
