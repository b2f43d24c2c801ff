// Programmatic access to what the commands compute (used by tests and the bench).
export { compareTables } from './commands/compare';
export { summary } from './commands/clear';
export { table, writeFileAtomic } from './io';
