// The settlement rule of the contracts (contracts/libraries/Positions.sol), written once for every
// off-chain reader: the oracle, the claim planner, the auditor and the web app call these functions
// instead of deciding payments themselves. test/positions.test.ts checks them against the contract
// on anvil.
//
// Units: energy in Wh, prices in settlement-token base units per kWh, so an amount is
// Σ Wh × price / 1000; each amount is summed exactly over the 24 hours and divided once, what an
// agent pays rounded up and what it receives rounded down.
import { concat, encodeAbiParameters, type Hex, keccak256, parseAbiParameters } from 'viem';
import { checkHourly, HOURS, packRows } from './leaves';

export const WH_PER_KWH = 1000n;
/** A reading hour with no measurement (type(int32).min). */
export const MISSING = -(2 ** 31);

/** How an epoch's positions settle; the index is the on-chain enum value. */
export const SETTLEMENT_MODES = ['imbalance', 'thesis'] as const;
export type SettlementMode = (typeof SETTLEMENT_MODES)[number];

/** An epoch's prices per hour, base units per kWh (the Tariff struct). */
export interface Tariff {
  price: readonly bigint[];
  shortfall: readonly bigint[];
  surplus: readonly bigint[];
}

export class TariffError extends Error {
  override name = 'TariffError';
}

/** Throws unless every hour has surplus ≤ price ≤ shortfall (what postEpoch enforces). */
export function checkTariff(t: Tariff): void {
  for (const key of ['price', 'shortfall', 'surplus'] as const) {
    if (t[key].length !== HOURS) throw new TariffError(`tariff.${key} must hold ${HOURS} hourly prices, got ${t[key].length}`);
    t[key].forEach((p, h) => {
      if (p < 0n || p >= 1n << 64n) throw new TariffError(`tariff.${key}[${h}] must be a uint64, got ${p}`);
    });
  }
  for (let h = 0; h < HOURS; h++) {
    if (t.surplus[h]! > t.price[h]! || t.price[h]! > t.shortfall[h]!) {
      throw new TariffError(`hour ${h}: the surplus price ${t.surplus[h]} must not exceed the price ${t.price[h]}, nor the price the shortfall price ${t.shortfall[h]}`);
    }
  }
}

/** The tariff as the contracts' ABI takes it. */
export function tariffArgs(t: Tariff) {
  const tuple = (v: readonly bigint[]) => [...v] as unknown as readonly [bigint, ...bigint[]];
  return { price: tuple(t.price), shortfall: tuple(t.shortfall), surplus: tuple(t.surplus) } as never;
}

/** keccak256(abi.encode(tariff)), as the ledger stores it. */
export function tariffHash(t: Tariff): Hex {
  return keccak256(encodeAbiParameters(parseAbiParameters('(uint64[24] price, uint64[24] shortfall, uint64[24] surplus)'), [tariffArgs(t)]));
}

const ceilDiv = (x: bigint) => (x + WH_PER_KWH - 1n) / WH_PER_KWH;

/** The value of a trade: energy × price / 1000, rounded half up. */
export function tradeValue(energyWh: bigint, pricePerKwh: bigint): bigint {
  return (energyWh * pricePerKwh + WH_PER_KWH / 2n) / WH_PER_KWH;
}

/** What posting needs from one row (Positions.commitments). */
export function rowCommitments(row: readonly number[], tariff: Tariff) {
  let purchase = 0n;
  let supply = 0n;
  let supplyWh = 0n;
  let surplusCap = 0n;
  row.forEach((wh, h) => {
    const s = BigInt(wh);
    if (s > 0n) {
      supply += s * tariff.price[h]!;
      supplyWh += s;
      surplusCap += s * tariff.surplus[h]!;
    } else if (s < 0n) {
      purchase += -s * tariff.price[h]!;
      surplusCap += -s * tariff.surplus[h]!;
    }
  });
  return { lock: ceilDiv(purchase), supplyValue: supply / WH_PER_KWH, supplyWh, surplusCap };
}

/** What posting an epoch locks and commits (ClearingLedger.postEpoch), rows in network order. */
export function epochCommitments(rows: readonly (readonly number[])[], gridPosition: number, tariff: Tariff, mode: SettlementMode) {
  let lockedValue = 0n;
  let supplyValue = 0n;
  let supplyWh = 0n;
  let surplusCap = 0n;
  const locks = rows.map((row, k) => {
    const c = rowCommitments(row, tariff);
    lockedValue += c.lock;
    supplyValue += c.supplyValue;
    supplyWh += c.supplyWh;
    if (k !== gridPosition) surplusCap += c.surplusCap;
    return c.lock;
  });
  return { locks, lockedValue, supplyValue, supplyWh, reserve: mode === 'imbalance' ? ceilDiv(surplusCap) : 0n };
}

/** One agent's settled position (Positions.Position). */
export interface Position {
  lock: bigint;
  credit: bigint;
  forfeit: bigint;
  surplusCredit: bigint;
  shortfallCharge: bigint;
  /** passed[h]: hour h was metered within the tolerance. */
  passed: boolean[];
}

export interface PositionInput {
  mode: SettlementMode;
  /** The grid agent is the balancing party: never charged or credited for imbalance. */
  isGrid: boolean;
  toleranceWh: number;
  row: readonly number[];
  /** The stored reading, or undefined if the meter never reported. */
  measured: readonly number[] | undefined;
  tariff: Tariff;
}

/** The settlement rule (Positions.settle). */
export function settlePosition(input: PositionInput): Position {
  checkHourly('row', input.row);
  if (input.measured) checkHourly('measured', input.measured);
  const tol = BigInt(input.toleranceWh);
  const p: Position = { lock: 0n, credit: 0n, forfeit: 0n, surplusCredit: 0n, shortfallCharge: 0n, passed: [] };
  for (let h = 0; h < HOURS; h++) {
    const s = BigInt(input.row[h]!);
    const missing = !input.measured || input.measured[h] === MISSING;
    const d = missing ? 0n : BigInt(input.measured![h]!) - s;
    const passed = !missing && d <= tol && -d <= tol;
    p.passed.push(passed);
    const magnitude = s < 0n ? -s : s;
    const price = input.tariff.price[h]!;
    if (s > 0n) {
      if (input.mode === 'thesis' && !passed && !input.isGrid) p.forfeit += magnitude * price;
      else p.credit += magnitude * price;
    } else if (s < 0n) {
      p.lock += magnitude * price;
    }
    if (input.mode !== 'imbalance' || input.isGrid || passed) continue;
    if (missing) p.shortfallCharge += magnitude * input.tariff.shortfall[h]!;
    else if (d > tol) {
      const extra = d - tol;
      p.surplusCredit += (extra < magnitude ? extra : magnitude) * input.tariff.surplus[h]!;
    } else p.shortfallCharge += (-d - tol) * input.tariff.shortfall[h]!;
  }
  p.lock = ceilDiv(p.lock);
  p.credit /= WH_PER_KWH;
  p.forfeit /= WH_PER_KWH;
  p.surplusCredit /= WH_PER_KWH;
  p.shortfallCharge = ceilDiv(p.shortfallCharge);
  return p;
}

/** The mask of PositionSettled.passedMask, as a list of hours. */
export function passedHours(mask: number): boolean[] {
  return Array.from({ length: HOURS }, (_, h) => ((mask >> h) & 1) === 1);
}

/** keccak256(meter ‖ energyWh packed as a schedule row): what MeterReadings stores for a reading. */
export function readingCommitment(meter: Hex, energyWh: readonly number[]): Hex {
  checkHourly('energyWh', energyWh);
  return keccak256(concat([meter, packRows([energyWh])]));
}

/**
 * Where a bilateral trade stands once both parties' positions are settled. Trades only explain the
 * schedule; money follows the positions. A trade is `verified` when both parties metered within
 * the tolerance in its hour. In imbalance mode every trade of a settled epoch is paid at the
 * day-ahead price (deviations are charged separately); in thesis mode a trade whose seller (other
 * than the grid) was outside the tolerance is rejected and its value paid to the grid agent.
 */
export function tradeOutcome(mode: SettlementMode, sellerPassed: boolean, buyerPassed: boolean, sellerIsGrid: boolean) {
  const verified = sellerPassed && buyerPassed;
  if (mode === 'thesis' && !sellerPassed && !sellerIsGrid) return { status: 'rejected' as const, verified, reason: 'seller outside the tolerance' };
  return { status: 'settled' as const, verified, reason: verified ? undefined : sellerPassed || sellerIsGrid ? 'buyer outside the tolerance' : 'seller outside the tolerance' };
}
