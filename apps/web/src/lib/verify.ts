// Proof verification in the browser: each leaf is re-encoded from the values shown on the page and
// checked with its proof against the root read from the chain (StandardMerkleTree's double-hashed,
// sorted-pair scheme, the same the contracts use), with the WebAssembly keccak verifier.
import type { ProofVerifier } from '@gridmarket/contracts';
import type { Hex } from 'viem';
import type { ParticipantEpoch } from './types';

export interface Verification {
  /** The agent's schedule row against the schedule root. */
  schedule: boolean;
  trades: boolean[];
  verified: number;
  total: number;
  ms: number;
}

export function verifyParticipant(verifier: ProofVerifier, p: ParticipantEpoch, roots: { scheduleRoot: Hex; tradeRoot: Hex }): Verification {
  const t0 = performance.now();
  const schedule = verifier.schedule(roots.scheduleRoot, p.epochId, { agentId: p.agentId, energyWh: p.schedule.energyWh }, p.schedule.proof as Hex[]);
  const trades = p.trades.map((t) =>
    verifier.trade(
      roots.tradeRoot,
      p.epochId,
      {
        tradeIndex: t.tradeIndex,
        seller: t.role === 'seller' ? p.agentId : t.counterparty,
        buyer: t.role === 'buyer' ? p.agentId : t.counterparty,
        hour: t.hour,
        energyWh: BigInt(t.energyWh),
        value: BigInt(t.value),
      },
      t.proof as Hex[],
    ),
  );
  const ms = performance.now() - t0;
  const verified = Number(schedule) + trades.filter(Boolean).length;
  return { schedule, trades, verified, total: 1 + trades.length, ms };
}
