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

/** When the smallest degree reaches this share of the remaining variables, the rest is ordered as one block, */
const DENSE_TAIL_DEGREE = 0.7;
/** if at least this many remain. */
const DENSE_TAIL_MIN = 48;

/** Returns perm with perm[k] = the original index of the k-th pivot. */
export function minimumDegreeOrder(upper: CscMatrix): Int32Array {
  const n = upper.n;
  // Symmetric adjacency without the diagonal (compressed rows).
  const adjPtr = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) {
    for (let p = upper.colPtr[j]!; p < upper.colPtr[j + 1]!; p++) {
      const i = upper.rowIdx[p]!;
      if (i !== j) {
        adjPtr[i + 1]!++;
        adjPtr[j + 1]!++;
      }
    }
  }
  for (let v = 0; v < n; v++) adjPtr[v + 1]! += adjPtr[v]!;
  const adj = new Int32Array(adjPtr[n]!);
  const fill = adjPtr.slice(0, n);
  for (let j = 0; j < n; j++) {
    for (let p = upper.colPtr[j]!; p < upper.colPtr[j + 1]!; p++) {
      const i = upper.rowIdx[p]!;
      if (i !== j) {
        adj[fill[i]!++] = j;
        adj[fill[j]!++] = i;
      }
    }
  }

  // Supernodes: nodes with identical closed neighbourhoods are eliminated together. Candidates
  // share a hash of the closed neighbourhood and its size; a marker array confirms equality.
  const rep = new Int32Array(n).fill(-1);
  const members: number[][] = [];
  const byHash = new Map<number, number[]>();
  const mark = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    let h = Math.imul(v + 1, 0x9e3779b1);
    for (let p = adjPtr[v]!; p < adjPtr[v + 1]!; p++) h = (h + Math.imul(adj[p]! + 1, 0x9e3779b1)) | 0;
    const size = adjPtr[v + 1]! - adjPtr[v]!;
    const key = (h >>> 0) * 1024 + (size % 1024);
    const bucket = byHash.get(key);
    let found = -1;
    if (bucket) {
      mark[v] = v;
      for (let p = adjPtr[v]!; p < adjPtr[v + 1]!; p++) mark[adj[p]!] = v;
      for (const s of bucket) {
        if (adjPtr[s + 1]! - adjPtr[s]! !== size || mark[s] !== v) continue;
        let same = true;
        for (let p = adjPtr[s]!; p < adjPtr[s + 1]! && same; p++) same = mark[adj[p]!] === v;
        if (same) {
          found = s;
          break;
        }
      }
    }
    if (found < 0) {
      if (bucket) bucket.push(v);
      else byHash.set(key, [v]);
      rep[v] = v;
      members[v] = [v];
    } else {
      rep[v] = found;
      members[found]!.push(v);
    }
  }
  mark.fill(-1);
  const weight = new Int32Array(n);
  const sadj: number[][] = Array.from({ length: n }, () => []);
  for (let v = 0; v < n; v++) {
    if (rep[v] !== v) continue;
    weight[v] = members[v]!.length;
    mark[v] = v;
    for (let p = adjPtr[v]!; p < adjPtr[v + 1]!; p++) {
      const r = rep[adj[p]!]!;
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
  const aLen = new Int32Array(n);
  const eLen = new Int32Array(n);
  let live = 0;
  for (let v = 0; v < n; v++) {
    if (rep[v] !== v) continue;
    status[v] = VARIABLE;
    A[v] = sadj[v]!;
    aLen[v] = A[v]!.length;
    live += weight[v]!;
  }
  // Degree lists (AMD's buckets): O(1) to move a variable, the minimum found by a moving pointer.
  const degree = new Int32Array(n);
  const head = new Int32Array(n + 1).fill(-1);
  const next = new Int32Array(n).fill(-1);
  const prev = new Int32Array(n).fill(-1);
  let minDegree = n;
  const insert = (v: number, d: number) => {
    degree[v] = d;
    const h = head[d]!;
    next[v] = h;
    prev[v] = -1;
    if (h >= 0) prev[h] = v;
    head[d] = v;
    if (d < minDegree) minDegree = d;
  };
  const remove = (v: number) => {
    const pv = prev[v]!;
    const nv = next[v]!;
    if (pv >= 0) next[pv] = nv;
    else head[degree[v]!] = nv;
    if (nv >= 0) prev[nv] = pv;
  };
  let variables = 0;
  for (let v = n - 1; v >= 0; v--) {
    if (status[v] !== VARIABLE) continue;
    let d = 0;
    for (let r = 0; r < aLen[v]!; r++) d += weight[A[v]![r]!]!;
    insert(v, d);
    variables++;
  }
  const wval = new Float64Array(n);
  const wmark = new Int32Array(n).fill(-1);
  // Weight of each element's boundary. A boundary never loses a variable while its element lives:
  // eliminating a variable absorbs every element around it, so the weight is fixed at creation.
  const elementWeight = new Float64Array(n);

  const perm = new Int32Array(n);
  let k = 0;
  let stamp = n;
  while (variables > 0) {
    while (head[minDegree]! < 0) minDegree++;
    if (minDegree >= DENSE_TAIL_DEGREE * (live - 1) && live >= DENSE_TAIL_MIN) {
      // Every remaining variable touches nearly all others: eliminating them in any order fills
      // the rest almost completely, which the factorization's dense block absorbs. Order them by
      // degree and stop; minimum degree would spend most of its time here for no saving.
      for (let d = minDegree; d <= n; d++) for (let v = head[d]!; v >= 0; v = next[v]!) for (const m of members[v]!) perm[k++] = m;
      break;
    }
    const p = head[minDegree]!;
    remove(p);
    variables--;
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
    const Ap = A[p]!;
    for (let r = 0; r < aLen[p]!; r++) take(Ap[r]!);
    const Ep = E[p]!;
    for (let r = 0; r < eLen[p]!; r++) {
      const e = Ep[r]!;
      if (status[e] !== ELEMENT) continue;
      for (const v of L[e]!) take(v);
      status[e] = GONE;
      L[e] = [];
    }
    status[p] = ELEMENT;
    L[p] = Lp;
    elementWeight[p] = lpWeight;
    A[p] = [];
    E[p] = [];
    aLen[p] = 0;
    eLen[p] = 0;
    if (lpWeight === live) {
      // Every remaining variable lies in the new element: the rest of the graph is a clique, which
      // fills completely in any order. Ordering it last as one block also lets the factorization
      // treat it as a dense trailing matrix.
      for (const v of Lp) for (const m of members[v]!) perm[k++] = m;
      break;
    }
    // |L_e \ L_p| for every element next to the boundary (AMD's w(e)).
    for (const i of Lp) {
      const Ei = E[i]!;
      for (let r = 0; r < eLen[i]!; r++) {
        const e = Ei[r]!;
        if (status[e] !== ELEMENT) continue;
        if (wmark[e] !== stamp) {
          wmark[e] = stamp;
          wval[e] = elementWeight[e]!;
        }
        wval[e] = wval[e]! - weight[i]!;
      }
    }
    for (const i of Lp) {
      // Elements entirely inside L_p are absorbed too (aggressive absorption); the list is
      // filtered in place and p appended.
      const Ei = E[i]!;
      let w = 0;
      let dE = 0;
      for (let r = 0; r < eLen[i]!; r++) {
        const e = Ei[r]!;
        if (status[e] !== ELEMENT || e === p) continue;
        if (wval[e]! <= 0) {
          status[e] = GONE;
          L[e] = [];
          continue;
        }
        Ei[w++] = e;
        dE += wval[e]!;
      }
      // Lengths are kept apart: truncating a JS array is a slow path in V8.
      if (w < Ei.length) Ei[w] = p;
      else Ei.push(p);
      eLen[i] = w + 1;
      // Variable edges now covered by the element p are pruned.
      const Ai = A[i]!;
      let a = 0;
      let dA = 0;
      for (let r = 0; r < aLen[i]!; r++) {
        const v = Ai[r]!;
        if (status[v] === VARIABLE && mark[v] !== stamp) {
          Ai[a++] = v;
          dA += weight[v]!;
        }
      }
      aLen[i] = a;
      const external = lpWeight - weight[i]!;
      const approx = Math.min(degree[i]! + external, dA + external + dE, live - weight[i]!);
      remove(i);
      insert(i, approx);
    }
  }
  if (k !== n) throw new Error(`ordering covered ${k} of ${n} nodes`);
  return perm;
}
