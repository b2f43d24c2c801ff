// Market outputs (thesis §5.2) from a cleared schedule: integer-Wh schedules, the settlement price
// π(t) (5-2), bilateral trades q_ij(t) (5-3) and their values v_ij = q_ij·π(t) (5-4).
//
// Trades per hour: every agent that injects (sellers, a discharging battery, the grid importing)
// supplies s_i = z_i(t) > 0, every agent that withdraws (buyers, a charging battery) demands
// d_j = −z_j(t) > 0, and supply is split over demand in proportion (5-3) — the thesis splits
// generation over buyers; here the grid and storage are counterparties too, so that every agent's
// energy is accounted for. Quantities are whole Wh (rounding.ts): the minimum trade is 1 Wh, every
// seller's trades add up to its scheduled supply and every buyer's to its scheduled demand, exactly.
//
// Tariff (what the epoch commits on chain, in micro-dollars per kWh): the price of each hour is π(t)
// rounded to the nearest µUSD/kWh; an agent's metered shortfall settles at the grid's import price
// (at least the hour's price) and its metered surplus at half the hour's price, rounded down, so
// that surplus ≤ price ≤ shortfall in every hour and no deviation earns more than the schedule.
//
// Values are in micro-dollars (the settlement token's base unit, 6 decimals), computed from the
// committed integer price exactly as the contracts do: v = ⌊(q[Wh] · p[µUSD/kWh] + 500) / 1000⌋
// (half up). Trades only explain the schedule: money on chain follows each agent's position.
//
// The split pairs every supplier with every demander of the hour, so trades grow as suppliers ×
// demanders × 24 (4.1 million trades at synthetic:1000, 449 million pairs at synthetic:10000, as
// `gridmarket clear --json` prints them). Above
// MAX_TRADE_PAIRS a day's outputs list no trades and say so (`omitted`): schedules, prices and the
// tariff are still exact, and such a document can be read but not posted (every position is
// settled against trades that add up to it).
import type { Market } from '../case/market';
import { marginalCost } from '../model/welfare';
import type { ClearingSolution } from '../solution';
import { proportionalIntegerSplit, roundScheduleWh } from './rounding';

export interface Trade {
  index: number;
  seller: number;
  buyer: number;
  hour: number;
  energyWh: number;
  valueMicroUsd: number;
}

/** Integer prices per hour in µUSD/kWh, committed on chain as the epoch's tariff. */
export interface Tariff {
  priceMicroUsdPerKwh: number[];
  shortfallMicroUsdPerKwh: number[];
  surplusMicroUsdPerKwh: number[];
}

/** Seller–buyer pairs of a day above which its trades are not listed (synthetic:1000's 4.1 million trades make a 350 MB document). */
export const MAX_TRADE_PAIRS = 5_000_000;

export interface MarketOutputs {
  scheduleWh: number[][];
  /** π(t) of (5-2), USD/kWh; the system price where no seller generates. */
  settlementPriceUsdPerKwh: number[];
  tariff: Tariff;
  /** Empty when `omitted`. */
  trades: Trade[];
  /** Present when the day's seller–buyer pairs exceed MAX_TRADE_PAIRS: no trade was listed. */
  omitted?: { pairs: number; limit: number };
  /** Over the listed trades. */
  totals: {
    trades: number;
    energyWh: number;
    valueMicroUsd: number;
    averagePriceUsdPerKwh: number;
    /** Trades per hour (Fig. 6.14) and energy and value per hour (Fig. 6.15). */
    tradesPerHour: number[];
    energyWhPerHour: number[];
    valueMicroUsdPerHour: number[];
  };
}

/**
 * π(t) = Σ MC_i(x_i) x_i / Σ x_i over sellers (5-2). `marginalCosts` are the sellers' own reports
 * (ADMM) or are computed from their parameters (benchmarks).
 */
export function settlementPrice(
  market: Market,
  solution: ClearingSolution,
  marginalCosts?: (number[] | undefined)[],
): number[] {
  return Array.from({ length: market.hours }, (_, t) => {
    let num = 0;
    let den = 0;
    market.agents.forEach((agent, a) => {
      if (agent.kind !== 'seller') return;
      const x = solution.dispatch[a]!.generationKw?.[t] ?? 0;
      const params = market.params[a]!;
      const mc = marginalCosts?.[a]?.[t] ?? (params.kind === 'seller' ? marginalCost(params, x) : 0);
      num += mc * x;
      den += x;
    });
    return den > 1e-12 ? num / den : solution.systemPriceUsdPerKwh[t]!;
  });
}

/** The tariff of a day (see the top of this file). */
export function tariff(market: Market, priceUsdPerKwh: readonly number[]): Tariff {
  const grid = market.params.find((p) => p.kind === 'grid');
  const importMicro = grid && grid.kind === 'grid' ? Math.round(grid.importCostUsdPerKwh * 1e6) : 0;
  const price = priceUsdPerKwh.map((p) => Math.max(0, Math.round(p * 1e6)));
  return {
    priceMicroUsdPerKwh: price,
    shortfallMicroUsdPerKwh: price.map((p) => Math.max(p, importMicro)),
    surplusMicroUsdPerKwh: price.map((p) => Math.floor(p / 2)),
  };
}

/** A trade's value at an integer price: ⌊(q · p + 500) / 1000⌋, as the contracts compute it. */
export const tradeValueMicroUsd = (energyWh: number, priceMicroUsdPerKwh: number) => Math.floor((energyWh * priceMicroUsdPerKwh + 500) / 1000);

/** `maxPairs`: the limit on a day's seller–buyer pairs above which no trade is listed. */
export function marketOutputs(market: Market, solution: ClearingSolution, maxPairs = MAX_TRADE_PAIRS): MarketOutputs {
  const marginalCosts = solution.reportedMarginalCostUsdPerKwh;
  const T = market.hours;
  const scheduleWh = roundScheduleWh(solution.dispatch.map((d) => d.netKw));
  const price = settlementPrice(market, solution, marginalCosts);
  const committed = tariff(market, price);
  const trades: Trade[] = [];
  const tradesPerHour = new Array<number>(T).fill(0);
  const energyWhPerHour = new Array<number>(T).fill(0);
  const valueMicroUsdPerHour = new Array<number>(T).fill(0);
  const hours = Array.from({ length: T }, (_, t) => {
    const sellers: number[] = [];
    const buyers: number[] = [];
    market.agents.forEach((_, a) => {
      const wh = scheduleWh[a]![t]!;
      if (wh > 0) sellers.push(a);
      else if (wh < 0) buyers.push(a);
    });
    return { sellers, buyers };
  });
  const pairs = hours.reduce((n, h) => n + h.sellers.length * h.buyers.length, 0);
  const omitted = pairs > maxPairs ? { pairs, limit: maxPairs } : undefined;
  for (let t = 0; t < T && !omitted; t++) {
    const { sellers, buyers } = hours[t]!;
    const split = proportionalIntegerSplit(
      sellers.map((a) => scheduleWh[a]![t]!),
      buyers.map((a) => -scheduleWh[a]![t]!),
    );
    sellers.forEach((s, i) =>
      buyers.forEach((b, j) => {
        const energyWh = split[i]![j]!;
        if (energyWh === 0) return;
        const valueMicroUsd = tradeValueMicroUsd(energyWh, committed.priceMicroUsdPerKwh[t]!);
        trades.push({ index: trades.length, seller: s, buyer: b, hour: t, energyWh, valueMicroUsd });
        tradesPerHour[t]!++;
        energyWhPerHour[t]! += energyWh;
        valueMicroUsdPerHour[t]! += valueMicroUsd;
      }),
    );
  }
  const energyWh = energyWhPerHour.reduce((a, b) => a + b, 0);
  const valueMicroUsd = valueMicroUsdPerHour.reduce((a, b) => a + b, 0);
  return {
    scheduleWh,
    settlementPriceUsdPerKwh: price,
    tariff: committed,
    trades,
    ...(omitted ? { omitted } : {}),
    totals: {
      trades: trades.length,
      energyWh,
      valueMicroUsd,
      averagePriceUsdPerKwh: energyWh > 0 ? valueMicroUsd / 1000 / energyWh : 0,
      tradesPerHour,
      energyWhPerHour,
      valueMicroUsdPerHour,
    },
  };
}
