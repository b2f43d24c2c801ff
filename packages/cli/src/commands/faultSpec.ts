// Meter faults on the command line: `run --fault agent:kind[:hour[:Wh]]` for any agent of the
// market, `meter --fault kind[:hour[:Wh]]` for the meter itself. Kept apart from the oracle so that
// parsing a flag loads nothing of the chain side.
import type { MeterFault, MeterFaultKind } from '@gridmarket/oracle';
import { parseNumber, UsageError } from '../io';

export const FAULTS: MeterFaultKind[] = ['outage', 'stuck', 'bias', 'spike', 'wrong-key', 'missing-hour'];

/** `kind[:hour[:amountWh]]`. */
export function parseFaultKind(flag: string, spec: string): Omit<MeterFault, 'agent'> {
  const [kind, hour, amount] = spec.split(':');
  if (!kind || !FAULTS.includes(kind as MeterFaultKind)) throw new UsageError(`${flag} must be kind[:hour[:amountWh]] with kind one of ${FAULTS.join(', ')}, got "${spec}"`);
  return {
    kind: kind as MeterFaultKind,
    ...(hour ? { hour: parseNumber(`${flag} hour`, hour, (v) => Number.isInteger(v) && v >= 0 && v < 24, 'an hour 0–23') } : {}),
    ...(amount ? { amountWh: parseNumber(`${flag} amount`, amount, Number.isFinite, 'a number of Wh') } : {}),
  };
}

/** `agent:kind[:hour[:amountWh]]`, the agent by its market index. */
export function parseFault(spec: string): MeterFault {
  const [agent, ...rest] = spec.split(':');
  if (!agent || rest.length === 0 || !FAULTS.includes(rest[0] as MeterFaultKind)) {
    throw new UsageError(`--fault must be agent:kind[:hour[:amountWh]] with kind one of ${FAULTS.join(', ')}, got "${spec}"`);
  }
  return { agent: parseNumber('--fault agent', agent, (v) => Number.isInteger(v) && v >= 0, 'a market agent index'), ...parseFaultKind('--fault', rest.join(':')) };
}
