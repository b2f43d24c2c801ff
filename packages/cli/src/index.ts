// Programmatic access to what the commands compute and how they fail (tests, the bench).
export { compareTables } from './commands/compare';
export { summary } from './commands/clear';
export { CliError, OutputPathError, UsageError } from './errors';
export { EXIT_CODES, ExitCode, exitCodeIn } from './exitCodes';
export { table } from './io';
export { checkOutputPath, writeOutput } from './output';
