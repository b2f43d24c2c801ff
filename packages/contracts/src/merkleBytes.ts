// The byte-level pieces of a StandardMerkleTree (OpenZeppelin's "standard-v1" format), shared by
// the tree builder (leaves.ts) and the batch proof verifier (fastVerify.ts): a leaf's static ABI
// words, the sorted-pair order of a node's children. The library goes through an ABI coder and hex
// strings for every hash, which is where most of the time of a 3,000-trade tree went.

/** Writes `v` as a static ABI word at `slot`: big-endian two's complement in 32 bytes. */
export function putWord(buf: Uint8Array, slot: number, v: bigint): void {
  let x = v < 0n ? (1n << 256n) + v : v;
  for (let k = slot * 32 + 31; k >= slot * 32; k--) {
    buf[k] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/** abi.encode of static values (uints, ints, fixed arrays of them flattened): one word each. */
export function encodeWords(values: readonly (number | bigint)[]): Uint8Array {
  const out = new Uint8Array(32 * values.length);
  values.forEach((v, i) => putWord(out, i, BigInt(v)));
  return out;
}

/** a < b as 32-byte big-endian numbers (the order in which a node's children are hashed). */
export function lessThan(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

export function equal32(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes the two children of a node into `pair` (64 bytes), the smaller first. */
export function sortedPair(pair: Uint8Array, a: Uint8Array, b: Uint8Array): Uint8Array {
  const [lo, hi] = lessThan(b, a) ? [b, a] : [a, b];
  pair.set(lo, 0);
  pair.set(hi, 32);
  return pair;
}
