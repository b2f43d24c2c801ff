// Builds the result document of a clearing run (its schema is in ./schema).
import type { Market } from '../case/market';
import { type MarketOutputs, marketOutputs } from '../market/outputs';
import { thesisWelfare } from '../model/welfare';
import { type ClearingSolution, maxLineUtilization, maxLineViolation } from '../solution';
import { RESULT_FORMAT, type ResultDocument, resultSchema } from './schema';

/** `unconstrained`: the same day cleared without line limits, kept as a reference for Fig. 6.7. */
export function buildResult(
  market: Market,
  solution: ClearingSolution,
  settings: Record<string, number | boolean | string>,
  unconstrained?: ClearingSolution,
): ResultDocument {
  const outputs: MarketOutputs = marketOutputs(market, solution);
  const util = maxLineUtilization(market, solution.flowsKw);
  const doc: ResultDocument = {
    format: RESULT_FORMAT,
    case: {
      name: market.name,
      inputHash: market.inputHash,
      network: market.network.name,
      slackBus: market.network.slack,
      hours: 24,
      agents: market.agents.map((a) => ({ ...a })),
      lines: market.network.lines.map((l) => ({ from: l.from, to: l.to, limitKw: Number.isFinite(l.limitKw) ? l.limitKw : null })),
    },
    method: solution.method,
    constrained: solution.constrained,
    settings,
    status: solution.status,
    welfareUsd: solution.welfareUsd,
    welfare: { withStoragePenaltyUsd: solution.welfareUsd, thesisUsd: thesisWelfare(solution.welfare), ...solution.welfare },
    accuracy: solution.accuracy,
    schedule: { kw: solution.dispatch.map((d) => d.netKw), wh: outputs.scheduleWh },
    dispatch: solution.dispatch,
    prices: {
      settlementUsdPerKwh: outputs.settlementPriceUsdPerKwh,
      systemUsdPerKwh: solution.systemPriceUsdPerKwh,
      nodalUsdPerKwh: solution.nodalPriceUsdPerKwh,
      lineDualUsdPerKwh: solution.lineDualUsdPerKwh,
    },
    tariff: outputs.tariff,
    network: {
      flowsKw: solution.flowsKw,
      maxUtilization: util.utilization,
      maxUtilizationLine: util.line,
      maxViolationKw: maxLineViolation(market, solution.flowsKw),
    },
    trades: outputs.trades,
    ...(outputs.omitted ? { tradesOmitted: outputs.omitted } : {}),
    totals: outputs.totals,
    ...(solution.admm ? { admm: solution.admm } : {}),
    ...(unconstrained
      ? {
          reference: {
            unconstrained: {
              method: unconstrained.method,
              welfareUsd: unconstrained.welfareUsd,
              flowsKw: unconstrained.flowsKw,
              maxUtilization: maxLineUtilization(market, unconstrained.flowsKw).utilization,
            },
          },
        }
      : {}),
  };
  return resultSchema.parse(doc);
}
