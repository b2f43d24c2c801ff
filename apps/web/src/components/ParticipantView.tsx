'use client';
// A participant's epoch: schedule vs meter, trades with proofs verified here in the browser against
// the roots this page reads from the chain, balances, and the Claim action.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { Hex } from 'viem';
import { useAccount, usePublicClient, useReadContract, useSendTransaction } from 'wagmi';
import { clearingLedgerAbi, createProofVerifier, settlementAbi, settlementTokenAbi } from '@gridmarket/contracts';
import type { ClaimPlan } from '@gridmarket/oracle/read';
import { getJson } from '@/lib/fetch';
import { fmtInt, fmtKwh, fmtUsd } from '@/lib/format';
import type { EpochStatus } from '@/lib/status';
import type { AgentInfo, DevAccount, ParticipantEpoch } from '@/lib/types';
import { verifyParticipant } from '@/lib/verify';
import { BarChart } from './charts/Plot';
import { Wallet } from './Wallet';

interface Props {
  agents: AgentInfo[];
  devAccounts: DevAccount[];
  epochs: { id: number; status: EpochStatus }[];
  decimals: number;
  addresses: { clearingLedger: Hex; settlement: Hex; settlementToken: Hex };
}

type ClaimState = { state: 'idle' } | { state: 'pending'; step: string } | { state: 'success' | 'info'; message: string } | { state: 'error'; message: string };

export function ParticipantView({ agents, devAccounts, epochs, decimals, addresses }: Props) {
  const account = useAccount();
  const mine = agents.filter((a) => account.address && a.owner.toLowerCase() === account.address.toLowerCase());
  const [agentChoice, setAgentChoice] = useState<number>();
  const agent = mine.find((a) => a.id === agentChoice) ?? mine[0];
  const selectable = epochs.filter((e) => e.status !== 'voided');
  const [epochChoice, setEpochChoice] = useState<number>();
  const epochId = epochChoice ?? selectable[0]?.id;

  return (
    <>
      <Wallet devAccounts={devAccounts} />
      {account.status === 'connected' && mine.length === 0 && (
        <div className="alert warn" data-testid="no-agent">
          This account owns no registered agent.
        </div>
      )}
      {agent && (
        <div className="card row">
          <label htmlFor="agent">Agent</label>
          <select id="agent" value={agent.id} onChange={(e) => setAgentChoice(Number(e.target.value))}>
            {mine.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.kind}, agent {a.id}, bus {a.bus})
              </option>
            ))}
          </select>
          <label htmlFor="epoch">Epoch</label>
          <select id="epoch" data-testid="epoch-select" value={epochId ?? ''} onChange={(e) => setEpochChoice(Number(e.target.value))}>
            {selectable.map((e) => (
              <option key={e.id} value={e.id}>
                Epoch {e.id} ({e.status})
              </option>
            ))}
          </select>
        </div>
      )}
      {agent && epochId !== undefined && account.address && <AgentEpoch key={`${agent.id}:${epochId}`} agent={agent} epochId={epochId} owner={account.address} decimals={decimals} addresses={addresses} />}
      {agent && epochId === undefined && <p className="muted">No epoch to show.</p>}
    </>
  );
}

function AgentEpoch({ agent, epochId, owner, decimals, addresses }: { agent: AgentInfo; epochId: number; owner: Hex; decimals: number; addresses: Props['addresses'] }) {
  const queryClient = useQueryClient();
  const publicClient = usePublicClient();
  const { sendTransactionAsync } = useSendTransaction();
  const data = useQuery({ queryKey: ['participant', epochId, agent.id], queryFn: () => getJson<ParticipantEpoch>(`/api/epochs/${epochId}/agents/${agent.id}`) });
  const epoch = useReadContract({ address: addresses.clearingLedger, abi: clearingLedgerAbi, functionName: 'epoch', args: [epochId] });
  const account = useReadContract({ address: addresses.settlement, abi: settlementAbi, functionName: 'accountOf', args: [agent.id] });
  const balance = useReadContract({ address: addresses.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [owner] });
  const verifier = useQuery({ queryKey: ['proof-verifier'], queryFn: createProofVerifier, staleTime: Infinity });
  const [claim, setClaim] = useState<ClaimState>({ state: 'idle' });

  const verification = useMemo(
    () =>
      data.data && epoch.data && verifier.data
        ? verifyParticipant(verifier.data, data.data, { scheduleRoot: epoch.data.scheduleRoot, tradeRoot: epoch.data.tradeRoot })
        : undefined,
    [data.data, epoch.data, verifier.data],
  );

  const runClaim = async () => {
    if (!publicClient) return;
    const done: string[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        setClaim({ state: 'pending', step: i === 0 ? 'reading the chain…' : `${done.at(-1)} confirmed; reading the chain…` });
        const plan = await getJson<ClaimPlan>(`/api/epochs/${epochId}/agents/${agent.id}/claim`);
        const next = plan.next;
        if (next.kind === 'done' || next.kind === 'wait') {
          setClaim(
            done.length > 0
              ? { state: 'success', message: `Claimed: ${done.join(', ')}. ${plan.settled ? 'The position is settled.' : ''} ${next.kind === 'wait' ? next.description : ''}` }
              : { state: 'info', message: `Nothing to claim now: ${next.description}.` },
          );
          break;
        }
        // The plan counts a withdrawal in token base units; the page says it in dollars.
        const step = next.kind === 'withdraw' ? `withdraw ${fmtUsd(next.amount, decimals)} to the owner` : next.description;
        setClaim({ state: 'pending', step: `${step}: confirm in your wallet…` });
        const hash = await sendTransactionAsync({ to: next.tx.to, data: next.tx.data });
        setClaim({ state: 'pending', step: `${step}: waiting for ${hash.slice(0, 10)}…` });
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`);
        done.push(next.kind === 'withdraw' ? `withdrew ${fmtUsd(next.amount, decimals)}` : next.description);
      }
    } catch (err) {
      setClaim({ state: 'error', message: (err as Error).message.split('\n')[0] ?? 'the claim failed' });
    } finally {
      await Promise.all([account.refetch(), balance.refetch(), queryClient.invalidateQueries({ queryKey: ['participant', epochId, agent.id] })]);
    }
  };

  if (data.error) return <div className="alert bad" role="alert">{(data.error as Error).message}</div>;
  if (!data.data) return <p className="muted">Loading epoch {epochId}…</p>;
  const p = data.data;
  const sold = p.trades.filter((t) => t.role === 'seller');
  const pos = p.position;
  const net = BigInt(pos.credit) + BigInt(pos.surplusCredit) - BigInt(pos.lock) - BigInt(pos.shortfallCharge);
  const nothingToClaim = pos.settled && account.data?.available === 0n;
  return (
    <>
      <div className="stats">
        <div className="stat">
          <div className="label">proofs verified in this browser</div>
          <div className="value" data-testid="proofs-verified">
            {verification ? `${verification.verified} / ${verification.total}` : '…'}
          </div>
          {verification && (
            <div className="muted" data-testid="proofs-time">
              against the on-chain roots in {verification.ms.toFixed(1)} ms
            </div>
          )}
        </div>
        <div className="stat">
          <div className="label">trades (sold / bought)</div>
          <div className="value">
            {fmtInt(sold.length)} / {fmtInt(p.trades.length - sold.length)}
          </div>
        </div>
        <div className="stat">
          <div className="label">position ({pos.settled ? 'settled' : 'not settled yet'})</div>
          <div className="value" data-testid="position-net">
            {fmtUsd(net, decimals)}
          </div>
          <div className="muted">
            paid {fmtUsd(pos.credit, decimals)} for supply, {fmtUsd(pos.lock, decimals)} for consumption; imbalance +{fmtUsd(pos.surplusCredit, decimals)} / −{fmtUsd(pos.shortfallCharge, decimals)}
          </div>
        </div>
        <div className="stat">
          <div className="label">available (settlement contract)</div>
          <div className="value" data-testid="claimable">{account.data === undefined ? '…' : fmtUsd(account.data.available, decimals)}</div>
          {account.data && account.data.locked > 0n && <div className="muted">{fmtUsd(account.data.locked, decimals)} locked in open epochs</div>}
        </div>
        <div className="stat">
          <div className="label">token balance (wallet; one token is $1)</div>
          <div className="value" data-testid="token-balance">{balance.data === undefined ? '…' : fmtUsd(balance.data, decimals)}</div>
        </div>
      </div>
      <div className="card row" style={{ marginTop: '1rem' }}>
        <button onClick={runClaim} disabled={claim.state === 'pending' || nothingToClaim} aria-describedby="claim-why" data-testid="claim">
          {claim.state === 'pending' ? 'Claiming…' : 'Claim'}
        </button>
        <span className="muted" id="claim-why" data-testid="claim-why">
          {nothingToClaim
            ? `Nothing to claim: this agent's position in epoch ${epochId} is settled and its balance in the settlement contract is ${fmtUsd(0n, decimals)}.`
            : "Settles this agent's position (its schedule row with a Merkle proof, against its meter reading on chain) once the reading and challenge windows are over, then withdraws its available balance."}
        </span>
      </div>
      {claim.state !== 'idle' && (
        <div className={`alert ${claim.state === 'error' ? 'bad' : claim.state === 'success' ? 'ok' : 'warn'}`} role="status" data-testid={`claim-${claim.state}`}>
          {claim.state === 'pending' ? claim.step : claim.message}
        </div>
      )}
      <div className="grid2">
        <section className="card">
          <h2 style={{ marginTop: 0 }}>Schedule and meter, per hour</h2>
          <BarChart
            label="Energy scheduled and measured per hour"
            categories={{ title: 'hour of the day', labels: p.meter.map((m) => String(m.hour)), name: (i) => `hour ${p.meter[i]!.hour}`, keep: 8 }}
            value={{ title: 'net energy (kWh)', format: { kind: 'fixed', digits: 3, unit: 'kWh' } }}
            groups={[
              [{ name: 'scheduled (committed)', color: '#1f6feb', values: p.meter.map((m) => m.scheduledWh / 1000) }],
              [{ name: 'measured (signed by the meter)', color: '#9a6700', values: p.meter.map((m) => (m.measuredWh === null ? null : m.measuredWh / 1000)) }],
            ]}
          />
        </section>
        <section className="card scroll">
          <h2 style={{ marginTop: 0 }}>
            Meter checks (tolerance {p.toleranceWh} Wh){' '}
            <span className="muted">schedule row proof: {verification ? <ProofBadge ok={verification.schedule} /> : '…'}</span>
          </h2>
          <table data-testid="meter-checks">
            <thead>
              <tr>
                <th>hour</th>
                <th className="num">scheduled Wh</th>
                <th className="num">measured Wh</th>
                <th>check</th>
              </tr>
            </thead>
            <tbody>
              {p.meter.map((m) => (
                <tr key={m.hour}>
                  <td>{m.hour}</td>
                  <td className="num">{fmtInt(m.scheduledWh)}</td>
                  <td className="num">{m.measuredWh === null ? 'missing' : fmtInt(m.measuredWh)}</td>
                  <td>
                    <span className={`badge ${m.passed ? 'ok' : 'bad'}`}>{m.passed ? 'within tolerance' : m.measuredWh === null ? 'no reading' : 'outside'}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <section className="card scroll">
        <h2 style={{ marginTop: 0 }}>My trades ({fmtInt(p.trades.length)})</h2>
        <table data-testid="trades">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>role</th>
              <th>counterparty</th>
              <th className="num">hour</th>
              <th className="num">energy</th>
              <th className="num">value</th>
              <th>status</th>
              <th>Merkle proof</th>
            </tr>
          </thead>
          <tbody>
            {p.trades.map((t, i) => (
              <tr key={t.tradeIndex}>
                <td className="num">{t.tradeIndex}</td>
                <td>{t.role === 'seller' ? 'sold to' : 'bought from'}</td>
                <td>{t.counterpartyName}</td>
                <td className="num">{t.hour}</td>
                <td className="num">{fmtKwh(t.energyWh)}</td>
                <td className="num">{fmtUsd(t.value, p.tokenDecimals, 4)}</td>
                <td>
                  <span className={`badge ${t.status === 'settled' ? 'ok' : t.status === 'rejected' || t.status === 'voided' ? 'bad' : ''}`}>{t.status}</span>
                  {t.status === 'settled' && !t.verified && <span className="muted"> (a meter outside the tolerance)</span>}
                </td>
                <td>{verification ? <ProofBadge ok={verification.trades[i]} /> : '…'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

function ProofBadge({ ok }: { ok: boolean | undefined }) {
  return <span className={`badge ${ok ? 'ok' : 'bad'}`}>{ok ? 'verified' : 'NOT verified'}</span>;
}
