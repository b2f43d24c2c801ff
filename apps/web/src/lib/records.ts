// How the auditor's records write an event's arguments: amounts of the settlement token in dollars
// and bonds in ETH instead of raw base units; everything else as the server decoded it.
import { fmtEth, fmtUsd } from './format';
import type { EventRecord } from './types';

/** Which arguments of which contract's events are money, and in what. */
const MONEY: Record<string, Record<string, 'token' | 'eth'>> = {
  Settlement: { amount: 'token', value: 'token' },
  SettlementToken: { value: 'token' },
  ClearingLedger: { amount: 'eth', bondPaid: 'eth', minBond: 'eth' },
};

/** `record.details` ("key=value key=value") with its money arguments formatted. */
export function formatDetails(record: Pick<EventRecord, 'contract' | 'details'>, tokenDecimals: number): string {
  const money = MONEY[record.contract];
  if (!money) return record.details;
  return record.details.replace(/(^|\s)(\w+)=(-?\d+)(?=\s|$)/g, (whole, space: string, key: string, units: string) => {
    const kind = money[key];
    if (!kind) return whole;
    return `${space}${key}=${kind === 'token' ? fmtUsd(units, tokenDecimals) : fmtEth(units)}`;
  });
}
