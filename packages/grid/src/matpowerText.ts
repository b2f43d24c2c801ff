// Reads the text of a MATPOWER case file (.m) into its statements: numeric matrices
// (`mpc.bus = [ ... ];`) with the source line of every row, scalars (`mpc.baseMVA = 100;`), and the
// code statements that follow the data in some files. Only the data subset of the language that
// case files use is understood; the importer decides what to do with the rest.
import { MatpowerFormatError } from './errors';

export interface MatpowerMatrix {
  rows: number[][];
  /** Source line (1-based) of each row. */
  lines: number[];
  /** Source line of the assignment. */
  line: number;
}

export interface MatpowerStatement {
  /** The statement without comments, continuations joined, whitespace collapsed. */
  text: string;
  line: number;
}

export interface MatpowerText {
  matrices: Map<string, MatpowerMatrix>;
  scalars: Map<string, number>;
  /** Every other statement (code), in file order. */
  code: MatpowerStatement[];
}

/** Removes `%` comments, leaving `%` inside quoted strings alone; line breaks are kept. */
function stripComments(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => {
      let inString = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (c === "'") {
          // A quote after an identifier, a closing bracket or another quote is MATLAB's transpose.
          const prev = line.slice(0, i).trimEnd().at(-1) ?? '';
          if (inString) inString = false;
          else if (!/[\w)\]}'.]/.test(prev)) inString = true;
        } else if (c === '%' && !inString) return line.slice(0, i);
      }
      return line;
    })
    .join('\n');
}

/** Splits into statements at `;`, `,` or a line break outside brackets; `...` continues a line. */
function statements(text: string): MatpowerStatement[] {
  const out: MatpowerStatement[] = [];
  let depth = 0;
  let line = 1;
  let start = 1;
  let current = '';
  const flush = () => {
    const t = current.trim();
    if (t) out.push({ text: t, line: start });
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '.' && text.startsWith('...', i)) {
      // Continuation: the rest of the line is ignored and the statement goes on.
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      current += CONTINUED;
      i = nl;
      line++;
      continue;
    }
    if (c === '\n') line++;
    if (!current.trim() && !/\s/.test(c)) start = line;
    if (c === '[' || c === '(' || c === '{') depth++;
    if (c === ']' || c === ')' || c === '}') depth = Math.max(0, depth - 1);
    if (depth === 0 && (c === ';' || c === '\n' || c === ',')) {
      flush();
      continue;
    }
    current += c;
  }
  flush();
  return out;
}

/** Stands for a continued line break inside a statement: not a row separator, but a source line. */
const CONTINUED = '\u0000';

const MATRIX = /^mpc\.(\w+)\s*=\s*\[([\s\S]*)\]$/;
const SCALAR = /^mpc\.(\w+)\s*=\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?[Ii]nf|NaN)$/;

function number(token: string): number {
  if (/^[-+]?inf$/i.test(token)) return token.startsWith('-') ? -Infinity : Infinity;
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(token)) return Number.NaN;
  return Number(token);
}

function matrix(name: string, body: string, line: number, source: string): MatpowerMatrix {
  const rows: number[][] = [];
  const lines: number[] = [];
  let at = line;
  // Rows end at `;` or a line break; count line breaks to know each row's source line.
  for (const chunk of body.split(/(;|\n)/)) {
    if (chunk === '\n') {
      at++;
      continue;
    }
    if (chunk === ';') continue;
    const row = at;
    at += chunk.split(CONTINUED).length - 1;
    const tokens = chunk.split(/[\s,\u0000]+/).filter(Boolean);
    if (tokens.length === 0) continue;
    const values = tokens.map(number);
    const bad = values.findIndex((v) => Number.isNaN(v));
    if (bad >= 0) {
      throw new MatpowerFormatError(`mpc.${name} row ${rows.length + 1} (line ${row})`, `cannot read "${tokens[bad]}" as a number`, { source });
    }
    rows.push(values);
    lines.push(row);
  }
  return { rows, lines, line };
}

/** The statements of a case file; `source` names the file in errors. */
export function readMatpowerText(text: string, source: string): MatpowerText {
  const result: MatpowerText = { matrices: new Map(), scalars: new Map(), code: [] };
  for (const s of statements(stripComments(text))) {
    const m = MATRIX.exec(s.text);
    if (m) {
      const name = m[1]!;
      if (result.matrices.has(name)) throw new MatpowerFormatError(`mpc.${name} (line ${s.line})`, `is assigned twice (first at line ${result.matrices.get(name)!.line})`, { source });
      result.matrices.set(name, matrix(name, m[2]!, s.line, source));
      continue;
    }
    const v = SCALAR.exec(s.text);
    if (v) {
      result.scalars.set(v[1]!, number(v[2]!));
      continue;
    }
    result.code.push({ text: s.text.replace(/[\s\u0000]+/g, ' '), line: s.line });
  }
  return result;
}
