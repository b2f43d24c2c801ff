'use client';
// Connecting a wallet: an injected one (a browser extension), or on a local chain one of the
// development accounts, which the local node signs for (anvil impersonation; never on a real chain).
import { useEffect, useState } from 'react';
import type { Hex } from 'viem';
import { mock, useAccount, useConnect, useDisconnect, useSwitchChain } from 'wagmi';
import { shortHex } from '@/lib/format';
import type { DevAccount } from '@/lib/types';
import { rpcUrl, useAppChain } from './Providers';

async function rpc(method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(rpcUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

export function Wallet({ devAccounts }: { devAccounts: DevAccount[] }) {
  const app = useAppChain();
  const account = useAccount();
  const { connectAsync, connectors } = useConnect();
  const { disconnect } = useDisconnect();
  const { switchChain } = useSwitchChain();
  const [choice, setChoice] = useState(devAccounts[0]?.address ?? '');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Known only in the browser (after hydration, so that server and client render alike).
  const [hasInjected, setHasInjected] = useState(false);
  useEffect(() => setHasInjected('ethereum' in window), []);

  const connectDev = async () => {
    setError(undefined);
    setBusy(true);
    try {
      await rpc('anvil_impersonateAccount', [choice]);
      const balance = BigInt((await rpc('eth_getBalance', [choice, 'latest'])) as string);
      if (balance < 10n ** 17n) await rpc('anvil_setBalance', [choice, `0x${(10n ** 19n).toString(16)}`]);
      await connectAsync({ connector: mock({ accounts: [choice as Hex] }) });
    } catch (err) {
      setError((err as Error).message.split('\n')[0]);
    } finally {
      setBusy(false);
    }
  };
  const connectInjected = async () => {
    setError(undefined);
    try {
      await connectAsync({ connector: connectors.find((c) => c.type === 'injected')! });
    } catch (err) {
      setError((err as Error).message.split('\n')[0]);
    }
  };

  if (account.status === 'connected') {
    const wrongChain = account.chainId !== app.chainId;
    return (
      <div className="card" data-testid="wallet">
        <div className="row">
          <span>
            Connected: <span className="mono" data-testid="wallet-address">{account.address}</span> ({account.connector?.type === 'mock' ? 'development account, signed for by the local node' : account.connector?.name})
          </span>
          <button className="secondary" onClick={() => disconnect()}>
            Disconnect
          </button>
        </div>
        {wrongChain && (
          <div className="alert warn" role="alert" data-testid="wrong-chain" style={{ marginTop: '0.75rem' }}>
            Wrong chain: the wallet is on chain {account.chainId}, the market is on chain {app.chainId}.{' '}
            <button onClick={() => switchChain({ chainId: app.chainId })}>Switch to chain {app.chainId}</button>
          </div>
        )}
      </div>
    );
  }
  return (
    <div className="card" data-testid="wallet">
      <div className="row">
        {app.devAccounts && devAccounts.length > 0 && (
          <>
            <label htmlFor="dev-account">Development account</label>
            <select id="dev-account" data-testid="dev-account" value={choice} onChange={(e) => setChoice(e.target.value)}>
              {devAccounts.map((a) => (
                <option key={a.address} value={a.address}>
                  {a.label} · {shortHex(a.address, 4)}
                </option>
              ))}
            </select>
            <button onClick={connectDev} disabled={busy || !choice} data-testid="connect-dev">
              {busy ? 'Connecting…' : 'Connect'}
            </button>
          </>
        )}
        <button className={app.devAccounts ? 'secondary' : undefined} onClick={connectInjected} disabled={!hasInjected} title={hasInjected ? '' : 'no browser wallet found'}>
          Browser wallet
        </button>
      </div>
      {app.devAccounts && (
        <p className="muted" data-testid="dev-wallet-note">
          <strong>Development wallet.</strong> This is a local chain (id {app.chainId}): the node itself signs for these accounts (each agent&apos;s owner and an auditor), so no key
          or browser extension is needed, and its tokens are test tokens. It exists only on a local chain; on a real chain, connect a browser wallet.
        </p>
      )}
      {error && (
        <div className="alert bad" role="alert" style={{ marginTop: '0.75rem' }}>
          Could not connect: {error}
        </div>
      )}
    </div>
  );
}
