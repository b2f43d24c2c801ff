// Public API of the grid package.
export * from './errors';
export * from './network';
export * from './builtin';
export * from './matpower';
