// The case file: network, agents and their private parameters, validated with zod at the edge.
// Units: power kW, energy kWh, money USD, time h. Seller cost C(x) = αx² + βx + γ per hour (3-7);
// buyer utility U(y) = ω·ln(1 + y) − δ·y per hour (3-10); batteries follow (3-11)–(3-15).
import { z } from 'zod';

const HOURS = 24;

/**
 * The largest magnitudes a case may hold. A microgrid's numbers are far inside them; beyond them
 * a value is a typo or a unit mistake, and the solvers' tolerances (1e-10 relative in the interior
 * point) stop meaning anything, so the case is refused naming the field rather than solved badly.
 */
export const CASE_LIMITS = {
  /** Power: generation, demand, charge and discharge rates, import cap, line limits (1 GW). */
  powerKw: 1e6,
  /** Energy: battery capacity and states of charge. */
  energyKwh: 1e7,
  /** Cost and utility coefficients (α, β, γ, ω, δ, import cost, storage penalty). */
  coefficientUsd: 1e6,
  /** Line resistance (unused by the DC model) and the MATPOWER rating scale. */
  perUnit: 1e6,
} as const;

const finite = z.number().finite();
const exp = (v: number) => v.toExponential().replace('e+', 'e');
const atMost = (max: number, unit: string) => finite.max(max, { message: `must be at most ${exp(max)} ${unit}` });
const anyKw = atMost(CASE_LIMITS.powerKw, 'kW');
const anyKwh = atMost(CASE_LIMITS.energyKwh, 'kWh');
const kw = anyKw.nonnegative();
const kwh = anyKwh.nonnegative();
const usd = (unit: string) => atMost(CASE_LIMITS.coefficientUsd, unit);
const perUnit = atMost(CASE_LIMITS.perUnit, 'p.u.').min(-CASE_LIMITS.perUnit, { message: `must be at least ${exp(-CASE_LIMITS.perUnit)} p.u.` });
const hourly = (what: string) => z.array(kw).length(HOURS, { message: `${what} needs 24 hourly values` });

const lineSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  r: perUnit.optional(),
  /** Its range is the grid's (MIN_REACTANCE_PU, MAX_REACTANCE_PU): buildNetwork checks it. */
  x: finite,
  limitKw: anyKw.positive().optional(),
});

export const networkRefSchema = z.union([
  z.object({ builtin: z.enum(['ieee14', 'ieee33']), slack: z.number().int().optional() }).strict(),
  z
    .object({
      matpower: z.string().min(1),
      slack: z.number().int().optional(),
      rateScale: atMost(CASE_LIMITS.perUnit, 'kW per MVA').positive().optional(),
      limitsKw: z.array(anyKw.positive()).optional(),
    })
    .strict(),
  z.object({ name: z.string().optional(), lines: z.array(lineSchema).min(1), slack: z.number().int().optional() }).strict(),
]);

export const batterySchema = z
  .object({
    capacityKwh: anyKwh.positive(),
    socMinKwh: kwh,
    socInitKwh: kwh,
    socFinalMinKwh: kwh,
    chargeMaxKw: kw,
    dischargeMaxKw: kw,
    etaCharge: finite.gt(0).lte(1),
    etaDischarge: finite.gt(0).lte(1),
  })
  .strict();

export const sellerSchema = z
  .object({
    id: z.string().min(1),
    bus: z.number().int(),
    alpha: usd('USD/kW²h').nonnegative(),
    beta: usd('USD/kWh').nonnegative(),
    gamma: usd('USD/h').min(-CASE_LIMITS.coefficientUsd, { message: `must be at least ${exp(-CASE_LIMITS.coefficientUsd)} USD/h` }).default(0),
    xMinKw: kw.default(0),
    xMaxKw: kw,
    /** Generation available each hour (solar-like profiles); the cap is min(xMaxKw, availability). */
    availabilityKw: hourly('availabilityKw').optional(),
    battery: batterySchema.optional(),
  })
  .strict();

export const buyerSchema = z
  .object({
    id: z.string().min(1),
    bus: z.number().int(),
    omega: usd('USD').positive(),
    delta: usd('USD/kWh').nonnegative(),
    yMinKw: hourly('yMinKw'),
    yMaxKw: hourly('yMaxKw'),
  })
  .strict();

export const caseSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    network: networkRefSchema,
    /** Upstream grid at the slack bus: import cost in USD/kWh and an optional import cap. */
    grid: z
      .object({ importCostUsdPerKwh: usd('USD/kWh').positive(), maxImportKw: anyKw.positive().optional() })
      .strict(),
    /** λ_cd of (3-15): USD per kWh charged or discharged, against simultaneous charge and discharge. */
    storagePenaltyUsdPerKwh: usd('USD/kWh').nonnegative().default(0.001),
    sellers: z.array(sellerSchema).min(1),
    buyers: z.array(buyerSchema).min(1),
  })
  .strict();

export type CaseInput = z.input<typeof caseSchema>;
export type Case = z.output<typeof caseSchema>;
export type Seller = z.output<typeof sellerSchema>;
export type Buyer = z.output<typeof buyerSchema>;
export type Battery = z.output<typeof batterySchema>;
export type NetworkRef = z.output<typeof networkRefSchema>;

export { HOURS };
