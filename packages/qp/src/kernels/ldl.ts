// The LDLᵀ kernels (ldl.wat) instantiated over a WebAssembly memory of their own that holds the
// factor's arrays: K's pattern and values, the sparse columns of L, the pivots, the dense block and
// work vectors. JavaScript reads and writes them through typed-array views. One compiled module
// per process, one instance (and memory) per factor at a time.
//
// A fresh memory costs far more than its size suggests (the engine reserves address space, and
// every page faults in on first touch: milliseconds for a megabyte here), so memories released by
// `dispose` go to a small pool and the next factor takes one that fits, growing it if needed.
import { LDL_KERNELS_WASM } from './ldl.wasm';

interface Exports {
  factor(
    n: number, k0: number, kp: number, ki: number, kx: number, parent: number, lpp: number, lip: number, lxp: number, dp: number, dinvp: number,
    yp: number, patp: number, flagp: number, nextp: number, ap: number, pivp: number, scratch: number, panelWidth: number,
  ): number;
  solve(n: number, k0: number, nd: number, lpp: number, lip: number, lxp: number, dinvp: number, wp: number, ap: number): void;
}

interface Memory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
type Wasm = {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => Memory;
};
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
let compiled: object | undefined;

const PAGE = 65536;
/** Released memories kept for reuse, and the most bytes they may hold together. */
const POOL_SIZE = 4;
const POOL_BYTES = 512 * 1024 * 1024;
const pool: { memory: Memory; exports: Exports }[] = [];

/** A memory of at least `bytes` with its kernels' instance: from the pool if one fits or can grow. */
function acquire(bytes: number): { memory: Memory; exports: Exports } {
  let best = -1;
  for (let i = 0; i < pool.length; i++) {
    const size = pool[i]!.memory.buffer.byteLength;
    if (size >= bytes && (best < 0 || size < pool[best]!.memory.buffer.byteLength)) best = i;
  }
  if (best < 0 && pool.length > 0) {
    best = 0;
    for (let i = 1; i < pool.length; i++) if (pool[i]!.memory.buffer.byteLength > pool[best]!.memory.buffer.byteLength) best = i;
    const m = pool[best]!.memory;
    m.grow(Math.ceil((bytes - m.buffer.byteLength) / PAGE));
  }
  if (best >= 0) return pool.splice(best, 1)[0]!;
  compiled ??= new wasm.Module(Uint8Array.from(atob(LDL_KERNELS_WASM), (c) => c.charCodeAt(0)));
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
  return { memory, exports: new wasm.Instance(compiled, { env: { memory } }).exports as Exports };
}

function release(entry: { memory: Memory; exports: Exports }): void {
  pool.push(entry);
  let total = pool.reduce((s, e) => s + e.memory.buffer.byteLength, 0);
  while (pool.length > POOL_SIZE || total > POOL_BYTES) total -= pool.shift()!.memory.buffer.byteLength;
}

export class LdlKernels {
  /** The dense block, column-major with leading dimension nd. */
  readonly a: Float64Array;
  /** The dense block's pivots. */
  readonly piv: Float64Array;
  /** Inverses of all n pivots. */
  readonly dinv: Float64Array;
  /** The right-hand side / solution of a solve, in pivot order. */
  readonly w: Float64Array;
  /** Sparse columns 0..k0−1 of L: pointers, row indices, values. */
  readonly lp: Int32Array;
  readonly li: Int32Array;
  readonly lx: Float64Array;
  /** The permuted matrix K (upper triangle): its pattern is set once, its values before each factorization. */
  readonly kx: Float64Array;
  /** Pivots. */
  readonly d: Float64Array;
  private k: Exports;
  private entry: { memory: Memory; exports: Exports } | undefined;
  private readonly off: Record<'piv' | 'dinv' | 'w' | 'lx' | 'scratch' | 'kx' | 'd' | 'y' | 'lp' | 'li' | 'kp' | 'ki' | 'parent' | 'pattern' | 'flag' | 'next', number>;

  constructor(
    readonly n: number,
    readonly k0: number,
    sparseNz: number,
    private readonly panelWidth: number,
    K: { colPtr: Int32Array; rowIdx: Int32Array },
    parent: Int32Array,
    lp: Int32Array,
  ) {
    const nd = n - k0;
    const nnz = K.colPtr[n]!;
    // Doubles first (8-byte aligned), then the integer arrays.
    let at = nd * nd * 8;
    const take = (bytes: number) => {
      const start = at;
      at += bytes;
      return start;
    };
    this.off = {
      piv: take(nd * 8),
      dinv: take(n * 8),
      w: take(n * 8),
      lx: take(sparseNz * 8),
      scratch: take(2 * panelWidth * 8),
      kx: take(nnz * 8),
      d: take(n * 8),
      y: take(n * 8),
      lp: take((k0 + 1) * 4),
      li: take(sparseNz * 4),
      kp: take((n + 1) * 4),
      ki: take(nnz * 4),
      parent: take(n * 4),
      pattern: take(n * 4),
      flag: take(n * 4),
      next: take(n * 4),
    };
    this.entry = acquire(at);
    this.k = this.entry.exports;
    const buf = this.entry.memory.buffer;
    const o = this.off;
    this.a = new Float64Array(buf, 0, nd * nd);
    this.piv = new Float64Array(buf, o.piv, nd);
    this.dinv = new Float64Array(buf, o.dinv, n);
    this.w = new Float64Array(buf, o.w, n);
    this.lx = new Float64Array(buf, o.lx, sparseNz);
    this.kx = new Float64Array(buf, o.kx, nnz);
    this.d = new Float64Array(buf, o.d, n);
    this.lp = new Int32Array(buf, o.lp, k0 + 1);
    this.li = new Int32Array(buf, o.li, sparseNz);
    this.lp.set(lp.subarray(0, k0 + 1));
    new Int32Array(buf, o.kp, n + 1).set(K.colPtr.subarray(0, n + 1));
    new Int32Array(buf, o.ki, nnz).set(K.rowIdx.subarray(0, nnz));
    new Int32Array(buf, o.parent, n).set(parent);
  }

  /**
   * Factors K with the values in `kx`: returns the number of positive pivots, or −1 − k for a zero
   * or non-finite pivot at column k.
   */
  factor(): number {
    const o = this.off;
    return this.k.factor(this.n, this.k0, o.kp, o.ki, o.kx, o.parent, o.lp, o.li, o.lx, o.d, o.dinv, o.y, o.pattern, o.flag, o.next, 0, o.piv, o.scratch, this.panelWidth);
  }

  /** w ← (L D Lᵀ)⁻¹ w. */
  solve(): void {
    const o = this.off;
    this.k.solve(this.n, this.k0, this.n - this.k0, o.lp, o.li, o.lx, o.dinv, o.w, 0);
  }

  /** Returns the memory to the pool; the factor (and every view of it) must not be used again. */
  dispose(): void {
    if (!this.entry) return;
    release(this.entry);
    this.entry = undefined;
  }
}
