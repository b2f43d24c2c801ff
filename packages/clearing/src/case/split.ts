// A case split in two for clearing across machines:
//   public.json       what the operator needs: the network, the agents (index, id, kind, bus,
//                     storage or not, registered account), each agent's public bounds on its net
//                     injection per hour, the upstream grid's import price (it is on chain in the
//                     tariff anyway) and the whole case's input hash (for the result document)
//   agents/<id>.json  one file per agent: its own costs, utility or battery, read only by the
//                     process that acts for that agent
// The public bounds are the agent's physical range (generation cap plus battery discharge, demand
// limits, import cap): the operator refuses offers outside them, and they say nothing about costs.
import { type Network } from '@gridmarket/grid';
import { agentPtdf } from '@gridmarket/grid';
import { z } from 'zod';
import { CaseError } from '../errors';
import { fieldPath, type Market, type PrivateParams, type PublicAgent, resolveNetwork } from './market';
import { batterySchema, HOURS, networkRefSchema } from './schema';

export const PUBLIC_CASE_FORMAT = 'gridmarket-public-case/1';
export const PRIVATE_AGENT_FORMAT = 'gridmarket-private-agent/1';

const finite = z.number().finite();
const hourly = (inner: z.ZodType<number | null>) => z.array(inner).length(HOURS, { message: 'needs 24 hourly values' });
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, { message: 'must be a 20-byte hex address (0x…)' });

export const publicAgentSchema = z
  .object({
    index: z.number().int().nonnegative(),
    id: z.string().min(1),
    kind: z.enum(['grid', 'seller', 'buyer']),
    bus: z.number().int(),
    hasStorage: z.boolean(),
    /** The agent's registered account: it certifies the agent's session keys. */
    account: address.optional(),
    /** Net injection range per hour, kW (null: unbounded above). */
    minKw: hourly(finite),
    maxKw: hourly(finite.nullable()),
  })
  .strict();

export const publicCaseSchema = z
  .object({
    format: z.literal(PUBLIC_CASE_FORMAT),
    name: z.string().min(1),
    inputHash: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a sha256 hex digest' }),
    hours: z.literal(HOURS),
    network: networkRefSchema,
    gridImportCostUsdPerKwh: finite.positive(),
    /** The operator's account: it certifies the operator's session keys and signs consensus schedules. */
    operator: address.optional(),
    agents: z.array(publicAgentSchema).min(2),
  })
  .strict();

const gridParams = z.object({ kind: z.literal('grid'), importCostUsdPerKwh: finite.positive(), maxImportKw: finite.positive().nullable() }).strict();
const sellerParams = z
  .object({
    kind: z.literal('seller'),
    alpha: finite.nonnegative(),
    beta: finite.nonnegative(),
    gamma: finite,
    xLowerKw: hourly(finite.nonnegative()),
    xUpperKw: hourly(finite.nonnegative()),
    battery: batterySchema.optional(),
    storagePenaltyUsdPerKwh: finite.nonnegative(),
  })
  .strict();
const buyerParams = z
  .object({ kind: z.literal('buyer'), omega: finite.positive(), delta: finite.nonnegative(), yLowerKw: hourly(finite.nonnegative()), yUpperKw: hourly(finite.nonnegative()) })
  .strict();

export const privateAgentSchema = z
  .object({
    format: z.literal(PRIVATE_AGENT_FORMAT),
    case: z.string().min(1),
    index: z.number().int().nonnegative(),
    id: z.string().min(1),
    params: z.discriminatedUnion('kind', [gridParams, sellerParams, buyerParams]),
  })
  .strict();

export type PublicCase = z.output<typeof publicCaseSchema>;
export type PublicCaseAgent = z.output<typeof publicAgentSchema>;
export type PrivateAgentFile = z.output<typeof privateAgentSchema>;

/** The net injection range an agent's parameters allow each hour (what the operator may check). */
export function publicBounds(params: PrivateParams): { minKw: number[]; maxKw: (number | null)[] } {
  const hours = Array.from({ length: HOURS }, (_, t) => t);
  switch (params.kind) {
    case 'grid':
      return { minKw: hours.map(() => 0), maxKw: hours.map(() => (Number.isFinite(params.maxImportKw) ? params.maxImportKw : null)) };
    case 'buyer':
      return { minKw: hours.map((t) => -params.yUpperKw[t]!), maxKw: hours.map((t) => -params.yLowerKw[t]!) };
    case 'seller': {
      const b = params.battery;
      return { minKw: hours.map((t) => params.xLowerKw[t]! - (b ? b.chargeMaxKw : 0)), maxKw: hours.map((t) => params.xUpperKw[t]! + (b ? b.dischargeMaxKw : 0)) };
    }
  }
}

/** The public part and the private files of a validated market. `accounts` maps agent ids to addresses. */
export function splitMarket(market: Market, options: { accounts?: Record<string, string>; operator?: string } = {}): { publicCase: PublicCase; privateFiles: PrivateAgentFile[] } {
  const grid = market.params.find((p) => p.kind === 'grid');
  const publicCase: PublicCase = {
    format: PUBLIC_CASE_FORMAT,
    name: market.name,
    inputHash: market.inputHash,
    hours: HOURS,
    network: market.case.network,
    gridImportCostUsdPerKwh: grid && grid.kind === 'grid' ? grid.importCostUsdPerKwh : 0,
    ...(options.operator ? { operator: options.operator } : {}),
    agents: market.agents.map((a) => ({
      index: a.index,
      id: a.id,
      kind: a.kind,
      bus: a.bus,
      hasStorage: a.hasStorage,
      ...(options.accounts?.[a.id] ? { account: options.accounts[a.id] } : {}),
      ...publicBounds(market.params[a.index]!),
    })),
  };
  const privateFiles = market.agents.map((a) => {
    const p = market.params[a.index]!;
    const params = p.kind === 'grid' ? { ...p, maxImportKw: Number.isFinite(p.maxImportKw) ? p.maxImportKw : null } : p;
    return { format: PRIVATE_AGENT_FORMAT, case: market.name, index: a.index, id: a.id, params } as PrivateAgentFile;
  });
  return { publicCase, privateFiles };
}

/** A parsed public case, or a CaseError naming the field at fault. */
export function parsePublicCase(raw: unknown, file = 'public case'): PublicCase {
  const parsed = publicCaseSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CaseError(fieldPath(issue.path) || 'public', `${issue.message} (${file})`);
  }
  const c = parsed.data;
  c.agents.forEach((a, i) => {
    if (a.index !== i) throw new CaseError(`agents[${i}].index`, `is ${a.index}, expected ${i}: agents are listed in index order (${file})`);
    for (let t = 0; t < HOURS; t++) {
      const max = a.maxKw[t];
      if (max !== null && max !== undefined && max < a.minKw[t]!) throw new CaseError(`agents[${i}].maxKw[${t}]`, `${max} is below minKw[${t}] ${a.minKw[t]} (${file})`);
    }
  });
  return c;
}

/** A parsed private agent file, or a CaseError naming the field at fault. */
export function parsePrivateAgent(raw: unknown, file = 'private agent file'): PrivateAgentFile & { params: PrivateParams } {
  const parsed = privateAgentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CaseError(fieldPath(issue.path) || 'agent', `${issue.message} (${file})`);
  }
  const f = parsed.data;
  const params: PrivateParams = f.params.kind === 'grid' ? { ...f.params, maxImportKw: f.params.maxImportKw ?? Infinity } : (f.params as PrivateParams);
  return { ...f, params };
}

/**
 * What the operator works with: the network and the agent-level PTDF from the public case, and
 * `params` that hold only the grid's public import price; reading any other agent's parameter
 * throws, so that no code path of the operator can depend on private data unnoticed.
 */
export function publicMarket(c: PublicCase, baseDir = process.cwd()): Market & { publicCase: PublicCase } {
  const network: Network = resolveNetwork({ name: c.name, network: c.network } as Parameters<typeof resolveNetwork>[0], baseDir);
  const agents: PublicAgent[] = c.agents.map((a) => ({ index: a.index, id: a.id, kind: a.kind, bus: a.bus, hasStorage: a.hasStorage }));
  agents.forEach((a, i) => {
    if (!network.buses.includes(a.bus)) throw new CaseError(`agents[${i}].bus`, `unknown bus ${a.bus} (network ${network.name})`);
  });
  const params = agents.map((a) => {
    if (a.kind === 'grid') {
      const max = c.agents[a.index]!.maxKw[0];
      return { kind: 'grid', importCostUsdPerKwh: c.gridImportCostUsdPerKwh, maxImportKw: max ?? Infinity } as PrivateParams;
    }
    return new Proxy({ kind: a.kind } as PrivateParams, {
      get(target, key) {
        if (key === 'kind') return target.kind;
        throw new CaseError(`agents[${a.index}]`, `the operator has no private parameter ${String(key)} of agent ${a.id}`);
      },
    });
  });
  const H = agentPtdf(
    network,
    agents.map((a) => a.bus),
  );
  return {
    name: c.name,
    network,
    hours: HOURS,
    agents,
    params,
    H,
    inputHash: c.inputHash,
    case: new Proxy({} as Market['case'], {
      get(_t, key) {
        throw new CaseError('case', `the operator has no whole case (asked for ${String(key)})`);
      },
    }),
    publicCase: c,
  };
}

