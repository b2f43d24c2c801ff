// Telling an infeasible or diverging market from a slow one, from ADMM's own iterates. In scaled
// form the duals move by δu = p̂ − z every iteration (4-8). For a feasible market δu → 0; for an
// infeasible one the successive differences converge to a non-zero vector — the minimal
// displacement between what the agents can do and what the network can carry — so the primal
// residual stalls at a positive floor while u grows linearly (Banjac, Goulart, Stellato, Boyd,
// "Infeasibility detection in the alternating direction method of multipliers for convex
// optimization", JOTA 2019). That limit δu is the certificate; read hour by hour it names the
// balance (3-16) or the line limits (3-19) that cannot be met. The operator's own set
// {Σz = 0, |Hz| ≤ f̄} always contains z = 0 (limits are positive), so the projection itself is never
// infeasible: infeasibility is always between the agents' limits and the network's.
import type { HourCertificate } from './operator';

export type AdmmStatus = 'converged' | 'max_iter_reached' | 'infeasible' | 'diverging';

/** δu counts as settled after this many consecutive iterations within ε_inf. */
export const INFEASIBILITY_WINDOW = 10;
/** Iterates whose root mean square exceeds this (kW per agent-hour) have blown up. */
export const DIVERGENCE_KW = 1e9;
/** An hour is named in a certificate when its part of δu is at least this share of the largest hour's. */
export const CERTIFICATE_HOUR_SHARE = 1e-2;

/** Why a run stopped without converging, for a person and for code. */
export interface AdmmDiagnostic {
  /** One paragraph naming the hours and the limits (or the blow-up). */
  message: string;
  /** The iteration at which it was detected. */
  iteration: number;
  /** infeasible: ‖p − z‖ = ‖δu‖/α at detection (kW): how far the agents' closest proposals stay from what the network allows. */
  certificateKw?: number;
  /** infeasible: the hours the certificate points at, with their imbalance and the lines over their limits. */
  hours?: {
    hour: number;
    normKw: number;
    imbalanceKw: number;
    lines: { line: number; from: number; to: number; flowKw: number; limitKw: number }[];
  }[];
}

export interface IterationSummary {
  primalResidual: number;
  dualResidual: number;
  epsPrimal: number;
  welfareUsd: number;
  rho: number;
  /** ‖p‖², ‖z‖² over agents and hours, and their count N·T. */
  proposalSq: number;
  consensusSq: number;
  entries: number;
  /** ‖δu‖² and ‖δu^k − δu^{k−1}‖² (the operator's step). */
  dualStepSq: number;
  dualStepChangeSq: number;
}

/** Watches the iterations and says when they have become an infeasibility certificate or blown up. */
export class TerminationMonitor {
  private settled = 0;

  constructor(private readonly epsInfeasible: number) {}

  observe(s: IterationSummary): 'infeasible' | 'diverging' | undefined {
    const values = [s.primalResidual, s.dualResidual, s.welfareUsd, s.rho, s.proposalSq, s.consensusSq, s.dualStepSq];
    if (!values.every(Number.isFinite)) return 'diverging';
    const bound = DIVERGENCE_KW * Math.sqrt(s.entries);
    if (Math.sqrt(s.proposalSq) > bound || Math.sqrt(s.consensusSq) > bound) return 'diverging';
    const step = Math.sqrt(s.dualStepSq);
    const settledStep = s.primalResidual > s.epsPrimal && step > s.epsPrimal && Math.sqrt(s.dualStepChangeSq) <= this.epsInfeasible * step;
    this.settled = settledStep ? this.settled + 1 : 0;
    return this.settled >= INFEASIBILITY_WINDOW ? 'infeasible' : undefined;
  }
}

const hourName = (t: number) => `hour ${t} (${String(t).padStart(2, '0')}:00–${String(t + 1).padStart(2, '0')}:00)`;
const kw = (v: number) => `${v.toFixed(3)} kW`;

/** The certificate's hours that matter, with line endpoints, and the sentence that says it. */
export function describeInfeasibility(
  certificates: readonly HourCertificate[],
  lines: readonly { from: number; to: number }[],
  iteration: number,
  certificateKw: number,
): AdmmDiagnostic {
  const largest = Math.max(0, ...certificates.map((c) => c.normKw));
  const hours = certificates
    .filter((c) => c.normKw > 0 && c.normKw >= CERTIFICATE_HOUR_SHARE * largest)
    .map((c) => ({ ...c, lines: c.lines.map((l) => ({ ...l, from: lines[l.line]!.from, to: lines[l.line]!.to })) }));
  const parts = hours.map(describeCertificateHour);
  return {
    message: `infeasible: the agents' proposals stay ${kw(certificateKw)} away from any schedule the network allows, and the scaled duals u grow by a constant step every iteration (settled at iteration ${iteration}). ${parts.join('. ')}.`,
    iteration,
    certificateKw,
    hours,
  };
}

/** One hour of an infeasibility certificate in words: the lines over their limits, or the balance it cannot meet. */
export function describeCertificateHour(h: NonNullable<AdmmDiagnostic['hours']>[number]): string {
  const says: string[] = [];
  // A certificate without growing line multipliers lies along 1: the hour cannot balance (3-16).
  for (const l of h.lines) {
    says.push(`line ${l.line} (bus ${l.from}–${l.to}) would have to carry ${kw(Math.abs(l.flowKw))} against its limit of ${kw(l.limitKw)} (3-19)`);
  }
  if (h.lines.length === 0 && Math.abs(h.imbalanceKw) > 1e-3 * h.normKw) {
    says.push(
      h.imbalanceKw < 0
        ? `the buyers' minimum demand exceeds what the sellers and the grid import can supply by ${kw(-h.imbalanceKw)} (balance 3-16)`
        : `the sellers' minimum generation exceeds what the buyers can take by ${kw(h.imbalanceKw)} (balance 3-16; the grid does not export)`,
    );
  }
  if (says.length === 0) says.push('no single balance or line limit stands out (several bind together)');
  return `${hourName(h.hour)}: ${says.join('; ')}`;
}

export function describeDivergence(iteration: number, s: IterationSummary): AdmmDiagnostic {
  const rms = (sq: number) => Math.sqrt(sq / s.entries);
  return {
    message: `diverging at iteration ${iteration}: ρ ${s.rho.toPrecision(3)}, r_pri ${s.primalResidual.toPrecision(3)}, r_dual ${s.dualResidual.toPrecision(3)}, proposals ${rms(s.proposalSq).toPrecision(3)} kW and consensus ${rms(s.consensusSq).toPrecision(3)} kW root mean square, welfare ${s.welfareUsd.toPrecision(3)} USD`,
    iteration,
  };
}
