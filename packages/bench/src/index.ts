export { rng } from './rng';
export { markdownTable, writeReport } from './report';
