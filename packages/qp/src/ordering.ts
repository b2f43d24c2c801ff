// Fill-reducing ordering for the LDLᵀ factorization: minimum degree on the elimination graph,
// after merging indistinguishable nodes (identical closed neighbourhoods) into supernodes.
//
// KKT matrices of market problems are full of indistinguishable nodes (every agent's variable in
// an hour touches the same balance and line rows), so the merge turns thousands of nodes into a
// few dozen supernodes and keeps the explicit clique updates cheap. This is the classical
// minimum-degree heuristic (Tinney–Walker scheme 2; George & Liu), not AMD's approximate degree.
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

  const degree = new Float64Array(n);
  const alive = new Uint8Array(n);
  const heap = new MinHeap();
  const degreeOf = (v: number) => {
    let d = weight[v]! - 1; // the other members of v's own supernode
    for (const w of sadj[v]!) d += weight[w]!;
    return d;
  };
  for (let v = 0; v < n; v++) {
    if (rep[v] !== v) continue;
    alive[v] = 1;
    degree[v] = degreeOf(v);
    heap.push(degree[v]!, v);
  }

  const perm = new Int32Array(n);
  let k = 0;
  let stamp = n;
  while (heap.size > 0) {
    const [d, v] = heap.pop();
    if (!alive[v] || d !== degree[v]) continue; // stale entry
    alive[v] = 0;
    for (const m of members[v]!) perm[k++] = m;
    const nbrs = sadj[v]!;
    // Eliminating v joins its neighbours into a clique: adj(a) ← adj(a) ∪ nbrs \ {a, v}.
    for (const a of nbrs) {
      stamp++;
      const next: number[] = [];
      for (const w of sadj[a]!) {
        if (w !== v && mark[w] !== stamp) {
          mark[w] = stamp;
          next.push(w);
        }
      }
      for (const b of nbrs) {
        if (b !== a && mark[b] !== stamp) {
          mark[b] = stamp;
          next.push(b);
        }
      }
      sadj[a] = next;
    }
    for (const a of nbrs) {
      const da = degreeOf(a);
      if (da !== degree[a]) {
        degree[a] = da;
        heap.push(da, a);
      }
    }
    sadj[v] = [];
  }
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
