// Public API of the errors package.
export { BaseError, type BaseErrorParameters, walk } from './base';
