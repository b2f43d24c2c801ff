// Display formats shared by the pages. Token amounts are integers in base units (the local token
// has 6 decimals: one unit is one micro-dollar); money is written by the market's one rule,
// `formatUsd` of @gridmarket/clearing/money (the CLI's too).
import { formatDecimal, formatUsd } from '@gridmarket/clearing/money';

export const fmtInt = (n: number | bigint) => Number(n).toLocaleString('en-US');

/** A dollar amount held in base units of the settlement token: "$1,234.57". */
export const fmtUsd = (units: bigint | string, decimals: number, digits = 2) => formatUsd({ units, decimals }, digits);

/** An amount of the chain's native currency (bonds): "0.1 ETH". */
export function fmtEth(wei: bigint | string): string {
  return `${formatDecimal({ units: wei, decimals: 18 }, 6).replace(/\.?0+$/, '')} ETH`;
}

export const fmtKwh = (wh: number | bigint | string) => `${(Number(wh) / 1000).toLocaleString('en-US', { maximumFractionDigits: 2 })} kWh`;

export const shortHex = (h: string, n = 6) => (h.length > 2 * n + 2 ? `${h.slice(0, n + 2)}…${h.slice(-n)}` : h);

export function fmtTime(seconds: bigint | number | string): string {
  return new Date(Number(seconds) * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** "45 s", "12 min", "3.5 h", "2.1 days". */
export function fmtDuration(seconds: number): string {
  const abs = Math.abs(seconds);
  return abs < 90 ? `${Math.round(abs)} s` : abs < 5400 ? `${Math.round(abs / 60)} min` : abs < 129_600 ? `${(abs / 3600).toFixed(1)} h` : `${(abs / 86_400).toFixed(1)} days`;
}

/** "in 12 min" / "3 min ago", relative to chain time. */
export function fmtRelative(target: bigint | number | string, now: bigint | number | string): string {
  const d = Number(target) - Number(now);
  return d >= 0 ? `in ${fmtDuration(d)}` : `${fmtDuration(d)} ago`;
}
