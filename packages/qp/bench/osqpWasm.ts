// OSQP 0.6 (the C solver, compiled to WebAssembly inside npm `eigen` 0.2.2) as a benchmark peer.
//
// eigen's wrapper (`QuadProgSolver.solve(P, q, A, l, u)`) calls `osqp_set_default_settings`, sets
// `verbose = 0` and returns x only. To compare at the bench's settings, the binary is rewritten as
// it is instantiated: the constants that `osqp_set_default_settings` stores for eps_abs, eps_rel
// and polish, and the wrapper's `verbose = 0`, are replaced by values of the same encoded length.
// With verbose on, OSQP prints its settings and its own status, iterations and run time; the
// header is parsed back so that a patch that did not take effect fails loudly instead of
// benchmarking the defaults. Every other setting stays OSQP's default (ρ = 0.1, σ = 1e-6,
// α = 1.6, 10 scaling passes, adaptive ρ, check_termination = 25, QDLDL).
import type { CscMatrix } from '../src/csc';
import type { QpProblem } from '../src/types';

export interface OsqpWasmSettings {
  epsAbs: number;
  epsRel: number;
  polish: boolean;
}

export interface OsqpWasmResult {
  x: Float64Array;
  status: string;
  polish: string;
  iterations: number;
  /** OSQP's own run time (setup + solve + polish), as it prints it. */
  runTimeMs: number;
  /** Wall time of the wrapper call (OSQP's setup, solve, polish and cleanup, and copying x out). */
  wallTimeMs: number;
  /** CPU time (user + system) of the same call: what load from other processes does not inflate. */
  cpuTimeMs: number;
}

/** Signed LEB128 of a 64-bit integer, as `i64.const` encodes its operand. */
function sleb64(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const bitsOf = (x: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return b.readBigInt64LE();
};

function findAll(hay: Uint8Array, needle: number[]): number[] {
  const hits: number[] = [];
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    hits.push(i);
  }
  return hits;
}

/** Replaces `from` by `to` (same length) at every listed site; `expect` is how many sites must exist. */
function patch(bytes: Uint8Array, what: string, from: number[], to: number[], expect: number): void {
  if (from.length !== to.length) throw new Error(`osqp-wasm patch ${what}: encodings differ in length`);
  const hits = findAll(bytes, from);
  if (hits.length !== expect) throw new Error(`osqp-wasm patch ${what}: found ${hits.length} sites, expected ${expect}`);
  for (const h of hits) bytes.set(to, h);
}

function patchBinary(bytes: Uint8Array, s: OsqpWasmSettings): void {
  const I64_CONST = 0x42;
  const I64_STORE = [0x37, 0x03];
  // eps_abs (offset 56) and eps_rel (offset 64) of OSQPSettings: i64.const <bits of 1e-3>; i64.store.
  for (const [name, offset, value] of [
    ['eps_abs', 56, s.epsAbs],
    ['eps_rel', 64, s.epsRel],
  ] as const) {
    patch(bytes, name, [I64_CONST, ...sleb64(bitsOf(1e-3)), ...I64_STORE, offset], [I64_CONST, ...sleb64(bitsOf(value)), ...I64_STORE, offset], 1);
  }
  // polish (offset 112, int) and polish_refine_iter (116, int = 3) are stored as one i64.
  const polishWord = (p: boolean) => sleb64((3n << 32n) | (p ? 1n : 0n));
  patch(bytes, 'polish', [I64_CONST, ...polishWord(false), ...I64_STORE, 112], [I64_CONST, ...polishWord(s.polish), ...I64_STORE, 112], 1);
  // The wrappers' `settings.verbose = 0` right after the call to osqp_set_default_settings
  // (settings at sp + 32, verbose at +120): i32.const 0; i32.store offset=152.
  const verboseOff = [0x41, 0x00, 0x36, 0x02, 0x98, 0x01];
  const sites = findAll(bytes, verboseOff).filter((i) => bytes[i - 2] === 0x20 && bytes[i - 5] === 0x10 && bytes[i - 4] === 0xfe && bytes[i - 3] === 0x01);
  if (sites.length < 1) throw new Error('osqp-wasm patch verbose: no site found');
  for (const i of sites) bytes[i + 1] = 0x01;
}

type Eig = {
  ready: Promise<void>;
  TripletVector: new (n: number) => { add(i: number, j: number, v: number): void };
  SparseMatrix: new (m: number, n: number, t: unknown) => unknown;
  Matrix: new (v: number[]) => { get(i: number, j: number): number; rows(): number };
  QuadProgSolver: { solve(P: unknown, q: unknown, A: unknown, l: unknown, u: unknown): { get(i: number, j: number): number; rows(): number } };
  GC: { flush(): number };
};

let loaded: Promise<Eig> | undefined;
let loadedWith: string | undefined;

/** Loads eigen's WebAssembly with OSQP's defaults replaced by `settings` (once per process). */
export function loadOsqpWasm(settings: OsqpWasmSettings): Promise<Eig> {
  const key = JSON.stringify(settings);
  if (loaded) {
    if (loadedWith !== key) throw new Error('osqp-wasm is already loaded with other settings');
    return loaded;
  }
  loadedWith = key;
  loaded = (async () => {
    // The bundle instantiates its embedded binary with WebAssembly.instantiate(bytes, imports).
    type Instantiate = (source: ArrayBuffer | Uint8Array, imports?: object) => Promise<unknown>;
    const wasm = (globalThis as unknown as { WebAssembly: { instantiate: Instantiate } }).WebAssembly;
    const original = wasm.instantiate;
    wasm.instantiate = (source, imports) => {
      const bytes = new Uint8Array(source instanceof ArrayBuffer ? source.slice(0) : source.slice());
      patchBinary(bytes, settings);
      return original(bytes, imports);
    };
    try {
      const mod = (await import('eigen')) as unknown as { default: Eig };
      await mod.default.ready;
      return mod.default;
    } finally {
      wasm.instantiate = original;
    }
  })();
  return loaded;
}

const OSQP_INFTY = 1e30;

function toEigenSparse(eig: Eig, a: CscMatrix) {
  const t = new eig.TripletVector(a.colPtr[a.n]!);
  for (let j = 0; j < a.n; j++) for (let p = a.colPtr[j]!; p < a.colPtr[j + 1]!; p++) t.add(a.rowIdx[p]!, j, a.values[p]!);
  return new eig.SparseMatrix(a.m, a.n, t);
}

/** Captures what OSQP prints (emscripten writes through console.log, i.e. process.stdout). */
function captureStdout<T>(f: () => T): { value: T; text: string } {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  }) as typeof process.stdout.write;
  try {
    return { value: f(), text: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
}

function field(text: string, re: RegExp, what: string): string {
  const m = re.exec(text);
  if (!m) throw new Error(`osqp-wasm printed no ${what}:\n${text}`);
  return m[1]!;
}

/** Solves `problem` with OSQP-in-wasm at the settings it was loaded with. */
export function solveOsqpWasm(eig: Eig, problem: QpProblem, settings: OsqpWasmSettings): OsqpWasmResult {
  const clip = (v: number) => Math.min(Math.max(v, -OSQP_INFTY), OSQP_INFTY);
  const P = toEigenSparse(eig, problem.P);
  const A = toEigenSparse(eig, problem.A);
  const q = new eig.Matrix(Array.from(problem.q));
  const l = new eig.Matrix(Array.from(problem.l, clip));
  const u = new eig.Matrix(Array.from(problem.u, clip));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { value: xm, text } = captureStdout(() => eig.QuadProgSolver.solve(P, q, A, l, u));
  const cpu = process.cpuUsage(c0);
  const wallTimeMs = performance.now() - t0;
  const x = new Float64Array(problem.P.n);
  for (let j = 0; j < x.length; j++) x[j] = xm.get(j, 0);
  eig.GC.flush();
  // The header states the settings in force: the patch must have taken.
  const eps = field(text, /eps_abs = ([0-9.e+-]+), eps_rel = ([0-9.e+-]+)/, 'tolerances');
  const epsRel = Number(/eps_rel = ([0-9.e+-]+)/.exec(text)![1]);
  if (Number(eps) !== settings.epsAbs || epsRel !== settings.epsRel) throw new Error(`osqp-wasm runs at eps ${eps}/${epsRel}, not ${settings.epsAbs}/${settings.epsRel}`);
  if (/polish: on/.test(text) !== settings.polish) throw new Error('osqp-wasm polish setting did not take');
  return {
    x,
    status: field(text, /status:\s+(.+)/, 'status').trim(),
    polish: settings.polish ? field(text, /solution polish:\s+(\S+)/, 'polish status') : 'off',
    iterations: Number(field(text, /number of iterations:\s+(\d+)/, 'iteration count')),
    runTimeMs: 1000 * Number(field(text, /run time:\s+([0-9.e+-]+)s/, 'run time')),
    wallTimeMs,
    cpuTimeMs: (cpu.user + cpu.system) / 1000,
  };
}
