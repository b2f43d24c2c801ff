// Integer rounding that conserves energy exactly.
//
// Schedules: each agent-hour is rounded to whole Wh by the largest-remainder (Hamilton) method per
// hour: everything is rounded down, then the agents with the largest fractional parts (ties: the
// smaller agent index) are rounded up, exactly as many as make the hour sum to zero. Every value
// moves by less than 1 Wh.
//
// Trades: the proportional split q_ij = s_i d_j / S (thesis 5-3) is rounded to whole Wh so that
// every row keeps its seller's supply and every column its buyer's demand exactly (a matrix with
// integer row and column sums always admits such a rounding; Bacharach 1966). Entries are rounded
// down, then the missing units are placed on entries with a fractional part, largest first, with
// augmenting paths when the greedy choice gets stuck. Every entry moves by less than 1 Wh.

import { RoundingError } from '../errors';

/** kW per hour → integer Wh per hour, agents × hours, each hour summing to exactly zero. */
export function roundScheduleWh(netKw: readonly (readonly number[])[]): number[][] {
  const agents = netKw.length;
  const hours = netKw[0]?.length ?? 0;
  const out = netKw.map(() => new Array<number>(hours).fill(0));
  for (let t = 0; t < hours; t++) {
    const raw = netKw.map((row) => row[t]! * 1000);
    const total = raw.reduce((a, b) => a + b, 0);
    if (Math.abs(total) >= 0.5) throw new RoundingError(`hour ${t} does not balance (${total.toFixed(3)} Wh): round a balanced schedule`);
    const floors = raw.map(Math.floor);
    let missing = -floors.reduce((a, b) => a + b, 0);
    const order = raw
      .map((v, a) => ({ a, frac: v - Math.floor(v) }))
      .sort((x, y) => y.frac - x.frac || x.a - y.a);
    for (let a = 0; a < agents; a++) out[a]![t] = floors[a]!;
    for (const { a } of order) {
      if (missing <= 0) break;
      out[a]![t]! += 1;
      missing--;
    }
  }
  return out;
}

/**
 * Rounds the proportional allocation of integer supplies to integer demands (Σ supply = Σ demand)
 * into an integer matrix with exactly those row and column sums.
 */
export function proportionalIntegerSplit(supply: readonly number[], demand: readonly number[]): number[][] {
  const S = supply.reduce((a, b) => a + b, 0);
  if (S !== demand.reduce((a, b) => a + b, 0)) throw new RoundingError('supply and demand differ');
  const rows = supply.length;
  const cols = demand.length;
  const q = supply.map(() => new Array<number>(cols).fill(0));
  if (S === 0) return q;
  // Entry (i, j) is key i·cols + j; flat typed arrays instead of objects and sets, because a day of
  // a thousand agents has millions of entries.
  const fraction = new Float64Array(rows * cols);
  const keys: number[] = [];
  const rowLeft = supply.slice();
  const colLeft = demand.slice();
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      // s_i d_j / S exactly in integers: floor via integer division, remainder as the fraction.
      const num = supply[i]! * demand[j]!;
      const base = Math.floor(num / S);
      q[i]![j] = base;
      rowLeft[i]! -= base;
      colLeft[j]! -= base;
      const rem = num - base * S;
      if (rem > 0) {
        fraction[i * cols + j] = rem / S;
        keys.push(i * cols + j);
      }
    }
  }
  // Largest fraction first, then row, then column (the key's order).
  const order = Int32Array.from(keys).sort((a, b) => fraction[b]! - fraction[a]! || a - b);
  // Each fractional entry can take one more unit. Greedy first, largest fractions first.
  const bumped = new Uint8Array(rows * cols);
  for (const key of order) {
    const i = Math.floor(key / cols);
    const j = key - i * cols;
    if (rowLeft[i]! > 0 && colLeft[j]! > 0) {
      q[i]![j]! += 1;
      rowLeft[i]!--;
      colLeft[j]!--;
      bumped[key] = 1;
    }
  }
  // Fix what the greedy pass left with augmenting paths: a row with units left reaches a column
  // with units left through alternating unbumped (add) and bumped (remove) fractional entries.
  for (let guard = 0; rowLeft.some((v) => v > 0); guard++) {
    if (guard > rows * cols + 1) throw new RoundingError('no integer split found');
    const start = rowLeft.findIndex((v) => v > 0);
    const path = augment(start, rows, cols, fraction, bumped, colLeft);
    if (!path) throw new RoundingError(`no augmenting path from seller row ${start}`);
    for (const [i, j, add] of path) {
      q[i]![j]! += add ? 1 : -1;
      bumped[i * cols + j] = add ? 1 : 0;
    }
    rowLeft[start]!--;
    colLeft[path.at(-1)![1]]!--;
  }
  return q;
}

/** BFS over rows: row → column via an unbumped fractional entry; column → row via a bumped one. */
function augment(
  start: number,
  rows: number,
  cols: number,
  fraction: Float64Array,
  bumped: Uint8Array,
  colLeft: number[],
): [number, number, boolean][] | undefined {
  const prevOfCol = new Int32Array(cols).fill(-1);
  const prevOfRow = new Int32Array(rows).fill(-1);
  const seenRow = new Uint8Array(rows);
  const queue = new Int32Array(rows);
  let head = 0;
  let tail = 0;
  queue[tail++] = start;
  seenRow[start] = 1;
  while (head < tail) {
    const i = queue[head++]!;
    for (let j = 0; j < cols; j++) {
      const key = i * cols + j;
      if (fraction[key] === 0 || bumped[key] || prevOfCol[j] !== -1) continue;
      prevOfCol[j] = i;
      if (colLeft[j]! > 0) {
        const path: [number, number, boolean][] = [];
        let col = j;
        for (;;) {
          const row = prevOfCol[col]!;
          path.unshift([row, col, true]);
          if (row === start) return path;
          const back = prevOfRow[row]!;
          path.unshift([row, back, false]);
          col = back;
        }
      }
      for (let r = 0; r < rows; r++) {
        if (!seenRow[r] && bumped[r * cols + j]) {
          seenRow[r] = 1;
          prevOfRow[r] = j;
          queue[tail++] = r;
        }
      }
    }
  }
  return undefined;
}
