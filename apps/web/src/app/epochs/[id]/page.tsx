// One epoch: its record on chain, its document (refused if it does not match the committed hash)
// and the thesis's figures for the day.
import Link from 'next/link';
import { formatUsd } from '@gridmarket/clearing/money';
import { ChainTime } from '@/components/ChainTime';
import { EpochFigures } from '@/components/charts/EpochFigures';
import { Stat } from '@/components/Stat';
import { StatusBadge } from '@/components/StatusBadge';
import { fmtInt, fmtKwh, fmtRelative, fmtTime, fmtUsd } from '@/lib/format';
import { connect } from '@/server/chain';
import { epochCharts, epochSummary, readDocument, statusesOf, tokenDecimalsOf } from '@/server/epochs';

export const dynamic = 'force-dynamic';

export default async function EpochPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const c = await connect();
  if (c.state !== 'ok') return <h1>Epoch {raw}</h1>;
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 0 || id >= 2 ** 32) {
    return (
      <div className="alert bad" role="alert" data-testid="unknown-epoch">
        &quot;{raw}&quot; is not an epoch id (a whole number from 0 to 2³²−1). <Link href="/">All epochs</Link>
      </div>
    );
  }
  const e = await epochSummary(c.ctx, id, c.now);
  if (!e) {
    return (
      <div className="alert bad" role="alert" data-testid="unknown-epoch">
        Epoch {id} is not posted on chain {c.chainId}. <Link href="/">All epochs</Link>
      </div>
    );
  }
  // The trade statuses come from the document's trades: only for a document that hashes to the commitment.
  const { doc, state } = await readDocument(c.store, e);
  const [decimals, statuses] = await Promise.all([tokenDecimalsOf(c.ctx), doc ? statusesOf(c.ctx, c.store, e) : []]);
  return (
    <>
      <h1>
        Epoch {e.id} <StatusBadge status={e.status} />
      </h1>
      {state.state !== 'ok' && (
        <div className="alert bad" role="alert" data-testid={`document-${state.state}`}>
          <strong>
            {state.state === 'tampered'
              ? 'Tampered document: its hash does not match the one committed on chain.'
              : state.state === 'missing'
                ? 'Missing document: the result document of this epoch is not in the store.'
                : state.state === 'refused'
                  ? 'Document not fetched: its URI points where this app does not fetch from.'
                  : 'Invalid document.'}
          </strong>{' '}
          Nothing from it is shown. {state.message}
        </div>
      )}
      <div className="stats">
        <Stat label="trades" value={fmtInt(e.tradeCount)} />
        <Stat label="energy scheduled" value={fmtKwh(e.supplyWh)} />
        <Stat label="day-ahead value" value={fmtUsd(e.supplyValue, decimals)} />
        <Stat label="positions settled" value={`${fmtInt(e.settledAgents)} / ${fmtInt(e.agentCount)}`} />
        <Stat label="paid for supply" value={fmtUsd(e.credited, decimals)} />
        <Stat label="imbalance charged" value={fmtUsd((BigInt(e.shortfallCharged) + BigInt(e.shortfallUncollected)).toString(), decimals)} />
        {doc && <Stat label="social welfare" value={formatUsd(doc.welfareUsd, 3)} />}
        {doc?.admm && <Stat label="ADMM iterations" value={String(doc.admm.iterations)} />}
        {doc && <Stat label="max line utilization" value={`${(100 * doc.network.maxUtilization).toFixed(1)} %`} />}
      </div>
      <div className="card" style={{ marginTop: '1rem' }}>
        <ChainTime now={Number(c.now)} chainId={c.chainId} />
        <table>
          <tbody>
            <Row k="posted" v={`${fmtTime(e.postedAt)} by ${e.oracle}`} />
            <Row k="readings close" v={`${fmtTime(e.readingsCloseAt)} (${fmtRelative(e.readingsCloseAt, c.now)})`} />
            <Row k="challenge window ends" v={`${fmtTime(e.challengeEndsAt)} (${fmtRelative(e.challengeEndsAt, c.now)})`} />
            <Row k="meter tolerance" v={`${e.toleranceWh} Wh`} />
            <Row k="settlement" v={e.mode === 'imbalance' ? 'imbalance: every schedule settles at the day-ahead price, deviations beyond the tolerance at imbalance prices' : "thesis: a supplier's hours outside the tolerance are not paid (the grid is, instead)"} />
            <Row k="escrow locked at posting" v={`${fmtUsd(e.lockedValue, decimals)} from consumers, ${fmtUsd(e.reserve, decimals)} surplus reserve from the grid agent`} />
            <Row k="schedule root" v={e.scheduleRoot} mono />
            <Row k="trade root" v={e.tradeRoot} mono />
            <Row k="document" v={`${e.documentURI} (hash ${e.documentHash})`} mono />
          </tbody>
        </table>
      </div>
      {doc && <EpochFigures charts={epochCharts(doc, statuses)} />}
    </>
  );
}

function Row({ k, v, mono }: { k: string; v: string; mono?: boolean }) {
  return (
    <tr>
      <th className="key" style={{ width: '14rem' }}>{k}</th>
      <td className={mono ? 'mono' : undefined}>{v}</td>
    </tr>
  );
}
