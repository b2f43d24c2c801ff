// One scale measurement, run in its own process so that its peak RSS is its own: builds the
// `synthetic:N` case (outside the timing; --battery-share overrides its 10% of sellers with batteries), runs ADMM with the network enforced, and prints one JSON
// line. Each endpoint is wrapped to time its local solves (battery sellers apart), so the wall time
// splits into local solves and the rest (operator and coordinator). The implementation is imported
// from --src (default: this package), so that the bench can measure another revision in the same run.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AgentEndpoint } from '../src/index';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const agents = Number(arg('--agents'));
const batteryShare = arg('--battery-share');
const src = arg('--src') ?? new URL('../src/index.ts', import.meta.url).pathname;
const lib = (await import(pathToFileURL(path.resolve(src)).href)) as typeof import('../src/index');

const tBuild = performance.now();
const market = lib.buildMarket(lib.syntheticCase({ buses: 120, agents, ...(batteryShare !== undefined ? { batteryShare: Number(batteryShare) } : {}) }));
const buildMs = performance.now() - tBuild;
const localMs = { battery: 0, closedForm: 0 };
// Battery solves, and those that ended on the last active set without an ADMM iteration (the QP's activeSetStart).
const batterySolves = { all: 0, withoutAdmm: 0 };
const timedEndpoint = (agent: AgentEndpoint): AgentEndpoint => {
  const kind = market.agents[agent.index]!.hasStorage ? 'battery' : 'closedForm';
  return {
    index: agent.index,
    propose: (r) => {
      const t = performance.now();
      const offer = agent.propose(r);
      localMs[kind] += performance.now() - t;
      if (kind === 'battery') {
        batterySolves.all++;
        if ((agent as { lastInnerIterations?: number }).lastInnerIterations === 0) batterySolves.withoutAdmm++;
      }
      return offer;
    },
    accept: (c) => agent.accept(c),
    rescale: (r) => agent.rescale(r),
    report: (rho) => agent.report(rho),
  };
};
let firstIterationMs = NaN;
const t0 = performance.now();
const run = lib.runAdmmWith(lib.createAgents(market).map(timedEndpoint), market, {
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
    batteries: market.agents.filter((a) => a.hasStorage).length,
    lines: market.network.lines.length,
    buildMs,
    wallMs,
    firstIterationMs,
    batteryMs: localMs.battery,
    closedFormMs: localMs.closedForm,
    batterySolves: batterySolves.all,
    batterySolvesWithoutAdmm: batterySolves.withoutAdmm,
    iterations,
    status: run.admm!.status,
    welfareUsd: run.welfareUsd,
    usPerAgentIteration: (wallMs * 1000) / (agents * iterations),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
