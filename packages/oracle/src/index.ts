// Public API of the oracle package: the read side (also its own entry point, `./read`) and the
// actions of each role (operator, agents, meters, relayer, settler, watcher) and the pipeline that
// composes them.
export * from './read';
export * from './chain/batching';
export * from './documents/server';
export * from './operator/registration';
export * from './operator/postEpoch';
export * from './agent/fund';
export * from './agent/withdraw';
export * from './meter/meters';
export * from './relayer/relay';
export * from './pipeline/faults';
export * from './pipeline/clock';
export * from './pipeline/report';
export * from './pipeline/pipeline';
