// How the auditor's records write an event's arguments: amounts of the settlement token in dollars
// and bonds in ETH instead of raw base units; everything else as the server decoded it.
import { fmtEth, fmtUsd } from './format';
import type { EventRecord } from './types';

/** Which arguments of which events are money, and in what (contract.event → argument → unit). */
const SETTLEMENT_AMOUNTS = { amount: 'token', lock: 'token', credit: 'token', forfeit: 'token', surplusCredit: 'token', shortfallCharged: 'token', shortfallUncollected: 'token', dust: 'token', reserveReturned: 'token' } as const;
const MONEY: Record<string, Record<string, 'token' | 'eth'>> = {
  'Settlement.Deposited': SETTLEMENT_AMOUNTS,
  'Settlement.Withdrawn': SETTLEMENT_AMOUNTS,
  'Settlement.Locked': SETTLEMENT_AMOUNTS,
  'Settlement.Refunded': SETTLEMENT_AMOUNTS,
  'Settlement.PositionSettled': SETTLEMENT_AMOUNTS,
  'Settlement.EpochClosed': SETTLEMENT_AMOUNTS,
  'SettlementToken.Transfer': { value: 'token' },
  'SettlementToken.Approval': { value: 'token' },
  'ClearingLedger.EpochVoided': { reward: 'eth', burned: 'eth' },
  'ClearingLedger.BondReleased': { amount: 'eth' },
  'ClearingLedger.ParametersSet': { minBond: 'eth' },
};

/** `record.details` ("key=value key=value") with its money arguments formatted. */
export function formatDetails(record: Pick<EventRecord, 'contract' | 'event' | 'details'>, tokenDecimals: number): string {
  const money = MONEY[`${record.contract}.${record.event}`];
  if (!money) return record.details;
  return record.details.replace(/(^|\s)(\w+)=(-?\d+)(?=\s|$)/g, (whole, space: string, key: string, units: string) => {
    const kind = money[key];
    if (!kind) return whole;
    return `${space}${key}=${kind === 'token' ? fmtUsd(units, tokenDecimals) : fmtEth(units)}`;
  });
}
