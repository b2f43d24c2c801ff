// Operator: what is posted and what is pending, gas spent by step, and what failed.
import Link from 'next/link';
import { ChainTime } from '@/components/ChainTime';
import { Stat } from '@/components/Stat';
import { StatusBadge } from '@/components/StatusBadge';
import { fmtInt, fmtRelative, shortHex } from '@/lib/format';
import { connect } from '@/server/chain';
import { listEpochs } from '@/server/epochs';
import { chainEvents, chainTransactions } from '@/server/records';

export const dynamic = 'force-dynamic';

export default async function OperatorPage() {
  const c = await connect();
  if (c.state !== 'ok') return <h1>Operator</h1>;
  const [epochs, { txs, fromBlock, toBlock }, events] = await Promise.all([listEpochs(c.ctx, c.now), chainTransactions(c.ctx), chainEvents(c.ctx)]);
  const byFn = new Map<string, { contract: string; fn: string; count: number; gas: number; failed: number }>();
  for (const t of txs) {
    const k = `${t.contract}.${t.fn}`;
    const row = byFn.get(k) ?? { contract: t.contract, fn: t.fn, count: 0, gas: 0, failed: 0 };
    row.count++;
    row.gas += t.gasUsed;
    if (!t.ok) row.failed++;
    byFn.set(k, row);
  }
  const totalGas = txs.reduce((s, t) => s + t.gasUsed, 0);
  const reverted = txs.filter((t) => !t.ok);
  const voided = events.filter((e) => e.event === 'EpochVoided');
  const toleranceFailures = events.filter((e) => e.event === 'ToleranceFailed').length;
  const unpaid = events.filter((e) => e.event === 'TradeUnpaid').length;
  const pending = epochs.filter((e) => e.status !== 'settled' && e.status !== 'voided');
  return (
    <>
      <h1>Operator</h1>
      <div className="stats">
        <Stat label="epochs posted" value={fmtInt(epochs.length)} />
        <Stat label="pending (not settled)" value={fmtInt(pending.length)} testId="pending-count" />
        <Stat label="transactions" value={fmtInt(txs.length)} />
        <Stat label="gas spent" value={fmtInt(totalGas)} testId="gas-total" />
        <Stat label="reverted transactions" value={fmtInt(reverted.length)} />
        <Stat label="epochs voided by disputes" value={fmtInt(voided.length)} />
      </div>
      <section className="card" style={{ marginTop: '1rem' }}>
        <h2 style={{ marginTop: 0 }}>Posted epochs</h2>
        <ChainTime now={Number(c.now)} chainId={c.chainId} />
        <table data-testid="operator-epochs">
          <thead>
            <tr>
              <th>epoch</th>
              <th>status</th>
              <th>oracle</th>
              <th className="num">trades decided</th>
              <th>next (chain time)</th>
            </tr>
          </thead>
          <tbody>
            {epochs.map((e) => (
              <tr key={e.id}>
                <td>
                  <Link href={`/epochs/${e.id}`}>Epoch {e.id}</Link>
                </td>
                <td>
                  <StatusBadge status={e.status} />
                </td>
                <td className="mono">{shortHex(e.oracle, 4)}</td>
                <td className="num">
                  {fmtInt(e.settledAgents)} / {fmtInt(e.agentCount)}
                </td>
                <td>{nextStep(e, Number(c.now))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2 style={{ marginTop: 0 }}>Gas by call</h2>
        <p className="muted">
          Transactions to the gridmarket contracts in blocks {fromBlock}–{toBlock}.
        </p>
        <table data-testid="gas-table">
          <thead>
            <tr>
              <th>contract</th>
              <th>call</th>
              <th className="num">transactions</th>
              <th className="num">gas used</th>
              <th className="num">gas / transaction</th>
              <th className="num">reverted</th>
            </tr>
          </thead>
          <tbody>
            {[...byFn.values()]
              .sort((a, b) => b.gas - a.gas)
              .map((r) => (
                <tr key={`${r.contract}.${r.fn}`}>
                  <td>{r.contract}</td>
                  <td>{r.fn}</td>
                  <td className="num">{fmtInt(r.count)}</td>
                  <td className="num">{fmtInt(r.gas)}</td>
                  <td className="num">{fmtInt(Math.round(r.gas / r.count))}</td>
                  <td className="num">{r.failed}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </section>
      <section className="card" data-testid="failures">
        <h2 style={{ marginTop: 0 }}>Failures</h2>
        <ul>
          <li>{reverted.length === 0 ? 'No transaction reverted.' : `${reverted.length} reverted: ${reverted.map((t) => `${t.fn} in block ${t.block}`).join(', ')}`}</li>
          <li>{voided.length === 0 ? 'No epoch was voided.' : voided.map((v) => `epoch ${v.epoch} voided (${v.details})`).join('; ')}</li>
          <li>
            {fmtInt(toleranceFailures)} meter checks out of tolerance; {fmtInt(unpaid)} trades unpaid for lack of escrow.
          </li>
        </ul>
      </section>
    </>
  );
}

function nextStep(e: { status: string; readingsCloseAt: number; challengeEndsAt: number; agentCount: number; settledAgents: number }, now: number): string {
  switch (e.status) {
    case 'voided':
      return e.settledAgents < e.agentCount ? `voided: ${fmtInt(e.agentCount - e.settledAgents)} locks to give back` : 'nothing: voided, every lock given back';
    case 'settled':
      return 'nothing: every position settled';
    case 'challenge window':
      return `challenge window closes ${fmtRelative(e.challengeEndsAt, now)}`;
    default:
      return now <= e.readingsCloseAt
        ? `meter readings close ${fmtRelative(e.readingsCloseAt, now)}`
        : `${fmtInt(e.agentCount - e.settledAgents)} positions to settle`;
  }
}
