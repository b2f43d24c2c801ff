// Deterministic generator of the built-in cases. The thesis does not publish its agent data, only
// Tables 6.1–6.3; these cases follow those tables (agent counts, battery sizes and limits,
// efficiencies, ~3 kW sellers, ~1.2–1.4 kW average buyer demand) and are calibrated as described in
// packages/clearing/CALIBRATION.md. Same seed, same file: `pnpm --filter @gridmarket/clearing gen:cases`.
import { rng } from '@gridmarket/bench';
import type { CaseInput } from './schema';

const round = (v: number, digits = 4) => Number(v.toFixed(digits));

/** Solar-like availability: zero at night, a sine over daylight peaking at `peakKw` at 12:30. */
export function solarProfile(peakKw: number, sunrise = 6, sunset = 19): number[] {
  return Array.from({ length: 24 }, (_, t) => {
    const mid = t + 0.5;
    if (mid <= sunrise || mid >= sunset) return 0;
    return round(peakKw * Math.sin((Math.PI * (mid - sunrise)) / (sunset - sunrise)), 3);
  });
}

/** Residential demand shape (morning and evening peaks, low at night), mean 1. */
export function demandShape(): number[] {
  const raw = Array.from({ length: 24 }, (_, t) => {
    const morning = Math.exp(-(((t - 8) / 1.8) ** 2));
    const evening = Math.exp(-(((t - 19.5) / 2.2) ** 2));
    const day = 0.35 * Math.exp(-(((t - 13) / 4) ** 2));
    return 0.45 + 0.55 * morning + 0.9 * evening + day;
  });
  const mean = raw.reduce((a, b) => a + b, 0) / 24;
  return raw.map((v) => v / mean);
}

export interface SellerPlan {
  bus: number;
  kind: 'solar' | 'dispatchable';
  /** Cheap (low β) or expensive region. */
  cheap: boolean;
  battery?: { capacityKwh: number; powerKw: number };
}

export interface BuyerPlan {
  bus: number;
  /** Average of the demand cap, kW. */
  averageKw: number;
}

export interface CasePlan {
  name: string;
  description: string;
  network: 'ieee14' | 'ieee33';
  seed: number;
  importCostUsdPerKwh: number;
  eta: number;
  sellers: SellerPlan[];
  buyers: BuyerPlan[];
  /** Ranges the parameters are drawn from. */
  cheapBeta: [number, number];
  dearBeta: [number, number];
  alpha: [number, number];
  gamma: number;
  omega: [number, number];
  delta: [number, number];
  /** Demand that must be served each hour, as a share of the cap. */
  mustServe: number;
}

export function generateCase(plan: CasePlan): CaseInput {
  const r = rng(plan.seed);
  const between = ([lo, hi]: [number, number]) => lo + (hi - lo) * r();
  const shape = demandShape();
  return {
    name: plan.name,
    description: plan.description,
    network: { builtin: plan.network },
    grid: { importCostUsdPerKwh: plan.importCostUsdPerKwh },
    storagePenaltyUsdPerKwh: 0.001,
    sellers: plan.sellers.map((s, i) => {
      const peak = round(2.4 + 0.6 * r(), 2); // ~3 kW units (Table 6.1: p_max 3.0 kW)
      const seller: CaseInput['sellers'][number] = {
        id: `S${i + 1}`,
        bus: s.bus,
        alpha: round(between(plan.alpha), 5),
        beta: round(between(s.cheap ? plan.cheapBeta : plan.dearBeta), 4),
        gamma: plan.gamma,
        xMinKw: 0,
        xMaxKw: s.kind === 'solar' ? peak : round(peak * 0.6, 2),
        ...(s.kind === 'solar' ? { availabilityKw: solarProfile(peak) } : {}),
      };
      if (s.battery) {
        const cap = s.battery.capacityKwh;
        seller.battery = {
          capacityKwh: cap,
          socMinKwh: round(0.1 * cap, 3),
          socInitKwh: round(0.5 * cap, 3),
          socFinalMinKwh: round(0.5 * cap, 3),
          chargeMaxKw: s.battery.powerKw,
          dischargeMaxKw: s.battery.powerKw,
          etaCharge: plan.eta,
          etaDischarge: plan.eta,
        };
      }
      return seller;
    }),
    buyers: plan.buyers.map((b, j) => {
      const level = b.averageKw * (0.9 + 0.2 * r());
      const shift = Math.floor(r() * 3) - 1; // peaks an hour earlier or later for some households
      const cap = Array.from({ length: 24 }, (_, t) => round(level * shape[(t + shift + 24) % 24]!, 3));
      return {
        id: `B${j + 1}`,
        bus: b.bus,
        omega: round(between(plan.omega), 4),
        delta: round(between(plan.delta), 4),
        yMinKw: cap.map((v) => round(plan.mustServe * v, 3)),
        yMaxKw: cap,
      };
    }),
  };
}

/**
 * The case of day `day` of a multi-day run: day 0 is the case itself; later days scale solar
 * availability (weather) by 0.8–1.1 and demand by 0.92–1.08, from a seed of the case name and day,
 * so that every run of the same days clears the same markets.
 */
export function dayVariant<T extends CaseInput>(input: T, day: number): T {
  if (day === 0) return input;
  let seed = day * 7919;
  for (const ch of input.name) seed = (seed * 31 + ch.charCodeAt(0)) >>> 0;
  const r = rng(seed);
  const sun = 0.8 + 0.3 * r();
  const demand = 0.92 + 0.16 * r();
  const scale = (v: number[], k: number) => v.map((x) => Number((x * k).toFixed(3)));
  return {
    ...input,
    sellers: input.sellers.map((s) => (s.availabilityKw ? { ...s, availabilityKw: scale(s.availabilityKw, sun) } : s)),
    buyers: input.buyers.map((b) => ({ ...b, yMinKw: scale(b.yMinKw, demand), yMaxKw: scale(b.yMaxKw, demand) })),
  };
}
