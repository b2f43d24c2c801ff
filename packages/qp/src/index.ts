// Public API of the QP package.
export * from './csc';
export { Osqp } from './osqp';
export { DEFAULT_SETTINGS, type Settings } from './settings';
export * from './types';
export * from './errors';
export { QuasiDefiniteSystem } from './linsys';
export { solveIpm, DEFAULT_IPM_SETTINGS, type IpmProblem, type IpmResult, type IpmSettings, type IpmStatus, type InfeasibilityCertificate, type SeparableObjective } from './ipm';
