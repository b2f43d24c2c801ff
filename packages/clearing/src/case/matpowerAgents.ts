// The default agents of a MATPOWER case given on its own (`--case case118.m`): a deterministic,
// seeded placement of buyers and sellers over the case's load and generator buses, sized by its PD
// and PG and scaled down to microgrid kW. A case file that names the .m as its network
// (`"network": { "matpower": "case118.m" }`) brings its own agents instead.
import path from 'node:path';
import { rng } from '@gridmarket/bench';
import { readMatpowerFile } from '@gridmarket/grid';
import { demandShape, solarProfile } from './generator';
import { CaseError } from '../errors';
import { IEEE14_PLAN } from './plans';
import type { CaseInput } from './schema';

export interface MatpowerPlacementOptions {
  /** Seed of the placement's PRNG. */
  seed?: number;
  /** Mean of the buyers' average demand caps, kW; it sets the scale (kW per MW of the case). */
  buyerMeanKw?: number;
  /** Share of the load buses that also get a solar seller (a prosumer). */
  solarShare?: number;
  /** Share of the solar sellers with a battery. */
  batteryShare?: number;
}

export const MATPOWER_PLACEMENT_DEFAULTS: Required<MatpowerPlacementOptions> = {
  seed: 1,
  buyerMeanKw: 1.1, // the built-in cases' households (Table 6.2: ~1.1–1.4 kW on average)
  solarShare: 0.4,
  batteryShare: 0.25,
};

/** Unit size (kW) of the built-in cases' sellers, at which their cost curvature α is drawn. */
const UNIT_KW = 3;
/** A prosumer's solar peak relative to the average demand at its bus. */
const SOLAR_PEAK_TO_LOAD: [number, number] = [1.5, 2.5];
/** Battery energy and power relative to the solar peak (the built-in cases: ~8 kWh, ~2 kW at ~3 kW). */
const BATTERY_HOURS = 2.7;
const BATTERY_POWER_TO_PEAK = 0.65;

const round = (v: number, digits = 4) => Number(v.toFixed(digits));
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * The case (agents and network reference) of a MATPOWER file, and the directory that resolves it:
 * - one buyer per load bus (PD > 0), average demand cap ∝ PD, the scale set so that the mean is
 *   `buyerMeanKw`; ω grows with the demand so that large buyers answer prices like small ones;
 * - one dispatchable seller per generator bus other than the slack with in-service PG > 0,
 *   capacity ∝ PG at the same scale (the slack's generation is the upstream grid);
 * - a solar seller at a seeded `solarShare` of the load buses, peak 1.5–2.5 × that bus's demand,
 *   a seeded `batteryShare` of them with a battery;
 * - costs and utilities drawn from the ieee14 plan's ranges, α scaled by 3 kW / capacity so that the
 *   marginal cost at full output is that of a built-in 3 kW unit;
 * - RATE_A read at the same scale (kW per MVA), so that lines are as loaded as in the case.
 */
export function matpowerCase(file: string, options: MatpowerPlacementOptions = {}): { input: CaseInput; baseDir: string } {
  const o = { ...MATPOWER_PLACEMENT_DEFAULTS, ...options };
  const { network, buses, generators } = readMatpowerFile(file);
  const name = path.basename(file, path.extname(file));
  const loads = buses.filter((b) => b.pdMw > 0).sort((a, b) => a.bus - b.bus);
  if (loads.length === 0) {
    throw new CaseError('case', `${file}: no bus has a load (PD > 0) to place buyers on; write a case file with agents whose network is { "matpower": "${path.basename(file)}" }`);
  }
  const kwPerMw = Number((o.buyerMeanKw / (loads.reduce((s, b) => s + b.pdMw, 0) / loads.length)).toPrecision(6));
  const r = rng(o.seed);
  const p = IEEE14_PLAN;
  const between = ([lo, hi]: readonly [number, number]) => lo + (hi - lo) * r();
  const alphaFor = (xMaxKw: number) => round((between(p.alpha) * UNIT_KW) / xMaxKw, 7);
  const shape = demandShape();

  const buyers = loads.map((b) => {
    const level = kwPerMw * b.pdMw;
    const cap = shape.map((v) => round(level * v, 3));
    return {
      id: `B${b.bus}`,
      bus: b.bus,
      omega: round(between(p.omega) * Math.max(1, level / o.buyerMeanKw), 4),
      delta: round(between(p.delta), 4),
      yMinKw: cap.map((v) => round(p.mustServe * v, 3)),
      yMaxKw: cap,
    };
  });

  const pgByBus = new Map<number, number>();
  for (const g of generators) {
    if (g.inService && g.pgMw > 0 && g.bus !== network.slack && network.buses.includes(g.bus)) pgByBus.set(g.bus, (pgByBus.get(g.bus) ?? 0) + g.pgMw);
  }
  const dispatchable: CaseInput['sellers'] = [...pgByBus]
    .sort(([a], [b]) => a - b)
    .map(([bus, pg]) => {
      const xMaxKw = round(kwPerMw * pg, 3);
      return { id: `G${bus}`, bus, alpha: alphaFor(xMaxKw), beta: round(between(p.dearBeta), 4), gamma: p.gamma, xMinKw: 0, xMaxKw };
    });

  const shuffled = seededShuffle(loads, r);
  const prosumers = shuffled.slice(0, Math.ceil(o.solarShare * loads.length));
  const withBattery = new Set(prosumers.slice(0, Math.ceil(o.batteryShare * prosumers.length)).map((b) => b.bus));
  const solar: CaseInput['sellers'] = prosumers
    .sort((a, b) => a.bus - b.bus)
    .map((b) => {
      const peak = round(kwPerMw * b.pdMw * between(SOLAR_PEAK_TO_LOAD), 3);
      const seller: CaseInput['sellers'][number] = {
        id: `S${b.bus}`,
        bus: b.bus,
        alpha: alphaFor(peak),
        beta: round(between(p.cheapBeta), 4),
        gamma: p.gamma,
        xMinKw: 0,
        xMaxKw: peak,
        availabilityKw: solarProfile(peak),
      };
      if (withBattery.has(b.bus)) {
        const cap = round(BATTERY_HOURS * peak, 3);
        const power = round(BATTERY_POWER_TO_PEAK * peak, 3);
        seller.battery = {
          capacityKwh: cap,
          socMinKwh: round(0.1 * cap, 3),
          socInitKwh: round(0.5 * cap, 3),
          socFinalMinKwh: round(0.5 * cap, 3),
          chargeMaxKw: power,
          dischargeMaxKw: power,
          etaCharge: p.eta,
          etaDischarge: p.eta,
        };
      }
      return seller;
    });

  const input: CaseInput = {
    name,
    description:
      `Agents placed on ${path.basename(file)} by the default MATPOWER placement (seed ${o.seed}): ${count(buyers.length, 'buyer')} at the load buses ` +
      `(demand ∝ PD, ${kwPerMw} kW per MW of the case), ${count(dispatchable.length, 'dispatchable seller')} at the generator buses other than the slack (capacity ∝ PG), ` +
      `${count(solar.length, 'solar seller')} (${withBattery.size} with batteries) at load buses; the upstream grid at the slack bus ${network.slack}.`,
    network: { matpower: path.basename(file), rateScale: kwPerMw },
    grid: { importCostUsdPerKwh: p.importCostUsdPerKwh },
    storagePenaltyUsdPerKwh: 0.001,
    sellers: [...dispatchable, ...solar],
    buyers,
  };
  return { input, baseDir: path.dirname(path.resolve(file)) };
}

/** Fisher–Yates with the given PRNG (a copy; the input is left alone). */
function seededShuffle<T>(items: readonly T[], r: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
