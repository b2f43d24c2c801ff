// From a case file to the market the solvers work on: the network, the dense agent list (grid
// first, then sellers, then buyers: the ids used everywhere, on chain too), per-hour bounds and the
// agent-level PTDF H = PTDF · M (3-17).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalJson } from '../canonical';
import { agentPtdf, builtinNetwork, buildNetwork, type Network, NetworkError, readMatpowerFile } from '@gridmarket/grid';
import { CaseError } from '../errors';
import { matpowerCase } from './matpowerAgents';
import { type Battery, type Case, type CaseInput, caseSchema, HOURS } from './schema';
import { syntheticCaseByName } from './synthetic';

export type AgentKind = 'grid' | 'seller' | 'buyer';

/** What everybody may know about an agent. */
export interface PublicAgent {
  index: number;
  id: string;
  kind: AgentKind;
  bus: number;
  hasStorage: boolean;
}

export interface GridParams {
  kind: 'grid';
  importCostUsdPerKwh: number;
  maxImportKw: number;
}

export interface SellerParams {
  kind: 'seller';
  alpha: number;
  beta: number;
  gamma: number;
  /** Generation bounds per hour (3-5), (3-6). */
  xLowerKw: number[];
  xUpperKw: number[];
  battery?: Battery;
  storagePenaltyUsdPerKwh: number;
}

export interface BuyerParams {
  kind: 'buyer';
  omega: number;
  delta: number;
  yLowerKw: number[];
  yUpperKw: number[];
}

/** An agent's private parameters: only its own local solver (and the centralized benchmark) see them. */
export type PrivateParams = GridParams | SellerParams | BuyerParams;

export interface Market {
  name: string;
  network: Network;
  hours: number;
  agents: PublicAgent[];
  params: PrivateParams[];
  /** Agent-level PTDF, row-major lines × agents. */
  H: Float64Array;
  /** sha256 of the canonical validated case: results carry it so that anyone can check the input. */
  inputHash: string;
  case: Case;
}

const CASES_DIR = fileURLToPath(new URL('../../cases/', import.meta.url));
export const BUILTIN_CASES = ['ieee14', 'ieee33'] as const;

/**
 * Reads a case (built-in name, `synthetic:N`, or path) without validating it; errors name the file.
 * `synthetic:N` is generated, deterministically: N agents on the 120-bus network of synthetic.ts.
 */
export function readCaseFile(nameOrPath: string): { raw: unknown; baseDir: string } {
  const synthetic = syntheticCaseByName(nameOrPath);
  if (synthetic) return { raw: synthetic, baseDir: CASES_DIR };
  const file = (BUILTIN_CASES as readonly string[]).includes(nameOrPath) ? path.join(CASES_DIR, `${nameOrPath}.json`) : nameOrPath;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EISDIR') throw new CaseError('case', `${file} is a directory, not a case file`, { cause: err });
    if (e.code === 'ENOENT') throw new CaseError('case', `no built-in case or file named "${nameOrPath}" (built-in: ${BUILTIN_CASES.join(', ')}, synthetic:N)`, { cause: err });
    throw new CaseError('case', `${file} cannot be read (${e.code ?? e.message})`, { cause: err });
  }
  try {
    return { raw: JSON.parse(text), baseDir: path.dirname(file) };
  } catch (err) {
    const nonFinite = nonFiniteNumber(text);
    if (nonFinite) throw new CaseError(nonFinite.field, `${nonFinite.token} (${file} line ${nonFinite.line}, column ${nonFinite.column}): numbers must be finite`, { cause: err });
    throw new CaseError('case', `${file} is not valid JSON: ${withLineAndColumn(text, (err as Error).message)}`, { cause: err });
  }
}

/**
 * JSON has no NaN or Infinity, but hand-edited and generated cases hold them: the first such token
 * outside a string, where it is, and which field it is in (found by parsing the text with the
 * token quoted), so that the message names the field as the schema's messages do.
 */
function nonFiniteNumber(text: string): { token: string; line: number; column: number; field: string } | undefined {
  let inString = false;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '\n') {
      line++;
      lineStart = i + 1;
    } else {
      const token = /^-?(?:NaN|Infinity)\b/.exec(text.slice(i, i + 10))?.[0];
      if (!token) continue;
      const marker = '@@gridmarket:non-finite@@';
      let field = 'case';
      try {
        field = pathOf(JSON.parse(`${text.slice(0, i)}"${marker}"${text.slice(i + token.length)}`), marker) ?? 'case';
      } catch {
        // Another syntax error follows: the line and column still say where.
      }
      return { token, line, column: i - lineStart + 1, field };
    }
  }
  return undefined;
}

/** A parser message's `at position N` also as the line and column an editor shows. */
function withLineAndColumn(text: string, message: string): string {
  const at = /at position (\d+)/.exec(message);
  if (!at) return message;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  return `${message} (line ${line}, column ${before.length - before.lastIndexOf('\n')})`;
}

/** The field path (sellers[0].alpha) of the first string equal to `marker` in a parsed value. */
function pathOf(value: unknown, marker: string, at: PropertyKey[] = []): string | undefined {
  if (value === marker) return fieldPath(at);
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = pathOf(v, marker, [...at, Array.isArray(value) ? Number(k) : k]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Reads and validates a case by built-in name or path; errors name the field. A MATPOWER file
 * (`.m`) is a case too: its agents are placed by `matpowerCase`.
 */
export function loadCase(nameOrPath: string): Market {
  if (/\.m$/i.test(nameOrPath)) {
    const { input, baseDir } = matpowerCase(nameOrPath);
    return buildMarket(input, baseDir);
  }
  const { raw, baseDir } = readCaseFile(nameOrPath);
  return buildMarket(raw, baseDir);
}

/** Validates a case object and builds the market; `baseDir` resolves a MATPOWER path. */
export function buildMarket(raw: unknown, baseDir = process.cwd()): Market {
  const parsed = caseSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CaseError(fieldPath(issue.path) || 'case', issue.message);
  }
  const c = parsed.data;
  const network = resolveNetwork(c, baseDir);
  const agents: PublicAgent[] = [];
  const params: PrivateParams[] = [];
  const ids = new Set<string>();
  const checkBus = (field: string, bus: number) => {
    if (!network.buses.includes(bus)) throw new CaseError(field, `unknown bus ${bus} (network ${network.name} has buses ${network.buses[0]}–${network.buses.at(-1)})`);
  };
  const checkId = (field: string, id: string) => {
    if (ids.has(id)) throw new CaseError(field, `duplicate agent id "${id}"`);
    ids.add(id);
  };

  agents.push({ index: 0, id: 'grid', kind: 'grid', bus: network.slack, hasStorage: false });
  ids.add('grid');
  params.push({ kind: 'grid', importCostUsdPerKwh: c.grid.importCostUsdPerKwh, maxImportKw: c.grid.maxImportKw ?? Infinity });

  c.sellers.forEach((s, i) => {
    const f = `sellers[${i}]`;
    checkId(`${f}.id`, s.id);
    checkBus(`${f}.bus`, s.bus);
    if (s.xMinKw > s.xMaxKw) throw new CaseError(`${f}.xMinKw`, `${s.xMinKw} exceeds xMaxKw ${s.xMaxKw}`);
    const upper = Array.from({ length: HOURS }, (_, t) => Math.min(s.xMaxKw, s.availabilityKw?.[t] ?? Infinity));
    upper.forEach((u, t) => {
      if (u < s.xMinKw) throw new CaseError(`${f}.availabilityKw[${t}]`, `${u} kW is below xMinKw ${s.xMinKw}: the hour cannot be feasible`);
    });
    if (s.battery) checkBattery(`${f}.battery`, s.battery);
    agents.push({ index: agents.length, id: s.id, kind: 'seller', bus: s.bus, hasStorage: Boolean(s.battery) });
    params.push({
      kind: 'seller',
      alpha: s.alpha,
      beta: s.beta,
      gamma: s.gamma,
      xLowerKw: Array(HOURS).fill(s.xMinKw),
      xUpperKw: upper,
      ...(s.battery ? { battery: s.battery } : {}),
      storagePenaltyUsdPerKwh: c.storagePenaltyUsdPerKwh,
    });
  });
  c.buyers.forEach((b, i) => {
    const f = `buyers[${i}]`;
    checkId(`${f}.id`, b.id);
    checkBus(`${f}.bus`, b.bus);
    for (let t = 0; t < HOURS; t++) {
      if (b.yMinKw[t]! > b.yMaxKw[t]!) throw new CaseError(`${f}.yMinKw[${t}]`, `${b.yMinKw[t]} exceeds yMaxKw[${t}] ${b.yMaxKw[t]}`);
    }
    agents.push({ index: agents.length, id: b.id, kind: 'buyer', bus: b.bus, hasStorage: false });
    params.push({ kind: 'buyer', omega: b.omega, delta: b.delta, yLowerKw: b.yMinKw, yUpperKw: b.yMaxKw });
  });

  const H = agentPtdf(
    network,
    agents.map((a) => a.bus),
  );
  const inputHash = createHash('sha256').update(canonicalJson(c)).digest('hex');
  return { name: c.name, network, hours: HOURS, agents, params, H, inputHash, case: c };
}

function checkBattery(f: string, b: Battery): void {
  if (b.socMinKwh > b.capacityKwh) throw new CaseError(`${f}.socMinKwh`, `${b.socMinKwh} exceeds capacityKwh ${b.capacityKwh}`);
  if (b.socInitKwh < b.socMinKwh || b.socInitKwh > b.capacityKwh) {
    throw new CaseError(`${f}.socInitKwh`, `${b.socInitKwh} lies outside [socMinKwh ${b.socMinKwh}, capacityKwh ${b.capacityKwh}]`);
  }
  if (b.socFinalMinKwh > b.capacityKwh) throw new CaseError(`${f}.socFinalMinKwh`, `${b.socFinalMinKwh} exceeds capacityKwh ${b.capacityKwh}`);
  // Charging at full power every hour is the most the state of charge can rise (3-11).
  const reachable = Math.min(b.capacityKwh, b.socInitKwh + HOURS * b.etaCharge * b.chargeMaxKw);
  if (reachable < b.socFinalMinKwh - 1e-9) {
    throw new CaseError(
      `${f}.socFinalMinKwh`,
      `${b.socFinalMinKwh} kWh cannot be reached: at most ${reachable.toFixed(3)} kWh after 24 h of charging from ${b.socInitKwh} kWh`,
    );
  }
}

export function resolveNetwork(c: Pick<Case, 'name' | 'network'>, baseDir: string): Network {
  const ref = c.network;
  try {
    if ('builtin' in ref) return builtinNetwork(ref.builtin, ref.slack ?? 1);
    if ('matpower' in ref) {
      return readMatpowerFile(path.resolve(baseDir, ref.matpower), {
        source: ref.matpower,
        ...(ref.slack !== undefined ? { slack: ref.slack } : {}),
        ...(ref.rateScale !== undefined ? { rateScale: ref.rateScale } : {}),
        ...(ref.limitsKw ? { limitsKw: ref.limitsKw } : {}),
      }).network;
    }
    return buildNetwork({ name: ref.name ?? c.name, lines: ref.lines, ...(ref.slack !== undefined ? { slack: ref.slack } : {}) });
  } catch (err) {
    // A MATPOWER file's errors name the file and the row: keep them whole.
    if (err instanceof NetworkError) throw 'matpower' in ref ? new CaseError('network.matpower', err.shortMessage, { cause: err }) : new CaseError(`network.${err.field}`, err.reason, { cause: err });
    throw err;
  }
}

/** A zod issue path in the notation the other errors use: sellers[0].battery.capacityKwh. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), '');
}
