// The read side of the oracle, for auditors, participants and the web app: chain context,
// documents, epochs, readings, positions, trade statuses, proofs, audits, dispute calldata and
// claim plans. Nothing here imports the solvers or starts processes, so it can be bundled into a
// server that only reads (and prepares the transactions a user signs).
export * from './chain/context';
export * from './documents/store';
export * from './documents/onchain';
export * from './read/epoch';
export * from './read/epochData';
export * from './read/readings';
export * from './read/positions';
export * from './read/trades';
export * from './auditor/dispute';
export * from './auditor/audit';
export * from './auditor/tokenBooks';
export * from './participant/proof';
export * from './participant/claim';
export * from './settler/settle';
export * from './settler/settlePosted';
