// Public API of the oracle package: the read side (also its own entry point, `./read`), the
// actions of each role, one folder per role (operator, agent, meter, relayer, settler, auditor),
// and the pipeline that composes them into market days.
export * from './read';
export * from './chain/batching';
export * from './chain/deployment';
export * from './documents/server';
export * from './operator/clearDay';
export * from './operator/registration';
export * from './operator/postEpoch';
export * from './agent/owner';
export * from './agent/fund';
export * from './agent/depositForEpoch';
export * from './agent/withdraw';
export * from './meter/meters';
export * from './meter/simulatedKeys';
export * from './meter/readingOutcome';
export * from './relayer/relay';
export * from './relayer/expectedReadings';
export * from './relayer/signedByMeter';
export * from './auditor/watchEpoch';
export * from './pipeline/faults';
export * from './pipeline/clock';
export * from './pipeline/report';
export * from './pipeline/pipeline';
