// Public API of the net package: clearing across machines over NATS.
export * from './protocol';
export * from './schedule';
export { ZeroAgent } from './standIn';
export { DEFAULT_FAULT_POLICY, EpochRestart, type ExclusionReason, type FaultPolicy, OperatorSession, type WireStats } from './operatorSession';
export { AgentHost, type AgentHostOptions, type AgentState, type EpochEnd, type HostedAgent, type HostedStatus } from './agentHost';
export { nextSession, runOperatorEpoch, type OperatorEpochOptions, type OperatorEpochResult, type OperatorStatus } from './operator';
export * from './files';
export * from './errors';
export { connectNats } from './connect';
export { type AgentLauncher, clearOverNats, type HostedAgents, type SplitForHosting } from './local';
export { checkPostedSchedule, type ScheduleCheck } from './check';
export * from './readings';
