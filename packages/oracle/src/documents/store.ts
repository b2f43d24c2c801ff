// A content-addressed store of result documents: a local folder of files named by the keccak256 of
// their bytes. The epoch on chain carries the same hash and a `gridmarket-store://<hash>` URI, so
// anyone holding the folder (or a copy of the file) can fetch the document and check it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson, parseResult, type ResultDocument } from '@gridmarket/clearing/result';
import { type Hex, keccak256, toBytes } from 'viem';

export const STORE_SCHEME = 'gridmarket-store://';

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    message: string,
    /** missing: no such document; tampered: its bytes do not hash to the committed hash. */
    readonly kind: 'missing' | 'tampered' | 'unsupported',
  ) {
    super(message);
  }
}

/** The bytes a document is stored as: canonical JSON (sorted keys), so equal documents hash equally. */
export function documentBytes(doc: ResultDocument): Uint8Array {
  return toBytes(canonicalJson(doc));
}

export function documentHash(doc: ResultDocument): Hex {
  return keccak256(documentBytes(doc));
}

export class DocumentStore {
  constructor(readonly dir: string) {}

  private fileOf(hash: Hex): string {
    return path.join(this.dir, `${hash.toLowerCase()}.json`);
  }

  /** Stores a document (atomically) and returns its hash and URI. */
  put(doc: ResultDocument): { hash: Hex; uri: string; file: string } {
    const bytes = documentBytes(doc);
    const hash = keccak256(bytes);
    const file = this.fileOf(hash);
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
    return { hash, uri: `${STORE_SCHEME}${hash}`, file };
  }

  /**
   * Fetches a document by URI (`gridmarket-store://<hash>` or `file://…`) and checks it against the
   * expected hash (the one on chain): a tampered or substituted document is refused.
   */
  get(uri: string, expectedHash: Hex): ResultDocument {
    let file: string;
    if (uri.startsWith(STORE_SCHEME)) file = this.fileOf(uri.slice(STORE_SCHEME.length) as Hex);
    else if (uri.startsWith('file://')) file = new URL(uri).pathname;
    else throw new StoreError(`unsupported document URI ${uri}`, 'unsupported');
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new StoreError(`document ${uri} not found (looked for ${file})`, 'missing');
    }
    const actual = keccak256(bytes);
    if (actual.toLowerCase() !== expectedHash.toLowerCase()) {
      throw new StoreError(`document ${uri} does not match the chain: its hash is ${actual}, the epoch commits to ${expectedHash}`, 'tampered');
    }
    return parseResult(JSON.parse(Buffer.from(bytes).toString('utf8')));
  }
}
