// Where ADMM at scale allocates: V8's sampling heap profiler over one run on `synthetic:N`, objects
// collected by the garbage collector included, summed by the function that allocated them. Peak RSS
// at scale is set by this churn (objects that outlive a round are promoted and wait for a major
// GC), not by what stays alive; this says which code to make allocation-free first.
//   tsx bench/allocations.ts [--agents 3000] [--top 20]
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { buildMarket, createAgents, runAdmmWith, syntheticCase } from '../src/index';

const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { agents: { type: 'string', default: '3000' }, top: { type: 'string', default: '20' } } });
const agents = Number(values.agents);
const top = Number(values.top);
if (!Number.isInteger(agents) || agents < 10) throw new Error(`--agents must be an integer ≥ 10, got "${values.agents}"`);
if (!Number.isInteger(top) || top < 1) throw new Error(`--top must be a positive integer, got "${values.top}"`);

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const market = buildMarket(syntheticCase({ buses: 120, agents }));
const endpoints = createAgents(market);
const session = new Session();
session.connect();
// The two include… flags keep samples of objects the GC has since collected: the churn, not only the survivors.
await session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
const run = runAdmmWith(endpoints, market, { constrained: true });
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
session.disconnect();

const bySite = new Map<string, number>();
const visit = (n: ProfileNode) => {
  const f = n.callFrame;
  const site = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  if (n.selfSize) bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
  for (const c of n.children) visit(c);
};
visit(profile.head);
const total = [...bySite.values()].reduce((a, b) => a + b, 0);
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
process.stdout.write(`synthetic:${agents}, ${run.admm!.iterations} iterations: ${mb(total)} MB allocated (sampled)\n\n`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`${mb(bytes).padStart(8)} MB  ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${site}\n`);
}
