// One scale measurement, run in its own process so that its peak RSS is its own: builds the
// synthetic case with N agents (outside the timing), runs ADMM with the network enforced, and prints
// one JSON line. The implementation is imported from --src (default: this package's src/index.ts),
// so that the bench can measure another revision of the package in the same run.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const agents = Number(arg('--agents'));
const src = arg('--src') ?? new URL('../src/index.ts', import.meta.url).pathname;
const lib = (await import(pathToFileURL(path.resolve(src)).href)) as typeof import('../src/index');

const tBuild = performance.now();
const market = lib.buildMarket(lib.syntheticCase({ buses: 120, agents }));
const buildMs = performance.now() - tBuild;
let firstIterationMs = NaN;
const t0 = performance.now();
const run = lib.runAdmm(market, {
  constrained: true,
  onIteration: (p) => {
    if (p.iteration === 1) firstIterationMs = performance.now() - t0;
  },
});
const wallMs = performance.now() - t0;
const iterations = run.admm!.iterations;
process.stdout.write(
  `${JSON.stringify({
    agents,
    lines: market.network.lines.length,
    buildMs,
    wallMs,
    firstIterationMs,
    iterations,
    status: run.admm!.status,
    welfareUsd: run.welfareUsd,
    usPerAgentIteration: (wallMs * 1000) / (agents * iterations),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
