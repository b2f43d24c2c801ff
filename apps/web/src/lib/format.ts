// Display formats shared by the pages. Token amounts are integers in base units (the local token
// has 6 decimals: one unit is one micro-dollar).
export const fmtInt = (n: number | bigint) => Number(n).toLocaleString('en-US');

export function fmtUnits(units: bigint | string, decimals: number, digits = 2): string {
  const v = BigInt(units);
  const scale = 10n ** BigInt(decimals);
  const whole = v / scale;
  const frac = ((v < 0n ? -v : v) % scale).toString().padStart(decimals, '0').slice(0, digits);
  return `${whole.toLocaleString('en-US')}${digits > 0 ? `.${frac}` : ''}`;
}

export const fmtKwh = (wh: number | bigint | string) => `${(Number(wh) / 1000).toLocaleString('en-US', { maximumFractionDigits: 2 })} kWh`;

export const shortHex = (h: string, n = 6) => (h.length > 2 * n + 2 ? `${h.slice(0, n + 2)}…${h.slice(-n)}` : h);

export function fmtTime(seconds: bigint | number | string): string {
  return new Date(Number(seconds) * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** "in 12 min" / "3 min ago", relative to chain time. */
export function fmtRelative(target: bigint | number | string, now: bigint | number | string): string {
  const d = Number(target) - Number(now);
  const abs = Math.abs(d);
  const text = abs < 90 ? `${abs} s` : abs < 5400 ? `${Math.round(abs / 60)} min` : `${(abs / 3600).toFixed(1)} h`;
  return d >= 0 ? `in ${text}` : `${text} ago`;
}
