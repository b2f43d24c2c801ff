// Public API of the clearing package.
export * from './case/schema';
export * from './case/market';
export { dayVariant, generateCase } from './case/generator';
export { IEEE14_PLAN, IEEE33_PLAN } from './case/plans';
export * from './model/welfare';
export * from './solution';
export { solveCentralized, CentralizedError, describeInfeasibility } from './centralized/interiorPoint';
export { solveCentralizedHighs } from './centralized/highs';
export { runAdmm, runAdmmWith, createAgents, ADMM_DEFAULTS, type AdmmOptions, type AdmmProgress } from './admm/coordinator';
export type * from './admm/messages';
export { NetworkOperator } from './admm/operator';
export { HourProjection } from './admm/projection';
export * from './market/outputs';
export * from './market/rounding';
export * from './result/schema';
export * from './result/document';
export * from './thesis';
export { syntheticCase, type SyntheticSpec } from './case/synthetic';
