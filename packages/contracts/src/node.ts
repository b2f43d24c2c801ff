// Node-only entry: local anvil and deployment through forge.
export * from './anvil';
export * from './deploy';
export * from './foundry';
