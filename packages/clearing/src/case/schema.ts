// The case file: network, agents and their private parameters, validated with zod at the edge.
// Units: power kW, energy kWh, money USD, time h. Seller cost C(x) = αx² + βx + γ per hour (3-7);
// buyer utility U(y) = ω·ln(1 + y) − δ·y per hour (3-10); batteries follow (3-11)–(3-15).
import { z } from 'zod';

const HOURS = 24;
const finite = z.number().finite();
const nonNegative = finite.nonnegative();
const hourly = (what: string) => z.array(nonNegative).length(HOURS, { message: `${what} needs 24 hourly values` });

const lineSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  r: finite.optional(),
  x: finite,
  limitKw: finite.positive().optional(),
});

export const networkRefSchema = z.union([
  z.object({ builtin: z.enum(['ieee14', 'ieee33']), slack: z.number().int().optional() }).strict(),
  z
    .object({
      matpower: z.string().min(1),
      slack: z.number().int().optional(),
      rateScale: finite.positive().optional(),
      limitsKw: z.array(finite.positive()).optional(),
    })
    .strict(),
  z.object({ name: z.string().optional(), lines: z.array(lineSchema).min(1), slack: z.number().int().optional() }).strict(),
]);

export const batterySchema = z
  .object({
    capacityKwh: finite.positive(),
    socMinKwh: nonNegative,
    socInitKwh: nonNegative,
    socFinalMinKwh: nonNegative,
    chargeMaxKw: nonNegative,
    dischargeMaxKw: nonNegative,
    etaCharge: finite.gt(0).lte(1),
    etaDischarge: finite.gt(0).lte(1),
  })
  .strict();

export const sellerSchema = z
  .object({
    id: z.string().min(1),
    bus: z.number().int(),
    alpha: nonNegative,
    beta: nonNegative,
    gamma: finite.default(0),
    xMinKw: nonNegative.default(0),
    xMaxKw: nonNegative,
    /** Generation available each hour (solar-like profiles); the cap is min(xMaxKw, availability). */
    availabilityKw: hourly('availabilityKw').optional(),
    battery: batterySchema.optional(),
  })
  .strict();

export const buyerSchema = z
  .object({
    id: z.string().min(1),
    bus: z.number().int(),
    omega: finite.positive(),
    delta: nonNegative,
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
      .object({ importCostUsdPerKwh: finite.positive(), maxImportKw: finite.positive().optional() })
      .strict(),
    /** λ_cd of (3-15): USD per kWh charged or discharged, against simultaneous charge and discharge. */
    storagePenaltyUsdPerKwh: nonNegative.default(0.001),
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
