// The read side of the oracle, for auditors and the web app: chain context, documents, epochs,
// proofs, statuses and audits. Nothing here imports the solvers or starts processes, so it can be
// bundled into a server that only reads (and sends the transactions a user signs).
export * from './context';
export * from './store';
export * from './epoch';
export * from './epochData';
export * from './onchain';
export * from './checks';
export * from './settlement';
export * from './dispute';
export * from './audit';
export * from './proof';
export * from './claim';
