// A NATS connection that survives a server restart (it reconnects for `reconnectForMs`), and says
// clearly when the server cannot be reached at all.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NatsConnectionError } from './errors';

export async function connectNats(url: string, name: string, options: { reconnectForMs?: number; log?: (line: string) => void } = {}): Promise<NatsConnection> {
  const wait = 250;
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url, name, reconnectTimeWait: wait, maxReconnectAttempts: Math.ceil((options.reconnectForMs ?? 60_000) / wait), pingInterval: 10_000 });
  } catch (err) {
    throw new NatsConnectionError(`cannot connect to NATS at ${url}`, { cause: err });
  }
  if (options.log) {
    const log = options.log;
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') log(`NATS: disconnected from ${url}, reconnecting`);
        else if (s.type === 'reconnect') log(`NATS: reconnected to ${url}`);
      }
    })();
  }
  return nc;
}
