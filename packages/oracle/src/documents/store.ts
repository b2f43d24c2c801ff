// A content-addressed store of result documents: a local folder of files named by the keccak256 of
// their bytes. The epoch on chain carries the same hash and a URI: `gridmarket-store://<hash>` for a
// local run, or `<public URL>/documents/<hash>` when the operator serves the store over HTTP
// (documents/server.ts), so that an auditor anywhere fetches it. Whatever the URI, a reader checks
// the bytes against the hash on chain before using them.
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson, parseResult, type ResultDocument } from '@gridmarket/clearing/result';
import { type Hex, keccak256, toBytes } from 'viem';

export const STORE_SCHEME = 'gridmarket-store://';

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    message: string,
    /**
     * missing: no such document; tampered: its bytes do not hash to the committed hash (or there
     * are too many of them); unsupported: a URI scheme the store does not read; refused: a source
     * this reader does not fetch from (see DocumentSources).
     */
    readonly kind: 'missing' | 'tampered' | 'unsupported' | 'refused',
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

/** How long a document fetch over HTTP may take, and how large a document may be. */
const FETCH_TIMEOUT_MS = 15_000;
const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/** A keccak256 hash as the store names files: 0x and 64 lowercase hex digits. */
export const DOCUMENT_HASH = /^0x[0-9a-f]{64}$/;

/**
 * Where a reader fetches documents from. The URI comes from the chain, i.e. from whoever posted the
 * epoch: a server that reads for others (the web app) must not let that party make it fetch from
 * its own network, or read its files.
 */
export interface DocumentSources {
  /**
   * Origins (`http(s)://host:port`) documents may be fetched from; a redirect is then refused too.
   * Undefined: any (a command-line reader, fetching for its own user).
   */
  httpOrigins?: readonly string[];
  /** Whether `file://` URIs are read (default true). */
  files?: boolean;
}

export class DocumentStore {
  /**
   * @param dir The folder of documents.
   * @param publicUrl Where the operator serves this folder (documents/server.ts), e.g.
   *   `http://operator.example:8545`: documents stored here get `<publicUrl>/documents/<hash>` URIs.
   * @param sources Where `get` may fetch from besides this folder.
   */
  constructor(
    readonly dir: string,
    readonly publicUrl?: string,
    readonly sources: DocumentSources = {},
  ) {}

  /** The file of a document, or undefined for a name that is not a hash (no path escapes the folder). */
  fileOf(hash: string): string | undefined {
    const h = hash.toLowerCase();
    return DOCUMENT_HASH.test(h) ? path.join(this.dir, `${h}.json`) : undefined;
  }

  /** Stores a document (atomically) and returns its hash and URI. */
  put(doc: ResultDocument): { hash: Hex; uri: string; file: string } {
    const bytes = documentBytes(doc);
    const hash = keccak256(bytes);
    const file = this.fileOf(hash)!;
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
    const uri = this.publicUrl ? `${this.publicUrl.replace(/\/+$/, '')}/documents/${hash}` : `${STORE_SCHEME}${hash}`;
    return { hash, uri, file };
  }

  /**
   * Fetches a document by URI (`gridmarket-store://<hash>` from this folder, `file://…`, or
   * `http(s)://…` from any server) and checks it against the expected hash (the one on chain): a
   * tampered or substituted document is refused, wherever it came from.
   */
  async get(uri: string, expectedHash: Hex): Promise<ResultDocument> {
    const bytes = await this.fetchBytes(uri);
    const actual = keccak256(bytes);
    if (actual.toLowerCase() !== expectedHash.toLowerCase()) {
      throw new StoreError(`document ${uri} does not match the chain: its hash is ${actual}, the epoch commits to ${expectedHash}`, 'tampered');
    }
    return parseResult(JSON.parse(Buffer.from(bytes).toString('utf8')));
  }

  private async fetchBytes(uri: string): Promise<Uint8Array> {
    if (uri.startsWith('http://') || uri.startsWith('https://')) {
      const allowed = this.sources.httpOrigins;
      if (allowed) {
        let origin: string;
        try {
          origin = new URL(uri).origin;
        } catch {
          throw new StoreError(`document URI ${uri} is not a valid URL`, 'unsupported');
        }
        if (!allowed.includes(origin)) throw new StoreError(`document ${uri} is not fetched: ${origin} is not among the document origins this reader trusts (${allowed.join(', ') || 'none'})`, 'refused');
      }
      return fetchOverHttp(uri, allowed ? 'error' : 'follow');
    }
    let file: string | undefined;
    if (uri.startsWith(STORE_SCHEME)) file = this.fileOf(uri.slice(STORE_SCHEME.length));
    else if (uri.startsWith('file://')) {
      if (this.sources.files === false) throw new StoreError(`document ${uri} is not read: this reader reads no file:// URIs`, 'refused');
      file = new URL(uri).pathname;
    } else throw new StoreError(`unsupported document URI ${uri} (gridmarket-store://, file:// and http(s):// are read)`, 'unsupported');
    if (!file) throw new StoreError(`document ${uri} not found: ${uri.slice(STORE_SCHEME.length)} is not a document hash`, 'missing');
    return readDocumentFile(uri, file);
  }
}

/** A document file: a regular file (not a device or a pipe that never ends) of at most the cap. */
function readDocumentFile(uri: string, file: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    throw new StoreError(`document ${uri} not found (looked for ${file})`, 'missing');
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new StoreError(`document ${uri} is not a regular file`, 'missing');
    if (st.size > MAX_DOCUMENT_BYTES) throw new StoreError(`document ${uri} is larger than the ${MAX_DOCUMENT_BYTES} bytes a document may have (${st.size} bytes)`, 'tampered');
    const bytes = Buffer.alloc(st.size);
    let read = 0;
    while (read < st.size) {
      const n = readSync(fd, bytes, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

async function fetchOverHttp(uri: string, redirect: 'error' | 'follow'): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(uri, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (redirect === 'error' && /redirect/i.test(cause?.message ?? '')) throw new StoreError(`document ${uri} is not fetched: the server redirects, and this reader follows no redirects`, 'refused');
    throw new StoreError(`document ${uri} could not be fetched: ${cause?.code ?? (err as Error).message}`, 'missing');
  }
  if (response.status === 404) throw new StoreError(`document ${uri} not found (the server answered 404)`, 'missing');
  if (!response.ok) throw new StoreError(`document ${uri} could not be fetched: the server answered ${response.status}`, 'missing');
  const tooLarge = (detail = '') => new StoreError(`document ${uri} is larger than the ${MAX_DOCUMENT_BYTES} bytes a document may have${detail}`, 'tampered');
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_DOCUMENT_BYTES) throw tooLarge(` (${declared} bytes)`);
  // Read in chunks and stopped at the cap: a server that sends without end (or lies about the
  // length) cannot fill the reader's memory.
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (let r = await reader?.read(); reader && r && !r.done; r = await reader.read()) {
    size += r.value.length;
    if (size > MAX_DOCUMENT_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks);
}
