// The operator's document store over HTTP: `GET /documents/<hash>` answers the stored bytes, so
// that an auditor, a participant or the web app anywhere can fetch an epoch's document from the URI
// on chain. The server only reads the folder; readers check the bytes against the hash on chain
// (DocumentStore.get), so it need not be trusted, only reachable.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DocumentStore } from './store';

export interface DocumentServer {
  /** Base URL, e.g. http://127.0.0.1:8600 (documents under /documents/<hash>). */
  url: string;
  server: Server;
  close(): Promise<void>;
}

export interface DocumentServerOptions {
  /** 0 picks a free port. */
  port?: number;
  /** 127.0.0.1 by default; 0.0.0.0 to serve other machines. */
  host?: string;
}

const ROUTE = /^\/documents\/([^/?#]+)$/;

export async function startDocumentServer(store: DocumentStore, options: DocumentServerOptions = {}): Promise<DocumentServer> {
  const server = createServer((req, res) => {
    const send = (status: number, message: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${message}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(405, `${req.method} is not served: documents are read with GET`);
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = ROUTE.exec(path);
    if (!match) return send(404, 'not found: documents are at /documents/<0x-prefixed keccak256 hash>');
    const file = store.fileOf(match[1]!);
    if (!file) return send(400, `${match[1]} is not a document hash (0x and 64 hex digits)`);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return send(404, `no document ${match[1]} in this store`);
    }
    // Content-addressed: a document never changes under its name.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': size, 'cache-control': 'public, max-age=31536000, immutable' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
