// Import of a MATPOWER case file (.m): the bus and branch matrices, with the three traps of real
// case files handled and reported: out-of-service branches (BR_STATUS = 0) are dropped, RATE_A = 0
// means unlimited, and case files that store r and x in ohms and convert them in code at the end
// (as case33bw does: divide by Vbase² / Sbase) are converted the same way.
import { buildNetwork, type LineInput, type Network, NetworkError } from './network';

export interface MatpowerImport {
  network: Network;
  /** What the importer did, in sentences, for the user to check. */
  notes: string[];
  /** Per line: where its limit came from. */
  limitSources: ('rateA' | 'unlimited' | 'override')[];
}

export interface MatpowerOptions {
  name?: string;
  slack?: number;
  /** kW per unit of RATE_A (MATPOWER rates are MVA; 1000 reads them as MW → kW). */
  rateScale?: number;
  /** Limits in kW per imported line (in file order after dropping out-of-service lines); overrides RATE_A. */
  limitsKw?: readonly number[];
}

function matrix(text: string, field: string): number[][] {
  const re = new RegExp(`mpc\\.${field}\\s*=\\s*\\[([\\s\\S]*?)\\];`);
  const m = re.exec(text);
  if (!m) throw new NetworkError(`mpc.${field}`, 'not found in the case file');
  const rows: number[][] = [];
  for (const raw of m[1]!.split(/;|\n/)) {
    const line = raw.replace(/%.*$/, '').trim();
    if (!line) continue;
    const values = line.split(/[\s,]+/).filter(Boolean).map(Number);
    if (values.some((v) => Number.isNaN(v))) throw new NetworkError(`mpc.${field}`, `cannot read row "${line}"`);
    rows.push(values);
  }
  return rows;
}

function scalar(text: string, field: string): number | undefined {
  const m = new RegExp(`mpc\\.${field}\\s*=\\s*([-+0-9.eE]+)\\s*;`).exec(text);
  return m ? Number(m[1]) : undefined;
}

export function importMatpower(text: string, options: MatpowerOptions = {}): MatpowerImport {
  const notes: string[] = [];
  const bus = matrix(text, 'bus');
  const branch = matrix(text, 'branch');
  const baseMVA = scalar(text, 'baseMVA') ?? 100;
  const buses = bus.map((row, i) => {
    if (row.length < 13) throw new NetworkError(`mpc.bus[${i}]`, `has ${row.length} columns, MATPOWER needs 13`);
    return row[0]!;
  });
  let ohmsToPu = 1;
  // The conversion case33bw does in code: r, x given in ohms, divided by Vbase² / Sbase.
  if (/mpc\.branch\(\s*:\s*,\s*\[\s*BR_R\s+BR_X\s*\]\s*\)\s*=\s*mpc\.branch\(\s*:\s*,\s*\[\s*BR_R\s+BR_X\s*\]\s*\)\s*\/\s*\(\s*Vbase\s*\^\s*2\s*\/\s*Sbase\s*\)/.test(text)) {
    const baseKV = bus[0]![9]!;
    const vbase = baseKV * 1e3;
    const sbase = baseMVA * 1e6;
    ohmsToPu = 1 / ((vbase * vbase) / sbase);
    notes.push(`r and x are in ohms in the file and were converted to p.u. with Vbase = ${baseKV} kV, Sbase = ${baseMVA} MVA, as the file's own code does`);
  }
  const lines: LineInput[] = [];
  const limitSources: MatpowerImport['limitSources'] = [];
  const rateScale = options.rateScale ?? 1000;
  let dropped = 0;
  branch.forEach((row, i) => {
    if (row.length < 11) throw new NetworkError(`mpc.branch[${i}]`, `has ${row.length} columns, MATPOWER needs at least 11`);
    const [from, to, r, x, , rateA] = row as [number, number, number, number, number, number];
    const status = row[10]!;
    if (status === 0) {
      dropped++;
      return;
    }
    const k = lines.length;
    let limitKw = Infinity;
    if (options.limitsKw) {
      const v = options.limitsKw[k];
      if (v === undefined) throw new NetworkError('limitsKw', `has no limit for imported line ${k} (${from}–${to})`);
      limitKw = v;
      limitSources.push('override');
    } else if (rateA > 0) {
      limitKw = rateA * rateScale;
      limitSources.push('rateA');
    } else {
      limitSources.push('unlimited');
    }
    lines.push({ from, to, r: r * ohmsToPu, x: x * ohmsToPu, limitKw });
  });
  if (dropped) notes.push(`${dropped} out-of-service branch${dropped > 1 ? 'es were' : ' was'} dropped (BR_STATUS = 0)`);
  const unlimited = limitSources.filter((s) => s === 'unlimited').length;
  if (unlimited) notes.push(`${unlimited} line${unlimited > 1 ? 's have' : ' has'} RATE_A = 0 and ${unlimited > 1 ? 'are' : 'is'} unlimited`);
  if (!options.limitsKw && limitSources.includes('rateA')) notes.push(`RATE_A (MVA) was read as limits with ${rateScale} kW per unit`);
  if (options.limitsKw) notes.push('line limits were overridden by the supplied values');
  const refBus = bus.find((row) => row[1] === 3)?.[0];
  const slack = options.slack ?? refBus;
  if (options.slack === undefined && refBus !== undefined) notes.push(`slack bus ${refBus} is the file's reference bus (BUS_TYPE = 3)`);
  const network = buildNetwork({ name: options.name ?? 'matpower', lines, buses, ...(slack !== undefined ? { slack } : {}) });
  return { network, notes, limitSources };
}
