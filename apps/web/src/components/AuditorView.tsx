'use client';
// Verifying epochs (roots and tariff, line flows and trades, settled positions against the meter
// readings) and raising a dispute from the wallet when an epoch is faulty; the chain's event
// records with filters.
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import type { Hex } from 'viem';
import { useAccount, usePublicClient, useSendTransaction } from 'wagmi';
import type { AuditReport } from '@gridmarket/oracle/read';
import { getJson } from '@/lib/fetch';
import { shortHex } from '@/lib/format';
import { formatDetails } from '@/lib/records';
import type { DevAccount, EpochSummary, EventRecord } from '@/lib/types';
import { StatusBadge } from './StatusBadge';
import { Wallet } from './Wallet';

type AuditResponse = { ok: true; report: AuditReport } | { ok: false; document: { problem: string; message: string } };
type Check = { name: string; ok: boolean; detail: string };

function checksOf(r: AuditResponse): Check[] {
  if (!r.ok) return [{ name: 'document matches the hash on chain', ok: false, detail: r.document.message }];
  const a = r.report;
  const v = a.violations;
  return [
    { name: 'document matches the hash on chain', ok: a.document.matchesChain, detail: a.document.uri },
    {
      name: 'roots and tariff recomputed from the document',
      ok: a.roots.match,
      detail: `schedule ${shortHex(a.roots.schedule.recomputed)} vs ${shortHex(a.roots.schedule.chain)}; trades ${shortHex(a.roots.trades.recomputed)} vs ${shortHex(a.roots.trades.chain)}; tariff ${shortHex(a.roots.tariff.recomputed)} vs ${shortHex(a.roots.tariff.chain)}`,
    },
    { name: 'escrow locked and supply value recomputed', ok: a.commitments.match, detail: a.commitments.match ? 'as on chain' : 'differ from the chain' },
    {
      name: 'line limits every hour, and every trade justified by its schedules and price',
      ok: v.length === 0,
      detail:
        v.length === 0
          ? 'no line over its limit; every trade within its parties\u2019 schedules, at the price'
          : v.map((x) => (x.kind === 'overload' ? `hour ${x.hour}: line ${x.line + 1} carries ${x.amountWh} Wh, limit ${x.limitWh} Wh` : `trade ${x.tradeIndex} (hour ${x.hour}): ${x.fault}`)).join('; '),
    },
    { name: 'every hour balances and trades add up to the schedule', ok: a.conservation === null, detail: a.conservation ?? 'exact' },
    {
      name: 'settled positions agree with the settlement rule and the meter readings',
      ok: a.settlement.disagreements.length === 0,
      detail: `${a.settlement.settled} settled, ${a.settlement.refunded} refunded of ${a.settlement.agents}${a.settlement.disagreements.length ? `; ${a.settlement.disagreements.length} disagree` : ''}`,
    },
  ];
}

export function AuditorView({ epochs, events, devAccounts, now, decimals }: { epochs: EpochSummary[]; events: EventRecord[]; devAccounts: DevAccount[]; now: number; decimals: number }) {
  return (
    <>
      <section className="card">
        <h2 style={{ marginTop: 0 }}>Verify an epoch</h2>
        <table data-testid="audit-epochs">
          <thead>
            <tr>
              <th>epoch</th>
              <th>status</th>
              <th>verification</th>
            </tr>
          </thead>
          <tbody>
            {epochs.map((e) => (
              <AuditRow key={e.id} epoch={e} now={now} />
            ))}
          </tbody>
        </table>
      </section>
      <h2>Wallet (to raise disputes)</h2>
      <Wallet devAccounts={devAccounts} />
      <Records events={events} decimals={decimals} />
    </>
  );
}

function AuditRow({ epoch, now }: { epoch: EpochSummary; now: number }) {
  const router = useRouter();
  const account = useAccount();
  const publicClient = usePublicClient();
  const { sendTransactionAsync } = useSendTransaction();
  const [result, setResult] = useState<AuditResponse>();
  const [state, setState] = useState<{ busy?: string; error?: string; disputed?: string }>({});

  const verify = async () => {
    setState({ busy: 'verifying…' });
    try {
      setResult(await getJson<AuditResponse>(`/api/epochs/${epoch.id}/audit`, { method: 'POST' }));
      setState({});
    } catch (err) {
      setState({ error: (err as Error).message });
    }
  };
  const violation = result?.ok ? result.report.violations[0] : undefined;
  const canDispute = violation && !epoch.voided && now <= epoch.challengeEndsAt;
  const dispute = async () => {
    if (!violation || !publicClient) return;
    setState({ busy: 'preparing the dispute…' });
    try {
      const query = violation.kind === 'overload' ? `?hour=${violation.hour}` : '';
      const { tx } = await getJson<{ tx: { to: Hex; data: Hex } }>(`/api/epochs/${epoch.id}/dispute${query}`);
      setState({ busy: 'confirm in your wallet…' });
      const hash = await sendTransactionAsync({ to: tx.to, data: tx.data });
      setState({ busy: `waiting for ${hash.slice(0, 10)}…` });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`);
      setState({ disputed: `Dispute accepted in block ${receipt.blockNumber}: epoch ${epoch.id} is voided.` });
      router.refresh();
    } catch (err) {
      setState({ error: (err as Error).message.split('\n')[0] });
    }
  };
  const checks = result ? checksOf(result) : [];
  const passed = checks.length > 0 && checks.every((c) => c.ok);
  return (
    <tr data-testid={`audit-${epoch.id}`}>
      <td>Epoch {epoch.id}</td>
      <td>
        <StatusBadge status={epoch.status} />
      </td>
      <td>
        <div className="row">
          <button className="secondary" onClick={verify} disabled={Boolean(state.busy)} data-testid={`verify-${epoch.id}`}>
            Verify
          </button>
          {result && (
            <span className={`badge ${passed ? 'ok' : 'bad'}`} data-testid={`verdict-${epoch.id}`}>
              {passed ? 'verified: every check passes' : 'FAILED'}
            </span>
          )}
          {canDispute && (
            <button onClick={dispute} disabled={Boolean(state.busy) || account.status !== 'connected'} data-testid={`dispute-${epoch.id}`} title={account.status === 'connected' ? '' : 'connect a wallet below first'}>
              Raise dispute (hour {violation.hour})
            </button>
          )}
          {state.busy && <span className="muted">{state.busy}</span>}
        </div>
        {state.error && (
          <div className="alert bad" role="alert" style={{ marginTop: '0.5rem' }}>
            {state.error}
          </div>
        )}
        {state.disputed && (
          <div className="alert ok" role="status" data-testid={`disputed-${epoch.id}`} style={{ marginTop: '0.5rem' }}>
            {state.disputed}
          </div>
        )}
        {checks.length > 0 && (
          <ul style={{ margin: '0.5rem 0 0', paddingLeft: '1.2rem' }}>
            {checks.map((c) => (
              <li key={c.name}>
                <span className={`badge ${c.ok ? 'ok' : 'bad'}`}>{c.ok ? 'pass' : 'fail'}</span> {c.name} <span className="muted">— {c.detail}</span>
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

const LIMIT = 300;

function Records({ events, decimals }: { events: EventRecord[]; decimals: number }) {
  const [epoch, setEpoch] = useState('');
  const [kind, setKind] = useState('');
  const [agent, setAgent] = useState('');
  const kinds = useMemo(() => [...new Set(events.map((e) => e.event))].sort(), [events]);
  const epochs = useMemo(() => [...new Set(events.flatMap((e) => (e.epoch === null ? [] : [e.epoch])))].sort((a, b) => a - b), [events]);
  const shown = events.filter((e) => (epoch === '' || e.epoch === Number(epoch)) && (kind === '' || e.event === kind) && (agent === '' || e.agent === Number(agent)));
  return (
    <section className="card">
      <h2 style={{ marginTop: 0 }}>Records on chain</h2>
      <div className="row" style={{ marginBottom: '0.5rem' }}>
        <label htmlFor="f-epoch">epoch</label>
        <select id="f-epoch" data-testid="filter-epoch" value={epoch} onChange={(e) => setEpoch(e.target.value)}>
          <option value="">all</option>
          {epochs.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
        <label htmlFor="f-kind">event</label>
        <select id="f-kind" data-testid="filter-event" value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">all</option>
          {kinds.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
        <label htmlFor="f-agent">agent id</label>
        <input id="f-agent" data-testid="filter-agent" value={agent} onChange={(e) => setAgent(e.target.value.replace(/\D/g, ''))} size={5} />
        <span className="muted" data-testid="records-count">
          {shown.length} of {events.length} events{shown.length > LIMIT ? ` (newest ${LIMIT} shown)` : ''}
        </span>
      </div>
      <div className="scroll">
        <table data-testid="records">
          <thead>
            <tr>
              <th className="num">block</th>
              <th>contract</th>
              <th>event</th>
              <th className="num">epoch</th>
              <th className="num">agent</th>
              <th>details</th>
              <th>transaction</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, LIMIT).map((e) => (
              <tr key={`${e.tx}:${e.logIndex}`}>
                <td className="num">{e.block}</td>
                <td>{e.contract}</td>
                <td>{e.event}</td>
                <td className="num">{e.epoch ?? ''}</td>
                <td className="num">{e.agent ?? ''}</td>
                <td className="mono">{formatDetails(e, decimals)}</td>
                <td className="mono">{shortHex(e.tx, 4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
