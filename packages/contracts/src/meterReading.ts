// EIP-712 typed data of a meter's daily readings, identical to MeterReadings.sol.
import type { Address } from 'viem';

/** A reading of this value means "no measurement for this hour" (type(int32).min). */
export const MISSING_READING = -(2 ** 31);

export const METER_READING_TYPES = {
  MeterReading: [
    { name: 'epochId', type: 'uint32' },
    { name: 'agentId', type: 'uint16' },
    { name: 'energyWh', type: 'int32[24]' },
  ],
} as const;

export function meterReadingDomain(chainId: number, meterReadings: Address) {
  return { name: 'GridMarket Meter', version: '1', chainId, verifyingContract: meterReadings } as const;
}

type Tuple<T, N extends number, R extends readonly T[] = []> = R['length'] extends N ? R : Tuple<T, N, readonly [...R, T]>;
/** One value per hour of the day. */
export type Hourly<T> = Tuple<T, 24>;

/** The typed-data payload a meter signs with viem's signTypedData. */
export function meterReadingTypedData(
  chainId: number,
  meterReadings: Address,
  message: { epochId: number; agentId: number; energyWh: readonly number[] },
) {
  if (message.energyWh.length !== 24) throw new RangeError(`energyWh must hold 24 hourly values, got ${message.energyWh.length}`);
  for (const [h, v] of message.energyWh.entries()) {
    if (!Number.isInteger(v) || v < MISSING_READING || v > 2 ** 31 - 1) {
      throw new RangeError(`energyWh[${h}] must be an int32, got ${v}`);
    }
  }
  return {
    domain: meterReadingDomain(chainId, meterReadings),
    types: METER_READING_TYPES,
    primaryType: 'MeterReading' as const,
    message: { epochId: message.epochId, agentId: message.agentId, energyWh: [...message.energyWh] as unknown as Hourly<number> },
  };
}
