// Node-only entry: local anvil, deployment through forge, deployment files.
export * from './anvil';
export * from './deploy';
export * from './foundry';
export * from './deploymentFile';
