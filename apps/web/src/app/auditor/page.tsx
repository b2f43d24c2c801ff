// Auditor: the records on chain with filters, "verify epoch", and disputes when a check fails.
import { AuditorView } from '@/components/AuditorView';
import { Providers } from '@/components/Providers';
import { connect } from '@/server/chain';
import { devAccountsOf, namedAgents } from '@/server/agents';
import { listEpochs, tokenDecimalsOf } from '@/server/epochs';
import { chainEvents } from '@/server/records';

export const dynamic = 'force-dynamic';

export default async function AuditorPage() {
  const c = await connect();
  if (c.state !== 'ok') return <h1>Auditor</h1>;
  const [epochs, events, decimals] = await Promise.all([listEpochs(c.ctx, c.now), chainEvents(c.ctx), tokenDecimalsOf(c.ctx)]);
  const agents = await namedAgents(c.ctx, c.store, epochs);
  return (
    <>
      <h1>Auditor</h1>
      <Providers chainId={c.chainId} devAccounts={c.config.devAccounts && c.chainId === 31337}>
        <AuditorView epochs={epochs} events={events} devAccounts={devAccountsOf(agents, true).slice(0, 1)} now={Number(c.now)} decimals={decimals} />
      </Providers>
    </>
  );
}
