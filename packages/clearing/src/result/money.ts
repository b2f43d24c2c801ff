// How the market writes money, one rule for every reader (the web app, the CLI): an amount is taken
// to whole micro-dollars (the unit of trade values in the result document and of the 6-decimal
// settlement token), then rounded half away from zero to the digits shown, with its currency.
// No floating point after the first step, so $15.805 is $15.81 wherever it is printed.

/** Decimals of a micro-dollar amount (`valueMicroUsd`, the settlement token's base unit). */
export const MICRO_USD_DECIMALS = 6;

/** An integer amount in base units of a token or currency with `decimals` decimals. */
export interface BaseUnits {
  units: bigint | string | number;
  decimals: number;
}

/**
 * `units` (an integer with `decimals` decimals) rounded half away from zero to `digits` decimals,
 * thousands grouped with commas: `formatDecimal({ units: 1234567n, decimals: 3 }, 2)` is "1,234.57".
 */
export function formatDecimal({ units, decimals }: BaseUnits, digits: number): string {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`decimals must be a whole number ≥ 0, got ${decimals}`);
  if (!Number.isInteger(digits) || digits < 0) throw new RangeError(`digits must be a whole number ≥ 0, got ${digits}`);
  const v = BigInt(units);
  const negative = v < 0n;
  let magnitude = negative ? -v : v;
  if (digits < decimals) {
    const step = 10n ** BigInt(decimals - digits);
    magnitude = (magnitude + step / 2n) / step;
  } else {
    magnitude *= 10n ** BigInt(digits - decimals);
  }
  const scale = 10n ** BigInt(digits);
  const whole = (magnitude / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits > 0 ? `.${(magnitude % scale).toString().padStart(digits, '0')}` : '';
  return `${negative && magnitude !== 0n ? '-' : ''}${whole}${fraction}`;
}

/** A dollar amount as base units: to the nearest micro-dollar (the only rounding of a float). */
export function usdToMicroUsd(usd: number): bigint {
  if (!Number.isFinite(usd)) throw new RangeError(`a dollar amount must be finite, got ${usd}`);
  return BigInt(Math.round(usd * 10 ** MICRO_USD_DECIMALS));
}

/**
 * Money as the market shows it: "$15.81", "-$0.42", "$1,234.5678" (digits = 4). `amount` is dollars
 * (a number, e.g. `welfareUsd`) or an integer in base units (e.g. a trade's `valueMicroUsd` with
 * 6 decimals, or a settlement-token balance with the token's decimals).
 */
export function formatUsd(amount: number | BaseUnits, digits = 2): string {
  const text = formatDecimal(typeof amount === 'number' ? { units: usdToMicroUsd(amount), decimals: MICRO_USD_DECIMALS } : amount, digits);
  return text.startsWith('-') ? `-$${text.slice(1)}` : `$${text}`;
}
