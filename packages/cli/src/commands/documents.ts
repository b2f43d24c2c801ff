// gridmarket documents: the operator's document store over HTTP (GET /documents/<hash>), so that
// auditors, participants and the web app on other machines fetch an epoch's document from the URI
// on chain. `gridmarket run --documents-url <url>` posts epochs with such URIs.
import path from 'node:path';
import type { Command } from 'commander';
import { DocumentStore, startDocumentServer } from '@gridmarket/oracle';
import { loadConfig } from '../config';
import { parseNumber } from '../io';

export function registerDocuments(program: Command): void {
  program
    .command('documents')
    .description("serve the work dir's document store over HTTP: GET /documents/<hash> answers the document's bytes")
    .option('--work-dir <dir>', 'the store to serve is <work-dir>/store (default .gridmarket)')
    .option('--config <file>', 'config file (default gridmarket.config.json if present)')
    .option('--port <port>', 'port to listen on (0: a free one)', '8600')
    .option('--host <host>', 'address to listen on (0.0.0.0 to serve other machines)', '127.0.0.1')
    .option('--json', 'print {"url": …} instead of a sentence')
    .addHelpText(
      'after',
      '\nReaders check every document against the hash on chain, so the server need not be trusted, only reachable. Stops on Ctrl-C.',
    )
    .action(async (opts: { workDir?: string; config?: string; port: string; host: string; json?: boolean }) => {
      const config = loadConfig({ workDir: opts.workDir, config: opts.config });
      const port = parseNumber('--port', opts.port, (v) => Number.isInteger(v) && v >= 0 && v < 65536, 'a port number (0 to 65535)');
      const dir = path.join(config.workDir, 'store');
      const server = await startDocumentServer(new DocumentStore(dir), { port, host: opts.host });
      process.stdout.write(opts.json ? `${JSON.stringify({ url: server.url, store: dir })}\n` : `documents: ${server.url}/documents/<hash> from ${dir} (Ctrl-C stops)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
