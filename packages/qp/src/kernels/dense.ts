// The dense-block kernels (dense.wat) instantiated over their own WebAssembly memory: the block,
// a vector of its length, its pivots and scratch live there, and JavaScript reaches them through
// typed-array views. One module per process, one instance (and memory) per factor.
import { DENSE_KERNELS_WASM } from './dense.wasm';

interface Exports {
  forward(ap: number, xp: number, nd: number): void;
  backward(ap: number, xp: number, nd: number): void;
  update(ap: number, nd: number, j0: number, w: number, l0: number, dp: number, wp: number): void;
}

type Wasm = {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
};
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
let compiled: object | undefined;

const PAGE = 65536;

export class DenseKernels {
  /** The block, column-major with leading dimension nd. */
  readonly a: Float64Array;
  /** A vector of length nd (the right-hand side's dense part during a solve). */
  readonly x: Float64Array;
  /** The block's pivots. */
  readonly d: Float64Array;
  private readonly k: Exports;
  private readonly xp: number;
  private readonly dp: number;
  private readonly wp: number;

  constructor(
    readonly nd: number,
    panel: number,
  ) {
    const aBytes = nd * nd * 8;
    this.xp = aBytes;
    this.dp = this.xp + nd * 8;
    this.wp = this.dp + nd * 8;
    const bytes = this.wp + 2 * panel * 8;
    compiled ??= new wasm.Module(Uint8Array.from(atob(DENSE_KERNELS_WASM), (c) => c.charCodeAt(0)));
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
    this.k = new wasm.Instance(compiled, { env: { memory } }).exports as Exports;
    this.a = new Float64Array(memory.buffer, 0, nd * nd);
    this.x = new Float64Array(memory.buffer, this.xp, nd);
    this.d = new Float64Array(memory.buffer, this.dp, nd);
  }

  /** x ← L⁻¹x with the block's unit lower triangle. */
  forward(): void {
    this.k.forward(0, this.xp, this.nd);
  }

  /** x ← L⁻ᵀx. */
  backward(): void {
    this.k.backward(0, this.xp, this.nd);
  }

  /** Columns l0.. of the block −= the panel j0..j0+w−1's contribution L_panel D_panel L_panelᵀ. */
  update(j0: number, w: number, l0: number): void {
    this.k.update(0, this.nd, j0, w, l0, this.dp, this.wp);
  }
}
