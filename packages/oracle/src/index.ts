// Public API of the oracle package.
export * from './context';
export * from './onchain';
export * from './store';
export * from './registration';
export * from './epoch';
export * from './epochData';
export * from './meters';
export * from './relay';
export * from './checks';
export * from './settlement';
export * from './dispute';
export * from './audit';
export * from './proof';
export * from './claim';
export * from './faults';
export * from './batching';
export * from './pipeline';
