// Public API of the oracle package: the read side (also its own entry point, `./read`) and what
// posts, meters, relays and runs the pipeline.
export * from './read';
export * from './registration';
export * from './meters';
export * from './relay';
export * from './faults';
export * from './batching';
export * from './pipeline';
