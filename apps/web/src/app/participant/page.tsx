// Participant: connect, see my schedule, meter checks and trades with their proofs verified in the
// browser, my claimable balance, and claim.
import { ParticipantView } from '@/components/ParticipantView';
import { Providers } from '@/components/Providers';
import { connect } from '@/server/chain';
import { devAccountsOf, namedAgents } from '@/server/agents';
import { listEpochs, tokenDecimalsOf } from '@/server/epochs';

export const dynamic = 'force-dynamic';

export default async function ParticipantPage() {
  const c = await connect();
  if (c.state !== 'ok') return <h1>Participant</h1>;
  const epochs = await listEpochs(c.ctx, c.now);
  const [agents, decimals] = await Promise.all([namedAgents(c.ctx, c.store, epochs), tokenDecimalsOf(c.ctx)]);
  return (
    <>
      <h1>Participant</h1>
      <Providers chainId={c.chainId} devAccounts={c.config.devAccounts && c.chainId === 31337}>
        <ParticipantView
          agents={agents}
          devAccounts={devAccountsOf(agents, false)}
          epochs={epochs.map((e) => ({ id: e.id, status: e.status }))}
          decimals={decimals}
          addresses={{ clearingLedger: c.deployment.clearingLedger, settlement: c.deployment.settlement, settlementToken: c.deployment.settlementToken }}
        />
      </Providers>
    </>
  );
}
