// Browser-safe entry: generated ABIs, deployment schema, leaf encodings and meter typed data.
export * from './generated';
export * from './deployment';
export * from './leaves';
export * from './meterReading';
export * from './fastVerify';
export * from './positions';
