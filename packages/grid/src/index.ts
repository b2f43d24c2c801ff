// Public API of the grid package.
export * from './network';
export * from './builtin';
export * from './matpower';
