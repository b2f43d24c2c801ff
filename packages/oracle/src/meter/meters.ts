// The smart-meter simulator: one meter per agent measures the delivered energy (the schedule plus
// seeded Gaussian noise, whole Wh), optionally with an injected fault, and signs its agent's 24
// readings for an epoch with one EIP-712 signature.
import { type Hourly, meterReadingTypedData, MISSING_READING } from '@gridmarket/contracts';
import { type Hex, recoverTypedDataAddress } from 'viem';
import type { ResultDocument } from '@gridmarket/clearing/result';
import type { Account, ChainContext } from '../chain/context';
import { positionOf } from '../read/epochData';

export type MeterFaultKind = 'outage' | 'stuck' | 'bias' | 'spike' | 'wrong-key' | 'missing-hour';

export interface MeterFault {
  /** Market agent index (document order). */
  agent: number;
  kind: MeterFaultKind;
  /** First affected hour (stuck, spike, missing-hour). */
  hour?: number;
  /** Offset in Wh (bias, spike). */
  amountWh?: number;
}

export interface SignedReading {
  epochId: number;
  agentId: number;
  energyWh: Hourly<number>;
  signature: Hex;
}

/** mulberry32 with a Box–Muller normal. */
function normal(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

/**
 * What a meter reports for one agent: scheduled Wh plus N(0, σ²) noise, rounded; with a fault
 * applied. `undefined` means the meter reports nothing at all (an outage).
 */
export function simulateReadings(scheduledWh: readonly number[], options: { seed: number; noiseWh: number; fault?: MeterFault }): number[] | undefined {
  const gauss = normal(options.seed);
  const values = scheduledWh.map((wh) => Math.round(wh + options.noiseWh * gauss()));
  const f = options.fault;
  if (!f) return values;
  const h = f.hour ?? 12;
  switch (f.kind) {
    case 'outage':
      return undefined;
    case 'stuck':
      return values.map((v, t) => (t >= h ? values[h]! : v));
    case 'bias':
      return values.map((v) => v + (f.amountWh ?? 200));
    case 'spike':
      return values.map((v, t) => (t === h ? v + (f.amountWh ?? 1000) : v));
    case 'missing-hour':
      return values.map((v, t) => (t === h ? MISSING_READING : v));
    case 'wrong-key':
      return values;
  }
}

/** The seed of an agent's simulated meter for a day: the same in every process that simulates it. */
export function meterSeed(epochId: number, agentId: number, day: number): number {
  return epochId * 100_003 + agentId * 7 + day;
}

export interface ReadMeterParameters {
  /** The posted day: its document and the epoch's agent ids (document order). */
  doc: ResultDocument;
  agentIds: readonly number[];
  epochId: number;
  agentId: number;
  /** The day's index in the run: with the epoch and agent, it seeds the simulated noise. */
  day: number;
  noiseWh: number;
  fault?: MeterFaultKindAt;
  signer: Account;
}

/** A fault of the meter being read (its agent is the one read). */
export type MeterFaultKindAt = Omit<MeterFault, 'agent'>;

/**
 * A meter's day: what it measures of its agent's scheduled row (simulated, see simulateReadings)
 * signed with its key; undefined when it reports nothing (an outage). The embedded pipeline and the
 * `gridmarket meter` process both read a meter through this. Errors: AgentNotInEpochError.
 */
export async function readMeter(ctx: ChainContext, p: ReadMeterParameters): Promise<SignedReading | undefined> {
  const pos = positionOf(p.agentId, p.agentIds, `epoch ${p.epochId}`);
  const fault = p.fault ? { agent: pos, ...p.fault } : undefined;
  const values = simulateReadings(p.doc.schedule.wh[pos]!, { seed: meterSeed(p.epochId, p.agentId, p.day), noiseWh: p.noiseWh, ...(fault ? { fault } : {}) });
  if (!values) return undefined;
  return signReading(p.signer, ctx.deployment.chainId, ctx.deployment.meterReadings, { epochId: p.epochId, agentId: p.agentId, energyWh: values });
}

/** Who signed a reading (the address its EIP-712 signature recovers to). Errors: values out of int32, a malformed signature. */
export async function readingSigner(ctx: ChainContext, reading: { epochId: number; agentId: number; energyWh: readonly number[]; signature: Hex }): Promise<Hex> {
  return recoverTypedDataAddress({ ...meterReadingTypedData(ctx.deployment.chainId, ctx.deployment.meterReadings, reading), signature: reading.signature });
}

export async function signReading(
  meter: Account,
  chainId: number,
  meterReadings: Hex,
  reading: { epochId: number; agentId: number; energyWh: number[] },
): Promise<SignedReading> {
  const typed = meterReadingTypedData(chainId, meterReadings, reading);
  const signature = await meter.signTypedData(typed);
  return { epochId: reading.epochId, agentId: reading.agentId, energyWh: typed.message.energyWh, signature };
}
