// The LDLᵀ kernels (ldl.wat) instantiated over a WebAssembly memory of their own that holds the
// factor's numeric arrays: the sparse columns of L, the pivots' inverses, the dense block and a
// work vector. JavaScript reads and writes them through typed-array views. One compiled module
// per process, one instance (and memory) per factor.
import { LDL_KERNELS_WASM } from './ldl.wasm';

interface Exports {
  solve(n: number, k0: number, nd: number, lpp: number, lip: number, lxp: number, dinvp: number, wp: number, ap: number): void;
  update(ap: number, nd: number, j0: number, w: number, l0: number, dp: number, wp: number): void;
  panel(ap: number, nd: number, j0: number, j1: number, dp: number): number;
}

type Wasm = {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
};
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
let compiled: object | undefined;

const PAGE = 65536;

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
  private readonly k: Exports;
  private readonly off: { piv: number; dinv: number; w: number; lx: number; scratch: number; lp: number; li: number };

  constructor(
    readonly n: number,
    readonly k0: number,
    sparseNz: number,
    panelWidth: number,
  ) {
    const nd = n - k0;
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
      lp: take((k0 + 1) * 4),
      li: take(sparseNz * 4),
    };
    compiled ??= new wasm.Module(Uint8Array.from(atob(LDL_KERNELS_WASM), (c) => c.charCodeAt(0)));
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(at / PAGE)) });
    this.k = new wasm.Instance(compiled, { env: { memory } }).exports as Exports;
    const buf = memory.buffer;
    this.a = new Float64Array(buf, 0, nd * nd);
    this.piv = new Float64Array(buf, this.off.piv, nd);
    this.dinv = new Float64Array(buf, this.off.dinv, n);
    this.w = new Float64Array(buf, this.off.w, n);
    this.lx = new Float64Array(buf, this.off.lx, sparseNz);
    this.lp = new Int32Array(buf, this.off.lp, k0 + 1);
    this.li = new Int32Array(buf, this.off.li, sparseNz);
  }

  /** w ← (L D Lᵀ)⁻¹ w. */
  solve(): void {
    const o = this.off;
    this.k.solve(this.n, this.k0, this.n - this.k0, o.lp, o.li, o.lx, o.dinv, o.w, 0);
  }

  /**
   * Factors dense columns j0..j1−1 (left-looking within them), pivots into `piv`; returns the
   * number of positive pivots, or −1 − j for a zero or non-finite pivot at dense column j.
   */
  panel(j0: number, j1: number): number {
    return this.k.panel(0, this.n - this.k0, j0, j1, this.off.piv);
  }

  /** Dense columns l0.. −= the panel j0..j0+w−1's contribution L_panel D_panel L_panelᵀ. */
  update(j0: number, w: number, l0: number): void {
    this.k.update(0, this.n - this.k0, j0, w, l0, this.off.piv, this.off.scratch);
  }
}
