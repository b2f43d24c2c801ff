// Batch verification of single Merkle proofs, for a participant's page that checks every one of
// its (hundreds of) trade proofs in the browser. It computes exactly what StandardMerkleTree.verify
// computes — leaf = keccak256(keccak256(abi.encode(values))), then sorted-pair hashing up to the
// root — but on bytes with a WebAssembly keccak (hash-wasm), about ten times faster than the
// reference, which goes through an ABI coder and hex strings for every hash. The reference stays
// the builder of the trees; test/fastVerify.test.ts checks that both agree, on good and bad proofs.
import { createKeccak } from 'hash-wasm';
import { type Hex, hexToBytes } from 'viem';
import { type ScheduleRow, scheduleRowValues, type TradeEntry, tradeLeafValues } from './leaves';

export interface ProofVerifier {
  schedule(root: Hex, epochId: number, row: ScheduleRow, proof: readonly Hex[]): boolean;
  trade(root: Hex, epochId: number, trade: TradeEntry, proof: readonly Hex[]): boolean;
}

/** A static ABI word: big-endian two's complement of `v` in 32 bytes. */
function putWord(buf: Uint8Array, slot: number, v: bigint): void {
  let x = v < 0n ? (1n << 256n) + v : v;
  for (let k = slot * 32 + 31; k >= slot * 32; k--) {
    buf[k] = Number(x & 0xffn);
    x >>= 8n;
  }
}

function lessThan(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

export async function createProofVerifier(): Promise<ProofVerifier> {
  const keccak = await createKeccak(256);
  const hash = (data: Uint8Array): Uint8Array => {
    keccak.init();
    keccak.update(data);
    return keccak.digest('binary');
  };
  const pair = new Uint8Array(64);
  const verify = (root: Hex, values: readonly (number | bigint)[], proof: readonly Hex[]): boolean => {
    if (!/^0x[0-9a-fA-F]{64}$/.test(root)) return false;
    const encoded = new Uint8Array(32 * values.length);
    values.forEach((v, i) => putWord(encoded, i, BigInt(v)));
    let node = hash(hash(encoded));
    for (const sibling of proof) {
      if (!/^0x[0-9a-fA-F]{64}$/.test(sibling)) return false;
      const s = hexToBytes(sibling);
      if (lessThan(node, s)) {
        pair.set(node, 0);
        pair.set(s, 32);
      } else {
        pair.set(s, 0);
        pair.set(node, 32);
      }
      node = hash(pair);
    }
    return equal(node, hexToBytes(root));
  };
  return {
    // A row's leaf abi-encodes (uint32, uint16, int32[24]): 26 static words.
    schedule: (root, epochId, row, proof) => verify(root, scheduleRowValues(epochId, row).flat(), proof),
    trade: (root, epochId, trade, proof) => verify(root, tradeLeafValues(epochId, trade), proof),
  };
}
