// ADMM's settings: defaults (the thesis's) and the range of each, in one place. A value outside
// its range is a SettingsError naming the setting; the ranges keep every product the iteration
// forms (ρ·‖p − z‖², ρ·u) far from overflow and underflow for markets in kW and USD.
import { SettingsError } from '../errors';

/** The thesis's settings (ε_abs, ε_rel, K_max, ρ), and ε_inf for infeasibility detection. */
export const ADMM_DEFAULTS = { rho: 0.1, adaptive: false, alpha: 1, epsAbs: 1e-4, epsRel: 1e-3, maxIter: 500, epsInfeasible: 1e-5 } as const;

export interface SettingRange {
  min: number;
  max: number;
  /** min and max themselves are outside the range. */
  open?: boolean;
  integer?: boolean;
  /** The range in words, for messages: `between 1e-6 and 1e6`. */
  text: string;
}

export const ADMM_RANGES = {
  /** Penalty ρ: far below or above the agents' cost curvature (about 1e-3 to 1 USD/kW²h) ADMM stalls; beyond these it breaks down. */
  rho: { min: 1e-6, max: 1e6, text: 'between 1e-6 and 1e6' },
  /** Over-relaxation α ∈ (0, 2) (Boyd et al. §3.4.3). */
  alpha: { min: 0, max: 2, open: true, text: 'in (0, 2)' },
  /** ε_abs: below 1e-12 the residuals are round-off; above 1 kW per agent-hour "converged" says nothing. */
  epsAbs: { min: 1e-12, max: 1, text: 'between 1e-12 and 1' },
  /** ε_rel: a share of the iterates' norms. */
  epsRel: { min: 0, max: 1, text: 'between 0 and 1' },
  /** K_max. */
  maxIter: { min: 1, max: 1_000_000, integer: true, text: 'an integer from 1 to 1000000' },
  /** ε_inf: how still δu must be to count as an infeasibility certificate. */
  epsInfeasible: { min: 0, max: 1, open: true, text: 'in (0, 1)' },
} as const satisfies Record<string, SettingRange>;

export type AdmmNumericSetting = keyof typeof ADMM_RANGES;

/** True when v lies in the range (and is an integer where one is needed). */
export function inRange(range: SettingRange, v: number): boolean {
  if (!Number.isFinite(v) || (range.integer && !Number.isInteger(v))) return false;
  return range.open ? v > range.min && v < range.max : v >= range.min && v <= range.max;
}

/** Throws a SettingsError for the first numeric setting outside its range. */
export function checkAdmmSettings(settings: Partial<Record<AdmmNumericSetting, number>>): void {
  for (const [name, range] of Object.entries(ADMM_RANGES) as [AdmmNumericSetting, SettingRange][]) {
    const v = settings[name];
    if (v !== undefined && !inRange(range, v)) throw new SettingsError(name, `must be ${range.text}, got ${v}`);
  }
}
