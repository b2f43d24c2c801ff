// The clearing result document: everything a clearing run produced, in one JSON file that the
// oracle publishes (content-addressed) and auditors and participants re-check. Its schema is the
// contract between the clearing engine, the oracle, the CLI and the web app. It is deterministic:
// the same case and settings give the same document, byte for byte (no timings, no dates), so
// that anyone can re-run the clearing and compare hashes.
import { z } from 'zod';
import { ResultDocumentError } from '../errors';

export const RESULT_FORMAT = 'gridmarket-clearing/2';

const series = z.array(z.number());
const matrix = z.array(series);

export const resultSchema = z.object({
  format: z.literal(RESULT_FORMAT),
  case: z.object({
    name: z.string(),
    /** sha256 of the canonical case: anyone can re-run the clearing from the same input. */
    inputHash: z.string().regex(/^[0-9a-f]{64}$/),
    network: z.string(),
    slackBus: z.number().int(),
    hours: z.literal(24),
    agents: z.array(
      z.object({ index: z.number().int(), id: z.string(), kind: z.enum(['grid', 'seller', 'buyer']), bus: z.number().int(), hasStorage: z.boolean() }),
    ),
    lines: z.array(z.object({ from: z.number().int(), to: z.number().int(), limitKw: z.number().nullable() })),
  }),
  method: z.enum(['centralized', 'highs', 'admm']),
  constrained: z.boolean(),
  settings: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
  status: z.string(),
  /** Welfare at the committed schedule (z for ADMM), storage penalty included: welfare.withStoragePenaltyUsd. */
  welfareUsd: z.number(),
  /**
   * The same welfare term by term (USD), and (3-20) as the thesis writes it, which leaves out the
   * storage penalty λ_cd Σ(c + d) (3-15) that every solver here includes. Optional: documents
   * written before it was added lack it.
   */
  welfare: z
    .object({
      withStoragePenaltyUsd: z.number(),
      thesisUsd: z.number(),
      utilityUsd: z.number(),
      generationCostUsd: z.number(),
      importCostUsd: z.number(),
      storagePenaltyUsd: z.number(),
    })
    .optional(),
  accuracy: z.record(z.string(), z.number()),
  /** Committed schedule: net injection per agent and hour (kW, and whole Wh as committed on chain). */
  schedule: z.object({ kw: matrix, wh: z.array(z.array(z.number().int())) }),
  dispatch: z.array(
    z.object({
      netKw: series,
      generationKw: series.optional(),
      chargeKw: series.optional(),
      dischargeKw: series.optional(),
      socKwh: series.optional(),
      consumptionKw: series.optional(),
      importKw: series.optional(),
    }),
  ),
  prices: z.object({
    settlementUsdPerKwh: series,
    systemUsdPerKwh: series,
    nodalUsdPerKwh: matrix,
    lineDualUsdPerKwh: matrix,
  }),
  /** The integer prices the epoch commits on chain (µUSD/kWh per hour; see market/outputs.ts). */
  tariff: z.object({
    priceMicroUsdPerKwh: z.array(z.number().int().nonnegative()).length(24),
    shortfallMicroUsdPerKwh: z.array(z.number().int().nonnegative()).length(24),
    surplusMicroUsdPerKwh: z.array(z.number().int().nonnegative()).length(24),
  }),
  network: z.object({
    flowsKw: matrix,
    maxUtilization: z.number(),
    maxUtilizationLine: z.number().int(),
    maxViolationKw: z.number(),
  }),
  trades: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      seller: z.number().int().nonnegative(),
      buyer: z.number().int().nonnegative(),
      hour: z.number().int().min(0).max(23),
      energyWh: z.number().int().positive(),
      valueMicroUsd: z.number().int().nonnegative(),
    }),
  ),
  /** The day's seller–buyer pairs exceeded the limit, and no trade is listed (market/outputs.ts). */
  tradesOmitted: z.object({ pairs: z.number().int().positive(), limit: z.number().int().positive() }).optional(),
  /** Over the listed trades. */
  totals: z.object({
    trades: z.number().int(),
    energyWh: z.number().int(),
    valueMicroUsd: z.number().int(),
    averagePriceUsdPerKwh: z.number(),
    tradesPerHour: z.array(z.number().int()),
    energyWhPerHour: z.array(z.number().int()),
    valueMicroUsdPerHour: z.array(z.number().int()),
  }),
  admm: z
    .object({
      status: z.enum(['converged', 'max_iter_reached', 'infeasible', 'diverging']),
      /** Why an infeasible or diverging run stopped early (src/admm/infeasibility.ts). */
      diagnostic: z
        .object({
          message: z.string(),
          iteration: z.number().int(),
          certificateKw: z.number().optional(),
          hours: z
            .array(
              z.object({
                hour: z.number().int(),
                normKw: z.number(),
                imbalanceKw: z.number(),
                lines: z.array(z.object({ line: z.number().int(), from: z.number().int(), to: z.number().int(), flowKw: z.number(), limitKw: z.number() })),
              }),
            )
            .optional(),
        })
        .optional(),
      iterations: z.number().int(),
      rho: series,
      primalResidual: series,
      dualResidual: series,
      epsPrimal: series,
      epsDual: series,
      welfareUsd: series,
      zViolationKw: series,
      finalPViolationKw: z.number(),
      finalMismatchKw: z.number(),
    })
    .optional(),
  /**
   * What the same day clears to without line limits (Fig. 6.7: constrained vs unconstrained line
   * utilization), from the centralized benchmark. Informational: nothing on chain commits to it.
   */
  reference: z
    .object({
      unconstrained: z.object({ method: z.string(), welfareUsd: z.number(), flowsKw: matrix, maxUtilization: z.number() }),
    })
    .optional(),
}).superRefine((doc, ctx) => {
  if (doc.tradesOmitted && doc.trades.length > 0) ctx.addIssue({ code: 'custom', path: ['tradesOmitted'], message: 'is set, but trades are listed' });
  if (doc.tradesOmitted && doc.tradesOmitted.pairs <= doc.tradesOmitted.limit) ctx.addIssue({ code: 'custom', path: ['tradesOmitted', 'pairs'], message: 'is within the limit: the trades should be listed' });
});

export type ResultDocument = z.infer<typeof resultSchema>;

export { canonicalJson } from '../canonical';

export { ResultDocumentError };

/** Parses a result document (e.g. fetched from the content store); errors name the field. */
export function parseResult(json: unknown): ResultDocument {
  const r = resultSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ResultDocumentError(`${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}
