// Fill-reducing ordering for the LDLᵀ factorization: approximate minimum degree on the quotient
// graph (Amestoy, Davis & Duff, "An approximate minimum degree ordering algorithm", 1996), after
// merging indistinguishable nodes (identical closed neighbourhoods) into weighted supernodes.
//
// KKT matrices of market problems are full of indistinguishable nodes (every agent's variable in
// an hour touches the same balance and line rows), so the merge turns thousands of nodes into a
// few dozen supernodes. Eliminated nodes become elements (cliques kept implicit), elements that a
// new one covers are absorbed, and degrees use AMD's upper bound, so the ordering costs about as
// much as reading the matrix even when the factor fills in. Any permutation is correct for a
// quasi-definite matrix; the ordering only decides the fill.
import type { CscMatrix } from './csc';

/** Returns perm with perm[k] = the original index of the k-th pivot. */
export function minimumDegreeOrder(upper: CscMatrix): Int32Array {
  const n = upper.n;
  // Symmetric adjacency without the diagonal, as sorted arrays.
  const deg = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    for (let p = upper.colPtr[j]!; p < upper.colPtr[j + 1]!; p++) {
      const i = upper.rowIdx[p]!;
      if (i !== j) {
        deg[i]!++;
        deg[j]!++;
      }
    }
  }
  const adj: number[][] = Array.from({ length: n }, (_, v) => new Array<number>(deg[v]!));
  const fill = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    for (let p = upper.colPtr[j]!; p < upper.colPtr[j + 1]!; p++) {
      const i = upper.rowIdx[p]!;
      if (i !== j) {
        adj[i]![fill[i]!++] = j;
        adj[j]![fill[j]!++] = i;
      }
    }
  }
  for (let v = 0; v < n; v++) adj[v]!.sort((a, b) => a - b);

  // Supernodes: nodes with identical closed neighbourhoods are eliminated together.
  const rep = new Int32Array(n).fill(-1);
  const members: number[][] = [];
  const byKey = new Map<string, number>();
  for (let v = 0; v < n; v++) {
    const closed = adj[v]!.concat(v).sort((a, b) => a - b);
    const key = closed.join(',');
    const s = byKey.get(key);
    if (s === undefined) {
      byKey.set(key, v);
      rep[v] = v;
      members[v] = [v];
    } else {
      rep[v] = s;
      members[s]!.push(v);
    }
  }
  const weight = new Int32Array(n);
  const sadj: number[][] = Array.from({ length: n }, () => []);
  const mark = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    if (rep[v] !== v) continue;
    weight[v] = members[v]!.length;
    mark[v] = v;
    for (const w of adj[v]!) {
      const r = rep[w]!;
      if (mark[r] !== v) {
        mark[r] = v;
        sadj[v]!.push(r);
      }
    }
  }

  // Quotient graph: live variables keep variable neighbours (A) and element neighbours (E);
  // an eliminated variable becomes an element whose boundary L is the clique it created, so
  // elimination never writes cliques out explicitly (George & Liu; Amestoy, Davis & Duff 1996).
  const VARIABLE = 0;
  const ELEMENT = 1;
  const GONE = 2;
  const status = new Uint8Array(n).fill(GONE);
  const A: number[][] = Array.from({ length: n }, () => []);
  const E: number[][] = Array.from({ length: n }, () => []);
  const L: number[][] = Array.from({ length: n }, () => []);
  let live = 0;
  for (let v = 0; v < n; v++) {
    if (rep[v] !== v) continue;
    status[v] = VARIABLE;
    A[v] = sadj[v]!;
    live += weight[v]!;
  }
  const degree = new Float64Array(n);
  const heap = new MinHeap();
  for (let v = 0; v < n; v++) {
    if (status[v] !== VARIABLE) continue;
    let d = 0;
    for (const w of A[v]!) d += weight[w]!;
    degree[v] = d;
    heap.push(d, v);
  }
  const wval = new Float64Array(n);
  const wmark = new Int32Array(n).fill(-1);
  /** Live weight of an element's boundary, pruning variables eliminated since. */
  const boundaryWeight = (e: number) => {
    const kept = L[e]!.filter((v) => status[v] === VARIABLE);
    L[e] = kept;
    let w = 0;
    for (const v of kept) w += weight[v]!;
    return w;
  };

  const perm = new Int32Array(n);
  let k = 0;
  let stamp = n;
  while (heap.size > 0) {
    const [d, p] = heap.pop();
    if (status[p] !== VARIABLE || d !== degree[p]) continue; // stale entry
    for (const m of members[p]!) perm[k++] = m;
    live -= weight[p]!;
    // The new element's boundary: p's variable neighbours and the boundaries of its elements,
    // which p absorbs.
    stamp++;
    mark[p] = stamp;
    const Lp: number[] = [];
    let lpWeight = 0;
    const take = (v: number) => {
      if (status[v] === VARIABLE && mark[v] !== stamp) {
        mark[v] = stamp;
        Lp.push(v);
        lpWeight += weight[v]!;
      }
    };
    for (const v of A[p]!) take(v);
    for (const e of E[p]!) {
      if (status[e] !== ELEMENT) continue;
      for (const v of L[e]!) take(v);
      status[e] = GONE;
      L[e] = [];
    }
    status[p] = ELEMENT;
    L[p] = Lp;
    A[p] = [];
    E[p] = [];
    // |L_e \ L_p| for every element next to the boundary (AMD's w(e)).
    for (const i of Lp) {
      for (const e of E[i]!) {
        if (status[e] !== ELEMENT) continue;
        if (wmark[e] !== stamp) {
          wmark[e] = stamp;
          wval[e] = boundaryWeight(e);
        }
        wval[e] = wval[e]! - weight[i]!;
      }
    }
    for (const i of Lp) {
      // Elements entirely inside L_p are absorbed too (aggressive absorption).
      const elems = [p];
      let dE = 0;
      for (const e of E[i]!) {
        if (status[e] !== ELEMENT || e === p) continue;
        if (wval[e]! <= 0) {
          status[e] = GONE;
          L[e] = [];
          continue;
        }
        elems.push(e);
        dE += wval[e]!;
      }
      E[i] = elems;
      // Variable edges now covered by the element p are pruned.
      const vars: number[] = [];
      let dA = 0;
      for (const v of A[i]!) {
        if (status[v] === VARIABLE && mark[v] !== stamp) {
          vars.push(v);
          dA += weight[v]!;
        }
      }
      A[i] = vars;
      const external = lpWeight - weight[i]!;
      const approx = Math.min(degree[i]! + external, dA + external + dE, live - weight[i]!);
      degree[i] = approx;
      heap.push(approx, i);
    }
  }
  if (k !== n) throw new Error(`ordering covered ${k} of ${n} nodes`);
  return perm;
}

/** Binary min-heap of (key, node), ties broken by the smaller node for determinism. */
class MinHeap {
  private keys: number[] = [];
  private nodes: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, node: number): void {
    this.keys.push(key);
    this.nodes.push(node);
    let i = this.keys.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(i, p)) {
        this.swap(i, p);
        i = p;
      } else break;
    }
  }

  pop(): [number, number] {
    const top: [number, number] = [this.keys[0]!, this.nodes[0]!];
    const lastKey = this.keys.pop()!;
    const lastNode = this.nodes.pop()!;
    if (this.keys.length > 0) {
      this.keys[0] = lastKey;
      this.nodes[0] = lastNode;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let s = i;
        if (l < this.keys.length && this.less(l, s)) s = l;
        if (r < this.keys.length && this.less(r, s)) s = r;
        if (s === i) break;
        this.swap(i, s);
        i = s;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    return this.keys[a]! < this.keys[b]! || (this.keys[a] === this.keys[b] && this.nodes[a]! < this.nodes[b]!);
  }

  private swap(a: number, b: number): void {
    const k = this.keys[a]!;
    this.keys[a] = this.keys[b]!;
    this.keys[b] = k;
    const v = this.nodes[a]!;
    this.nodes[a] = this.nodes[b]!;
    this.nodes[b] = v;
  }
}
