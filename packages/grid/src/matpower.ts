// Import of a MATPOWER case file (.m) into the DC network model, with what real case files need
// handled and reported: out-of-service branches and isolated buses are dropped, RATE_A = 0 means
// unlimited, transformer taps enter the susceptance, parallel branches stay separate lines, bus
// numbers need not be consecutive, and files that store r, x in ohms and Pd in kW and convert them in
// code at the end (as case33bw does) are converted the same way. Column numbers are those of
// MATPOWER's case format (caseformat, version 2).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { IslandedNetworkError, MatpowerFileError, MatpowerFormatError, NetworkError } from './errors';
import { buildNetwork, type LineInput, listSome, type Network, type NetworkNote, reactanceProblem, tapProblem } from './network';
import { type MatpowerMatrix, readMatpowerText } from './matpowerText';

/** A bus of the case as the file gives it (loads in MW after the file's own conversions). */
export interface MatpowerBus {
  bus: number;
  /** BUS_TYPE: 1 PQ, 2 PV, 3 reference, 4 isolated. */
  type: number;
  pdMw: number;
  qdMvar: number;
  baseKv: number;
}

export interface MatpowerGenerator {
  bus: number;
  pgMw: number;
  pmaxMw: number;
  inService: boolean;
}

export interface MatpowerImport {
  network: Network;
  /** Per line of network.lines: the row of mpc.branch (1-based) it came from. */
  branchRows: number[];
  /** Per line: where its limit came from. */
  limitSources: ('rateA' | 'unlimited' | 'override')[];
  baseMva: number;
  /** The buses of the network (isolated buses dropped), in file order. */
  buses: MatpowerBus[];
  /** Every generator row (empty when the file has no mpc.gen), in file order. */
  generators: MatpowerGenerator[];
}

export interface MatpowerOptions {
  name?: string;
  /** How errors and notes name the file; `case` by default. */
  source?: string;
  /** Slack bus; the file's reference bus (BUS_TYPE = 3) by default. */
  slack?: number;
  /** kW per MVA of RATE_A; 1000 (MW read as kW) by default. */
  rateScale?: number;
  /** Limits in kW per imported line (in file order after dropping out-of-service lines); overrides RATE_A. */
  limitsKw?: readonly number[];
}

// Columns (1-based in the case format, 0-based here).
const BUS_I = 0;
const BUS_TYPE = 1;
const PD = 2;
const QD = 3;
const BASE_KV = 9;
const F_BUS = 0;
const T_BUS = 1;
const BR_R = 2;
const BR_X = 3;
const RATE_A = 5;
const TAP = 8;
const SHIFT = 9;
const BR_STATUS = 10;
const GEN_BUS = 0;
const PG = 1;
const GEN_STATUS = 7;
const PMAX = 8;
/** The largest |PD|, |PG|, PMAX (MW) and RATE_A (MVA) read: beyond a terawatt a value is a typo or a unit mistake. */
export const MAX_MATPOWER_MW = 1e6;
/** The fewest columns each matrix may have (caseformat: version 1 branch and gen tables are narrower). */
const MIN_COLUMNS = { bus: 13, branch: 11, gen: 10 } as const;
const ISOLATED = 4;
const REF = 3;

// The conversions case33bw-style files make after their data: r, x from ohms to p.u. and Pd, Qd from
// kW to MW. Whitespace is collapsed before matching.
const OHMS_TO_PU = /^mpc\.branch\( ?: ?, ?\[ ?BR_R,? BR_X ?\] ?\) ?= ?mpc\.branch\( ?: ?, ?\[ ?BR_R,? BR_X ?\] ?\) ?\/ ?\( ?Vbase ?\^ ?2 ?\/ ?Sbase ?\)$/;
const VBASE = /^Vbase ?= ?mpc\.bus\( ?1 ?, ?BASE_KV ?\) ?\* ?1e3$/;
const SBASE = /^Sbase ?= ?mpc\.baseMVA ?\* ?1e6$/;
const KW_TO_MW = /^mpc\.bus\( ?: ?, ?\[ ?PD,? QD ?\] ?\) ?= ?mpc\.bus\( ?: ?, ?\[ ?PD,? QD ?\] ?\) ?\/ ?1e3$/;
/** A statement that changes a field the import reads: `mpc.gen(:, PMAX) = ...`, `mpc.baseMVA = 2 * x`. */
const CHANGES_READ_FIELD = /^mpc\.(?:bus|branch|gen|baseMVA)\b(?: ?\(.*\))? ?=[^=]/;

export function importMatpower(text: string, options: MatpowerOptions = {}): MatpowerImport {
  const source = options.source ?? 'case';
  const fail = (field: string, reason: string): never => {
    throw new MatpowerFormatError(field, reason, { source });
  };
  /** A power column must be a finite number of MW a power system can have. */
  const power = (where: string, column: string, mw: number) => {
    if (!(Math.abs(mw) <= MAX_MATPOWER_MW)) fail(where, `${column} must be a finite number of MW with |${column}| ≤ ${MAX_MATPOWER_MW.toExponential().replace('e+', 'e')}, got ${mw}`);
  };
  const parsed = readMatpowerText(text, source);
  const notes: NetworkNote[] = [];

  const table = (name: keyof typeof MIN_COLUMNS, required: boolean): MatpowerMatrix | undefined => {
    const m = parsed.matrices.get(name);
    if (!m) return required ? fail(`mpc.${name}`, 'not found in the case file') : undefined;
    if (m.rows.length === 0) fail(`mpc.${name} (line ${m.line})`, 'has no rows');
    const width = m.rows[0]!.length;
    if (width < MIN_COLUMNS[name]) fail(`mpc.${name} row 1 (line ${m.lines[0]})`, `has ${width} columns, the case format needs at least ${MIN_COLUMNS[name]}`);
    m.rows.forEach((row, i) => {
      if (row.length !== width) fail(`mpc.${name} row ${i + 1} (line ${m.lines[i]})`, `has ${row.length} columns, row 1 has ${width}`);
    });
    return m;
  };
  const busTable = table('bus', true)!;
  const branchTable = table('branch', true)!;
  const genTable = table('gen', false);
  const baseMva = parsed.scalars.get('baseMVA') ?? fail('mpc.baseMVA', 'not found in the case file');
  if (!(baseMva > 0)) fail('mpc.baseMVA', `must be positive, got ${baseMva}`);

  // Code after the data: only the unit conversions of case33bw-style files are understood.
  let ohmsToPu = 1;
  let loadScale = 1;
  const code = parsed.code;
  for (const s of code) {
    if (OHMS_TO_PU.test(s.text)) {
      if (!code.some((c) => VBASE.test(c.text)) || !code.some((c) => SBASE.test(c.text))) {
        fail(`line ${s.line}`, 'converts r, x from ohms with Vbase and Sbase defined otherwise than as mpc.bus(1, BASE_KV) * 1e3 and mpc.baseMVA * 1e6');
      }
      const baseKv = busTable.rows[0]![BASE_KV]!;
      if (!(baseKv > 0)) fail(`mpc.bus row 1 (line ${busTable.lines[0]})`, `BASE_KV must be positive for the ohm conversion, got ${baseKv}`);
      const zBaseOhm = (baseKv * 1e3) ** 2 / (baseMva * 1e6);
      ohmsToPu = 1 / zBaseOhm;
      notes.push({ severity: 'info', message: `r and x are in ohms in the file and were converted to p.u. as its own code does (Zbase = (${baseKv} kV)² / ${baseMva} MVA = ${zBaseOhm.toPrecision(6)} Ω)` });
    } else if (KW_TO_MW.test(s.text)) {
      loadScale = 1e-3;
      notes.push({ severity: 'info', message: 'Pd and Qd are in kW in the file and were converted to MW as its own code does' });
    } else if (CHANGES_READ_FIELD.test(s.text)) {
      fail(`line ${s.line}`, `changes the case in code the importer does not understand ("${s.text.slice(0, 80)}"); only the ohm → p.u. and kW → MW conversions of case33bw-style files are read`);
    }
  }

  // Buses.
  const allBuses: MatpowerBus[] = [];
  const busRow = new Map<number, number>();
  busTable.rows.forEach((row, i) => {
    const where = `mpc.bus row ${i + 1} (line ${busTable.lines[i]})`;
    const bus = row[BUS_I]!;
    if (!Number.isInteger(bus) || bus <= 0) fail(where, `bus number must be a positive integer, got ${bus}`);
    if (busRow.has(bus)) fail(where, `bus ${bus} is listed twice (first in row ${busRow.get(bus)! + 1})`);
    const type = row[BUS_TYPE]!;
    if (![1, 2, REF, ISOLATED].includes(type)) fail(where, `BUS_TYPE must be 1, 2, 3 or 4, got ${type}`);
    power(where, 'PD', row[PD]! * loadScale);
    busRow.set(bus, i);
    allBuses.push({ bus, type, pdMw: row[PD]! * loadScale, qdMvar: row[QD]! * loadScale, baseKv: row[BASE_KV]! });
  });
  const isolated = new Set(allBuses.filter((b) => b.type === ISOLATED).map((b) => b.bus));

  // Branches.
  const lines: LineInput[] = [];
  const branchRows: number[] = [];
  const rateA: number[] = [];
  const outOfService: { row: number; from: number; to: number }[] = [];
  const toIsolated: number[] = [];
  branchTable.rows.forEach((row, i) => {
    const from = row[F_BUS]!;
    const to = row[T_BUS]!;
    const where = `mpc.branch row ${i + 1} (${from} → ${to}, line ${branchTable.lines[i]})`;
    for (const bus of [from, to]) if (!busRow.has(bus)) fail(where, `bus ${bus} is not in mpc.bus`);
    if (from === to) fail(where, `connects bus ${from} to itself`);
    if (row[BR_STATUS] === 0) {
      outOfService.push({ row: i + 1, from, to });
      return;
    }
    if (isolated.has(from) || isolated.has(to)) {
      toIsolated.push(i + 1);
      return;
    }
    const x = row[BR_X]! * ohmsToPu;
    const badX = reactanceProblem(x);
    if (badX) fail(where, badX);
    const badTap = tapProblem(row[TAP]!);
    if (badTap) fail(where, badTap);
    if (!(row[RATE_A]! >= 0 && row[RATE_A]! <= MAX_MATPOWER_MW)) fail(where, `RATE_A must be from 0 (meaning unlimited) to ${MAX_MATPOWER_MW.toExponential().replace('e+', 'e')} MVA, got ${row[RATE_A]}`);
    lines.push({ from, to, r: row[BR_R]! * ohmsToPu, x, tap: row[TAP]!, shiftDeg: row[SHIFT]! });
    branchRows.push(i + 1);
    rateA.push(row[RATE_A]!);
  });
  if (outOfService.length > 0) {
    notes.push({
      severity: 'warning',
      message: `${outOfService.length} out-of-service branch${outOfService.length > 1 ? 'es were' : ' was'} skipped (BR_STATUS = 0): ${listSome(outOfService.map((b) => `row ${b.row} (${b.from}–${b.to})`))}`,
    });
  }
  if (isolated.size > 0) {
    notes.push({
      severity: 'warning',
      message: `${isolated.size} isolated bus${isolated.size > 1 ? 'es were' : ' was'} dropped (BUS_TYPE = 4): ${listSome([...isolated].map(String))}${toIsolated.length ? `, with the branch${toIsolated.length > 1 ? 'es' : ''} in row${toIsolated.length > 1 ? 's' : ''} ${listSome(toIsolated.map(String))}` : ''}`,
    });
  }
  if (lines.length === 0) fail('mpc.branch', 'has no branch in service');

  // Limits.
  const rateScale = options.rateScale ?? 1000;
  const limitSources: MatpowerImport['limitSources'] = [];
  lines.forEach((l, k) => {
    if (options.limitsKw) {
      const v = options.limitsKw[k];
      if (v === undefined) throw new NetworkError('limitsKw', `has no limit for imported line ${k + 1} (${l.from}–${l.to}); the file has ${lines.length} lines in service`, { source });
      l.limitKw = v;
      limitSources.push('override');
    } else if (rateA[k]! > 0) {
      l.limitKw = rateA[k]! * rateScale;
      limitSources.push('rateA');
    } else {
      limitSources.push('unlimited');
    }
  });
  const unlimited = limitSources.filter((s) => s === 'unlimited').length;
  if (options.limitsKw) notes.push({ severity: 'info', message: `line limits are the ${lines.length} values supplied, not RATE_A` });
  if (limitSources.includes('rateA')) notes.push({ severity: 'info', message: `limits are RATE_A at ${rateScale} kW per MVA` });
  if (unlimited > 0) {
    notes.push({
      severity: 'warning',
      message: `${unlimited === lines.length ? `all ${unlimited}` : unlimited} line${unlimited > 1 ? 's have' : ' has'} RATE_A = 0 and ${unlimited > 1 ? 'are' : 'is'} unlimited${unlimited === lines.length ? ': no line limit can bind' : ''}`,
    });
  }

  // Slack, islands, numbering.
  const buses = allBuses.filter((b) => !isolated.has(b.bus));
  const refs = buses.filter((b) => b.type === REF).map((b) => b.bus);
  let slack = options.slack;
  if (slack === undefined) {
    if (refs.length === 0) fail('mpc.bus', 'has no reference bus (BUS_TYPE = 3); name the slack bus');
    slack = refs[0]!;
    notes.push({ severity: 'info', message: `the slack bus is ${slack}, the file's reference bus (BUS_TYPE = 3)${refs.length > 1 ? `; the other reference buses (${listSome(refs.slice(1).map(String))}) are treated as ordinary buses` : ''}` });
  } else if (!busRow.has(slack) || isolated.has(slack)) {
    throw new NetworkError('slack', `bus ${slack} is not a bus of the network`, { source });
  }
  checkIslands(buses, lines, outOfService, slack, source);
  const numbers = buses.map((b) => b.bus).sort((a, b) => a - b);
  if (numbers.some((b, k) => b !== k + 1)) {
    notes.push({ severity: 'info', message: `bus numbers are not 1..${numbers.length} (they run ${numbers[0]}–${numbers.at(-1)}): they are kept, and renumbered 0..${numbers.length - 1} in ascending order inside the model` });
  }

  let network: Network;
  try {
    network = buildNetwork({ name: options.name ?? 'matpower', lines, buses: numbers, slack });
  } catch (err) {
    if (err instanceof NetworkError) throw new MatpowerFormatError(err.field, err.reason, { source, cause: err });
    throw err;
  }
  const generators = (genTable?.rows ?? []).map((row, i) => {
    const bus = row[GEN_BUS]!;
    const where = `mpc.gen row ${i + 1} (line ${genTable!.lines[i]})`;
    if (!busRow.has(bus)) fail(where, `bus ${bus} is not in mpc.bus`);
    power(where, 'PG', row[PG]!);
    power(where, 'PMAX', row[PMAX]!);
    return { bus, pgMw: row[PG]!, pmaxMw: row[PMAX]!, inService: row[GEN_STATUS]! > 0 };
  });
  return { network: { ...network, notes: [...notes, ...network.notes] }, branchRows, limitSources, baseMva, buses, generators };
}

/** Fails naming the buses cut off from the slack bus and the out-of-service branches that would have joined them. */
function checkIslands(buses: MatpowerBus[], lines: LineInput[], outOfService: { row: number; from: number; to: number }[], slack: number, source: string): void {
  const parent = new Map(buses.map((b) => [b.bus, b.bus]));
  const find = (b: number): number => {
    const p = parent.get(b)!;
    if (p === b) return b;
    const r = find(p);
    parent.set(b, r);
    return r;
  };
  for (const l of lines) parent.set(find(l.from), find(l.to));
  const root = find(slack);
  const islanded = buses.map((b) => b.bus).filter((b) => find(b) !== root);
  if (islanded.length === 0) return;
  const cut = new Set(islanded);
  const dropped = outOfService.filter((b) => cut.has(b.from) !== cut.has(b.to));
  const rows = listSome(dropped.map((b) => `row ${b.row} (${b.from}–${b.to})`));
  let reason: string;
  if (islanded.length === 1) {
    const bus = islanded[0]!;
    reason =
      dropped.length === 0
        ? `bus ${bus} is islanded: no branch connects it`
        : `bus ${bus} is islanded: its ${dropped.length > 1 ? 'branches' : 'only branch'} ${rows} ${dropped.length > 1 ? 'are' : 'is'} out of service (BR_STATUS = 0)`;
  } else {
    reason = `buses ${listSome(islanded.map(String))} are islanded from the slack bus ${slack}${dropped.length ? `: the branches that joined them, ${rows}, are out of service (BR_STATUS = 0)` : ': no branch joins them to it'}`;
  }
  throw new IslandedNetworkError('mpc.branch', reason, islanded, { source });
}

/** Reads and imports a case file; a path that is missing, a directory or unreadable is a MatpowerFileError. */
export function readMatpowerFile(file: string, options: MatpowerOptions = {}): MatpowerImport {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new MatpowerFileError(file, 'is a directory, not a MATPOWER case file');
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof MatpowerFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MatpowerFileError(file, 'no such file', { cause: err });
    throw new MatpowerFileError(file, `cannot be read (${code ?? (err as Error).message})`, { cause: err });
  }
  return importMatpower(text, { name: path.basename(file, '.m'), source: file, ...options });
}
