import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { HydrationMark } from '@/components/HydrationMark';
import { connect, describeConnection } from '@/server/chain';
import './globals.css';

export const metadata: Metadata = {
  title: 'gridmarket',
  description: 'Peer-to-peer energy market for network-constrained microgrids: epochs, proofs, claims and audits.',
};

export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: ReactNode }) {
  const c = await connect();
  return (
    <html lang="en">
      <body>
        <header className="top">
          <Link href="/" className="brand">
            gridmarket
          </Link>
          <Link href="/">Epochs</Link>
          <Link href="/participant">Participant</Link>
          <Link href="/auditor">Auditor</Link>
          <Link href="/operator">Operator</Link>
          <span className="chain" data-testid="chain-state">
            {c.state === 'ok' ? `chain ${c.chainId} · block ${c.blockNumber}` : c.state.replace('-', ' ')}
          </span>
        </header>
        <main>
          {c.state !== 'ok' && (
            <div className="alert bad" role="alert" data-testid="connection-error">
              {describeConnection(c)}
            </div>
          )}
          {children}
          <HydrationMark />
        </main>
      </body>
    </html>
  );
}
