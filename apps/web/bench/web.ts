// Web benchmark, on the production build and the scenario's 14-bus days: how soon the epoch detail
// page is interactive (hydrated) and its figures on screen drawn and answering the pointer, on a
// first visit (empty cache) and on later visits; how long the browser takes to verify all of a
// participant's proofs; and the WebAssembly verifier against the reference StandardMerkleTree.verify,
// as a ratio in one run. With `--baseline DIR` (another checkout's apps/web, dependencies installed)
// that revision is built, served on the same chain and measured in the same run, visit for visit
// alternately with this one. Prints a table and writes bench-results/web.md.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { markdownTable, writeReport } from '@gridmarket/bench';
import { createProofVerifier, verifyTradeLeaf } from '@gridmarket/contracts';
import { ChainContext, DocumentStore, loadEpochData } from '@gridmarket/oracle';
import type { Browser } from 'playwright-core';
import type { Hex } from 'viem';
import { openParticipant } from '../e2e/pages';
import { EPOCHS } from '../e2e/scenario';
import { startStack } from '../e2e/stack';
import { ensureBuilt, serveApp } from '../serve/index';

const RUNS = 5;
const { values: args } = parseArgs({ options: { baseline: { type: 'string' } } });
const baselineDir = args.baseline ? path.resolve(process.env.INIT_CWD ?? process.cwd(), args.baseline) : undefined;

// In the page's own clock: when every figure in the first viewport has its chart drawn (an SVG in
// its section, whichever library made it), taken after the next frame has been produced; and when
// each of them answers the pointer (a chart drawn by client code does from the moment it is drawn,
// a server-drawn one once its hover island has hydrated).
const WATCH_FIGURES = `
  window.__drawn = 0; window.__interactive = 0;
  const onScreen = () => [...document.querySelectorAll("section[data-testid^=fig-]")].filter((s) => s.getBoundingClientRect().top < innerHeight);
  const t = setInterval(() => {
    const f = onScreen();
    if (f.length === 0) return;
    if (!window.__drawing && f.every((s) => s.querySelector("svg"))) {
      window.__drawing = true;
      requestAnimationFrame(() => setTimeout(() => { window.__drawn = performance.now(); }, 0));
    }
    if (window.__drawn && f.every((s) => s.querySelector(".recharts-surface, .plot-area[data-hover-ready]"))) {
      window.__interactive = Math.max(performance.now(), window.__drawn);
      clearInterval(t);
    }
  }, 5);`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Visit {
  hydrated: number;
  drawn: number;
  interactive: number;
}

async function epochDetail(browser: Browser, url: string, fresh: boolean): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(WATCH_FIGURES);
    if (!fresh) await page.goto(`${url}/epochs/${EPOCHS.settled}`); // warms the cache
    await page.goto(`${url}/epochs/${EPOCHS.settled}`);
    await page.waitForFunction('window.__interactive > 0 && document.documentElement.dataset.hydrated', undefined, { timeout: 30_000 });
    return {
      hydrated: Number(await page.evaluate('document.documentElement.dataset.hydrated')),
      drawn: Number(await page.evaluate('window.__drawn')),
      interactive: Number(await page.evaluate('window.__interactive')),
    };
  } finally {
    await context.close();
  }
}

const stack = await startStack((l) => process.stderr.write(l));
const rows: string[][] = [];
const ms = (v: number) => `${v < 100 ? v.toFixed(1) : Math.round(v)} ms`;
try {
  const { browser } = stack;
  const url = stack.app.url;
  let baseline: Awaited<ReturnType<typeof serveApp>> | undefined;
  if (baselineDir) {
    await ensureBuilt((l) => process.stderr.write(l), baselineDir);
    baseline = await serveApp({ rpcUrl: stack.scenario.rpcUrl, workDir: stack.scenario.workDir, webDir: baselineDir, documentOrigins: [stack.scenario.documentsUrl] });
  }
  const visits = { cold: [] as Visit[], warm: [] as Visit[], baseCold: [] as Visit[], baseWarm: [] as Visit[] };
  try {
    for (let i = 0; i < RUNS; i++) {
      visits.cold.push(await epochDetail(browser, url, true));
      if (baseline) visits.baseCold.push(await epochDetail(browser, baseline.url, true));
      visits.warm.push(await epochDetail(browser, url, false));
      if (baseline) visits.baseWarm.push(await epochDetail(browser, baseline.url, false));
    }
  } finally {
    await baseline?.stop();
  }
  const within = (label: string, value: number, limit: number, base?: number) =>
    rows.push([label, ms(value), ...(baseline ? [base === undefined ? '—' : ms(base)] : []), limit ? `≤ ${limit.toLocaleString('en-US')} ms` : '—', limit ? (value <= limit ? 'yes' : 'no') : '—']);
  const measure = (label: string, of: (v: Visit) => number, cold: boolean) => {
    const mine = cold ? visits.cold : visits.warm;
    const base = cold ? visits.baseCold : visits.baseWarm;
    within(label, median(mine.map(of)), 1500, base.length ? median(base.map(of)) : undefined);
  };
  measure('epoch detail, first visit (empty cache): interactive', (v) => v.hydrated, true);
  measure('epoch detail, first visit: figures on screen drawn', (v) => v.drawn, true);
  measure('epoch detail, first visit: figures on screen answer the pointer', (v) => v.interactive, true);
  measure('epoch detail, later visit: interactive', (v) => v.hydrated, false);
  measure('epoch detail, later visit: figures on screen drawn', (v) => v.drawn, false);
  measure('epoch detail, later visit: figures on screen answer the pointer', (v) => v.interactive, false);

  // Every proof of the participant with the most trades, verified in the page.
  const ctx = new ChainContext({ rpcUrl: stack.scenario.rpcUrl, deployment: stack.scenario.deployment });
  const { onchain, epoch } = await loadEpochData(ctx, new DocumentStore(path.join(stack.scenario.workDir, 'store')), EPOCHS.settled);
  const count = new Map<number, number>();
  for (const t of onchain.trades) for (const a of [t.seller, t.buyer]) count.set(a, (count.get(a) ?? 0) + 1);
  const [busiest, trades] = [...count].filter(([a]) => a !== onchain.agentIds[0]).sort((a, b) => b[1] - a[1])[0]!;
  const inBrowser = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage();
    await openParticipant(page, url, busiest, EPOCHS.settled);
    inBrowser.push(Number((await page.locator('[data-testid=proofs-time]').textContent())!.match(/([\d.]+) ms/)![1]));
    await page.close();
  }
  within(`all proofs of agent ${busiest} (${trades} trades + the schedule row), in the browser`, median(inBrowser), 100);

  // The same verification in Node: the WebAssembly verifier vs the reference, one run, as a ratio.
  const mine = onchain.trades.flatMap((t, i) => (t.seller === busiest || t.buyer === busiest ? [{ t, proof: onchain.tradeTree!.getProof(i) as Hex[] }] : []));
  const verifier = await createProofVerifier();
  const time = (f: () => void) => {
    const t0 = performance.now();
    for (let r = 0; r < RUNS; r++) f();
    return (performance.now() - t0) / RUNS;
  };
  const fast = time(() => mine.forEach(({ t, proof }) => verifier.trade(epoch.tradeRoot, EPOCHS.settled, t, proof) || assertFail()));
  const reference = time(() => mine.forEach(({ t, proof }) => verifyTradeLeaf(epoch.tradeRoot, EPOCHS.settled, t, proof) || assertFail()));
  rows.push([`${mine.length} trade proofs in Node: WebAssembly verifier / StandardMerkleTree.verify`, `${fast.toFixed(1)} ms / ${reference.toFixed(1)} ms (${(reference / fast).toFixed(1)}× faster)`, ...(baselineDir ? ['—'] : []), '—', '—']);
} finally {
  await stack.stop();
}

function assertFail(): never {
  throw new Error('a proof did not verify');
}

const headers = ['measure', `median of ${RUNS}`, ...(baselineDir ? [`baseline (${path.basename(path.dirname(path.dirname(baselineDir)))}), same run`] : []), 'target', 'met'];
const text = [
  '# Web benchmark',
  '',
  'Production build served by `next start`, headless Debian chromium, the scenario of the browser tests (14-bus days).',
  '"Interactive": React has hydrated the page. "Figures on screen drawn": every figure in the first viewport (1360×900) has its chart',
  'and a frame has been produced since; "answer the pointer": hovering shows their values. A first visit starts with an empty browser cache.',
  'The 1.5 s target of the product is interactivity; the figures are held to it too.',
  ...(baselineDir ? ['', `Baseline: ${baselineDir}, built and served on the same chain, its visits alternating with this revision's.`] : []),
  '',
  markdownTable(headers, rows),
].join('\n');
writeReport('bench-results/web.md', text);
