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
  const adj: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let j = 0; j < n; j++) {
    for (let p = upper.colPtr[j]!; p < upper.colPtr[j + 1]!; p++) {
      const i = upper.rowIdx[p]!;
      if (i !== j) {
        adj[i]!.add(j);
        adj[j]!.add(i);
      }
    }
  }

  // Supernodes: nodes with identical closed neighbourhoods are eliminated together.
  const rep = new Int32Array(n).fill(-1);
  const members: number[][] = [];
  const byKey = new Map<string, number>();
  for (let v = 0; v < n; v++) {
    const key = [...adj[v]!, v].sort((a, b) => a - b).join(',');
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
  const sadj: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let v = 0; v < n; v++) {
    if (rep[v] !== v) continue;
    weight[v] = members[v]!.length;
    for (const w of adj[v]!) {
      const r = rep[w]!;
      if (r !== v) sadj[v]!.add(r);
    }
  }

  const degree = new Float64Array(n);
  const alive = new Uint8Array(n);
  const heap = new MinHeap();
  for (let v = 0; v < n; v++) {
    if (rep[v] !== v) continue;
    alive[v] = 1;
    let d = weight[v]! - 1; // the other members of v's own supernode
    for (const w of sadj[v]!) d += weight[w]!;
    degree[v] = d;
    heap.push(d, v);
  }

  const perm = new Int32Array(n);
  let k = 0;
  while (heap.size > 0) {
    const [d, v] = heap.pop();
    if (!alive[v] || d !== degree[v]) continue; // stale entry
    alive[v] = 0;
    for (const m of members[v]!) perm[k++] = m;
    const nbrs = [...sadj[v]!];
    for (const a of nbrs) sadj[a]!.delete(v);
    // Eliminating v joins its neighbours into a clique.
    for (const a of nbrs) {
      const sa = sadj[a]!;
      for (const b of nbrs) if (b !== a) sa.add(b);
    }
    for (const a of nbrs) {
      let da = 0;
      for (const w of sadj[a]!) da += weight[w]!;
      da += weight[a]! - 1; // the other members of a's own supernode
      if (da !== degree[a]) {
        degree[a] = da;
        heap.push(da, a);
      }
    }
    sadj[v]!.clear();
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
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.nodes[a], this.nodes[b]] = [this.nodes[b]!, this.nodes[a]!];
  }
}
