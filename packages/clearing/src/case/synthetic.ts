// Synthetic large cases for scaling benchmarks: a random meshed network (a random spanning tree
// plus extra lines) and agents drawn from the same parameter ranges as the built-in ieee14 case.
import { rng } from '@gridmarket/bench';
import { CaseError } from '../errors';
import { demandShape, solarProfile } from './generator';
import { IEEE14_PLAN } from './plans';
import type { CaseInput } from './schema';

export interface SyntheticSpec {
  buses: number;
  /** Total agents, the grid included. */
  agents: number;
  /** Extra lines beyond the spanning tree. */
  extraLines?: number;
  /** Share of sellers among the non-grid agents, and of batteries among sellers. */
  sellerShare?: number;
  batteryShare?: number;
  seed?: number;
}

/** The network of `synthetic:N`: 120 buses, seed 1000 (119 tree lines + 40 extra = 159 lines). */
export const SYNTHETIC_BUSES = 120;
/** `synthetic:N` needs a seller and a buyer besides the grid; beyond this it stops being a market we bench. */
export const SYNTHETIC_AGENTS = { min: 3, max: 100_000 } as const;
const SYNTHETIC_NAME = /^synthetic:(\d+)$/;

/**
 * The case a `synthetic:N` name stands for (N agents, the grid included, on the 120-bus network),
 * or undefined for any other name. Throws a CaseError (field `case`) for an N out of range.
 */
export function syntheticCaseByName(name: string): CaseInput | undefined {
  const match = SYNTHETIC_NAME.exec(name);
  if (!match) return undefined;
  const agents = Number(match[1]);
  if (!(agents >= SYNTHETIC_AGENTS.min && agents <= SYNTHETIC_AGENTS.max)) {
    throw new CaseError('case', `synthetic:N takes ${SYNTHETIC_AGENTS.min} to ${SYNTHETIC_AGENTS.max} agents, got ${agents}`);
  }
  return syntheticCase({ buses: SYNTHETIC_BUSES, agents });
}

export function syntheticCase(spec: SyntheticSpec): CaseInput {
  const r = rng(spec.seed ?? 1000);
  const between = (lo: number, hi: number) => lo + (hi - lo) * r();
  const B = spec.buses;
  const lines: { from: number; to: number; x: number; limitKw: number }[] = [];
  const seen = new Set<string>();
  const addLine = (a: number, b: number, limit: number) => {
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (a === b || seen.has(key)) return false;
    seen.add(key);
    lines.push({ from: Math.min(a, b), to: Math.max(a, b), x: Number(between(0.05, 0.3).toFixed(4)), limitKw: Number(limit.toFixed(2)) });
    return true;
  };
  for (let b = 2; b <= B; b++) addLine(b, 1 + Math.floor(r() * (b - 1)), between(8, 30));
  for (let k = 0; k < (spec.extraLines ?? Math.round(B / 3)); ) if (addLine(1 + Math.floor(r() * B), 1 + Math.floor(r() * B), between(2, 8))) k++;

  const others = spec.agents - 1;
  const sellers = Math.round(others * (spec.sellerShare ?? 0.45));
  const buyers = others - sellers;
  const batteries = Math.round(sellers * (spec.batteryShare ?? 0.1));
  const shape = demandShape();
  const p = IEEE14_PLAN;
  const bus = () => 2 + Math.floor(r() * (B - 1));
  return {
    name: `synthetic-${B}bus-${spec.agents}agents`,
    description: `Random meshed ${B}-bus network (${lines.length} lines) with ${spec.agents} agents, parameters from the ieee14 ranges.`,
    network: { name: `synthetic${B}`, lines },
    grid: { importCostUsdPerKwh: p.importCostUsdPerKwh },
    sellers: Array.from({ length: sellers }, (_, i) => {
      const peak = Number((2.4 + 0.6 * r()).toFixed(2));
      const solar = r() < 0.5;
      const cheap = r() < 0.5;
      const seller: CaseInput['sellers'][number] = {
        id: `S${i + 1}`,
        bus: bus(),
        alpha: Number(between(...p.alpha).toFixed(5)),
        beta: Number(between(...(cheap ? p.cheapBeta : p.dearBeta)).toFixed(4)),
        xMaxKw: solar ? peak : Number((peak * 0.6).toFixed(2)),
        ...(solar ? { availabilityKw: solarProfile(peak) } : {}),
      };
      if (i < batteries) {
        const cap = Number(between(6, 9).toFixed(2));
        const pw = Number(between(1.5, 2).toFixed(2));
        seller.battery = { capacityKwh: cap, socMinKwh: 0.1 * cap, socInitKwh: 0.5 * cap, socFinalMinKwh: 0.5 * cap, chargeMaxKw: pw, dischargeMaxKw: pw, etaCharge: p.eta, etaDischarge: p.eta };
      }
      return seller;
    }),
    buyers: Array.from({ length: buyers }, (_, j) => {
      const level = 1.1 * (0.9 + 0.2 * r());
      const cap = shape.map((v) => Number((level * v).toFixed(3)));
      return {
        id: `B${j + 1}`,
        bus: bus(),
        omega: Number(between(...p.omega).toFixed(4)),
        delta: Number(between(...p.delta).toFixed(4)),
        yMinKw: cap.map((v) => Number((p.mustServe * v).toFixed(3))),
        yMaxKw: cap,
      };
    }),
  };
}
