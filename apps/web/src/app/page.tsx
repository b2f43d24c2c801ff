// Epochs: every market day posted on chain, its status and totals.
import Link from 'next/link';
import { StatusBadge } from '@/components/StatusBadge';
import { ChainTime } from '@/components/ChainTime';
import { fmtInt, fmtKwh, fmtRelative, fmtUsd } from '@/lib/format';
import { connect } from '@/server/chain';
import { listEpochs, tokenDecimalsOf } from '@/server/epochs';

export const dynamic = 'force-dynamic';

export default async function EpochsPage() {
  const c = await connect();
  if (c.state !== 'ok') return <h1>Epochs</h1>;
  const [epochs, decimals] = await Promise.all([listEpochs(c.ctx, c.now), tokenDecimalsOf(c.ctx)]);
  return (
    <>
      <h1>Epochs</h1>
      {epochs.length === 0 ? (
        <p className="muted" data-testid="no-epochs">
          No epoch is posted on this chain yet. <code>gridmarket run</code> clears a day and posts it.
        </p>
      ) : (
        <div className="card">
          <ChainTime now={Number(c.now)} chainId={c.chainId} />
          <table data-testid="epochs-table">
            <thead>
              <tr>
                <th>Epoch</th>
                <th>Status</th>
                <th className="num">Agents</th>
                <th className="num">Trades</th>
                <th className="num">Energy</th>
                <th className="num">Value</th>
                <th className="num">Positions settled</th>
                <th className="num">Imbalance</th>
                <th>Challenge window (chain time)</th>
              </tr>
            </thead>
            <tbody>
              {epochs.map((e) => (
                <tr key={e.id} data-testid={`epoch-row-${e.id}`}>
                  <td>
                    <Link href={`/epochs/${e.id}`}>Epoch {e.id}</Link>
                  </td>
                  <td>
                    <StatusBadge status={e.status} />
                  </td>
                  <td className="num">{e.agentCount}</td>
                  <td className="num">{fmtInt(e.tradeCount)}</td>
                  <td className="num">{fmtKwh(e.supplyWh)}</td>
                  <td className="num">{fmtUsd(e.supplyValue, decimals)}</td>
                  <td className="num">
                    {fmtInt(e.settledAgents)} / {fmtInt(e.agentCount)}
                  </td>
                  <td className="num">{fmtUsd((BigInt(e.shortfallCharged) + BigInt(e.shortfallUncollected)).toString(), decimals)}</td>
                  <td>{e.voided ? 'voided by a dispute' : `${e.challengeEndsAt >= Number(c.now) ? 'closes' : 'closed'} ${fmtRelative(e.challengeEndsAt, c.now)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
