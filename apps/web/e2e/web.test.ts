// The app in a real browser (Debian's chromium, headless) against its production build, on a local
// chain after the pipeline ran the scenario's four days (see scenario.ts).
import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatUsd } from '@gridmarket/clearing/money';
import { clearingLedgerAbi, settlementAbi, settlementTokenAbi, settlePosition } from '@gridmarket/contracts';
import { ChainContext, DocumentStore, loadEpochData, readStoredReadings } from '@gridmarket/oracle';
import type { Page } from 'playwright-core';
import { serveApp } from '../serve/index';
import { connectDevAccount, drawAllFigures, openParticipant } from './pages';
import { EPOCHS } from './scenario';
import { collectErrors, type Stack, startStack } from './stack';

let stack: Stack;
let ctx: ChainContext;

before(async () => {
  stack = await startStack((l) => process.stderr.write(l));
  ctx = new ChainContext({ rpcUrl: stack.scenario.rpcUrl, deployment: stack.scenario.deployment });
});
after(async () => {
  await stack?.stop();
});

async function open(page: Page, route: string): Promise<void> {
  await page.goto(`${stack.app.url}${route}`);
  await page.waitForFunction(() => document.documentElement.dataset.hydrated !== undefined);
}

describe('every page', () => {
  it('renders without console errors, with its content', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1360, height: 900 } });
    const errors = collectErrors(page);
    await open(page, '/');
    assert.equal(await page.locator('[data-testid^=epoch-row-]').count(), 4);
    assert.deepEqual(await page.locator('[data-testid=epoch-status]').allTextContents(), ['challenge window', 'challenge window', 'posted', 'settled']);

    for (const id of [EPOCHS.settled, EPOCHS.claimable, EPOCHS.corrupt]) {
      await open(page, `/epochs/${id}`);
      assert.equal(await drawAllFigures(page), 8);
    }
    for (const route of ['/participant', '/auditor', '/operator']) await open(page, route);
    assert.equal(await page.locator('[data-testid=operator-epochs] tbody tr').count(), 4);
    assert.ok(Number((await page.locator('[data-testid=gas-total]').textContent())!.replace(/,/g, '')) > 1_000_000);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('a participant', () => {
  it('opens its trades, sees every proof verified, claims, and its token balance rises by exactly its position', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1360, height: 900 } });
    const errors = collectErrors(page);
    const agentId = 1; // S1, a seller
    await openParticipant(page, stack.app.url, agentId, EPOCHS.claimable);
    const [verified, total] = (await page.locator('[data-testid=proofs-verified]').textContent())!.split(' / ').map(Number);
    const rows = await page.locator('[data-testid=trades] tbody tr').count();
    assert.ok(rows > 100, `${rows} trades`);
    assert.equal(total, rows + 1); // the schedule row and every trade
    assert.equal(verified, total);
    assert.equal(await page.locator('[data-testid=trades] .badge', { hasText: 'NOT verified' }).count(), 0);

    const owner = (await page.locator('[data-testid=wallet-address]').textContent()) as `0x${string}`;
    const balance = () => ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [owner] });
    const before = await balance();
    const shownBefore = await page.locator('[data-testid=token-balance]').textContent();
    await page.click('[data-testid=claim]');
    await page.waitForSelector('[data-testid=claim-success]', { timeout: 120_000 });
    await page.waitForFunction((old) => document.querySelector('[data-testid=token-balance]')?.textContent !== old, shownBefore);

    const { onchain, epoch } = await loadEpochData(ctx, new DocumentStore(path.join(stack.scenario.workDir, 'store')), EPOCHS.claimable);
    const readings = await readStoredReadings(ctx, EPOCHS.claimable, [agentId]);
    const k = onchain.agentIds.indexOf(agentId);
    const p = settlePosition({ mode: onchain.mode, isGrid: false, toleranceWh: epoch.toleranceWh, row: onchain.rows[k]!, measured: readings.get(agentId)?.energyWh, tariff: onchain.tariff });
    assert.ok(p.credit > 0n);
    assert.equal((await balance()) - before, p.credit + p.surplusCredit - p.shortfallCharge);
    assert.equal(await ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'isSettled', args: [EPOCHS.claimable, agentId] }), true);
    assert.equal((await ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'accountOf', args: [agentId] })).available, 0n);
    assert.equal(await page.locator('[data-testid=claimable]').textContent(), '$0.00');
    assert.ok(await page.locator('[data-testid=claim]').isDisabled());
    assert.match((await page.locator('[data-testid=claim-why]').textContent())!, /^Nothing to claim: this agent's position in epoch \d+ is settled/);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('an auditor', () => {
  it('verifies a good epoch, sees a corrupted one fail, and voids it with a dispute from the page', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1360, height: 900 } });
    const errors = collectErrors(page);
    await open(page, '/auditor');
    await page.click(`[data-testid=verify-${EPOCHS.settled}]`);
    await page.waitForSelector(`[data-testid=verdict-${EPOCHS.settled}]`, { timeout: 60_000 });
    assert.match((await page.locator(`[data-testid=verdict-${EPOCHS.settled}]`).textContent())!, /every check passes/);

    await page.click(`[data-testid=verify-${EPOCHS.corrupt}]`);
    await page.waitForSelector(`[data-testid=verdict-${EPOCHS.corrupt}]`, { timeout: 60_000 });
    assert.equal(await page.locator(`[data-testid=verdict-${EPOCHS.corrupt}]`).textContent(), 'FAILED');
    assert.match((await page.locator(`[data-testid=audit-${EPOCHS.corrupt}]`).textContent())!, /line \d+ carries \d+ Wh, limit \d+ Wh/);

    await connectDevAccount(page, 'auditor');
    await page.click(`[data-testid=dispute-${EPOCHS.corrupt}]`);
    await page.waitForSelector(`[data-testid=disputed-${EPOCHS.corrupt}]`, { timeout: 60_000 });
    const epoch = await ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'epoch', args: [EPOCHS.corrupt] });
    assert.equal(epoch.voided, true);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('the figures', () => {
  it('arrive drawn with titled axes, a colour scale on each heat map, every line labelled and readable log ticks', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.route('**/_next/static/**/*.js', (route) => route.abort());
    await page.goto(`${stack.app.url}/epochs/${EPOCHS.settled}`);
    // No JavaScript ran: what is there came drawn in the HTML.
    const figures = page.locator('section[data-testid^=fig-]');
    assert.equal(await figures.count(), 8);
    for (const figure of await figures.all()) {
      assert.equal(await figure.locator('svg.plot-marks').count(), 1);
      assert.ok((await figure.locator('svg.plot-marks path, svg.plot-marks rect').count()) > 0);
      assert.notEqual((await figure.locator('.plot-xtitle').textContent())!.trim(), '');
      assert.notEqual((await figure.locator('.plot-ytitle').textContent())!.trim(), '');
    }
    assert.equal(await page.locator('[data-testid=fig-prices] .plot-ytitle').textContent(), 'price ($/kWh)');
    assert.equal(await page.locator('[data-testid=fig-admm] .plot-xtitle').textContent(), 'iteration');
    for (const id of ['fig-seller-buyer', 'fig-seller-hour']) assert.equal(await page.locator(`[data-testid=${id}] [data-testid=colour-scale]`).count(), 1);
    const lines = page.locator('[data-testid=fig-lines] .plot-yticks span');
    const labels = await lines.allTextContents();
    assert.ok(labels.length >= 10 && labels.every((l) => /^L\d+ \(\d+–\d+\)$/.test(l)), labels.join(', '));
    for (const l of await lines.all()) assert.ok(await l.isVisible());
    assert.match((await page.locator('[data-testid=fig-lines] .plot-reflabel').textContent())!, /limit 100 %/);
    const logTicks = (await page.locator('[data-testid=fig-admm] .plot-yticks span').allTextContents()).filter(Boolean);
    assert.ok(logTicks.length >= 2 && logTicks.every((t) => /^(1|10|10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/.test(t)), logTicks.join(', '));
    await page.close();
  });

  it('show the values under the pointer and under the arrow keys', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1360, height: 900 } });
    const errors = collectErrors(page);
    await open(page, `/epochs/${EPOCHS.settled}`);
    assert.equal(await drawAllFigures(page), 8);
    const prices = page.locator('[data-testid=fig-prices] .plot-area');
    const box = (await prices.boundingBox())!;
    await page.mouse.move(box.x + box.width * (7.5 / 24), box.y + box.height / 2);
    const tip = page.locator('[data-testid=fig-prices] [data-testid=plot-tip]');
    assert.match((await tip.textContent())!, /^hour 7 \(07:00–08:00\)\s*settlement price: \$0\.\d{4}\/kWh\s*system price \(balance dual\): \$0\.\d{4}\/kWh$/);
    await page.mouse.move(0, 0);
    assert.equal(await tip.count(), 0);

    const heat = page.locator('[data-testid=fig-seller-hour] .plot-area');
    await heat.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    assert.match((await page.locator('[data-testid=fig-seller-hour] [data-testid=plot-tip]').textContent())!, /^seller \S+ → hour 0 \(00:00–01:00\)\s*energy sold in the hour \(kWh\): (no trade|[\d.]+ kWh)$/);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('money and time', () => {
  it('writes every amount with its currency, rounded as the CLI rounds, and says the times are chain time', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1360, height: 900 } });
    await open(page, `/epochs/${EPOCHS.settled}`);
    const epoch = await ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'epoch', args: [EPOCHS.settled] });
    const value = page.locator('.stat', { hasText: /^day-ahead value/ }).first().locator('.value');
    assert.equal(await value.textContent(), formatUsd({ units: epoch.supplyValue, decimals: 6 }));
    assert.match((await page.locator('[data-testid=chain-time]').textContent())!, /chain time.*advanced .* ahead of the wall clock/);

    await open(page, '/auditor');
    await page.selectOption('[data-testid=filter-event]', 'Deposited');
    const details = await page.locator('[data-testid=records] tbody td:nth-child(6)').allTextContents();
    assert.ok(details.length > 0);
    for (const d of details) assert.match(d, /amount=\$[\d,]+\.\d{2}$/);
    await page.close();
  });
});

const PHONE_WIDTH = 390;

interface Layout {
  pageWidth: number;
  viewport: number;
  header: { text: string; inView: boolean }[];
  tables: { box: string; boxRight: number; wider: boolean; scrolls: boolean }[];
}

/** The page's width, its header links (whole and in view at the top?) and each table's scrolling box. */
const LAYOUT = `(() => {
  window.scrollTo(0, 0);
  const inView = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight;
  };
  return {
    pageWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    header: [...document.querySelectorAll('header.top a')].map((a) => ({ text: a.textContent, inView: inView(a) })),
    tables: [...document.querySelectorAll('table')].map((t) => {
      let box = t.parentElement;
      while (box !== document.body && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
      return {
        box: box.className,
        boxRight: box.getBoundingClientRect().right,
        wider: t.scrollWidth > box.clientWidth,
        scrolls: box.scrollWidth > box.clientWidth && ['auto', 'scroll'].includes(getComputedStyle(box).overflowX),
      };
    }),
  };
})()`;

describe('on a phone (390 px wide)', () => {
  it('never scrolls the page sideways, keeps the header and its links in view, and scrolls wide tables inside their cards', async () => {
    const context = await stack.browser.newContext({ viewport: { width: PHONE_WIDTH, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const errors = collectErrors(page);
    let tablesScrolledInCards = 0;
    for (const route of ['/', `/epochs/${EPOCHS.settled}`, '/participant', '/auditor', '/operator']) {
      await open(page, route);
      if (route === '/participant') {
        await connectDevAccount(page, 'agent 1)');
        await page.locator('[data-testid=trades] tbody tr').first().waitFor();
      }
      const layout = (await page.evaluate(LAYOUT)) as Layout;
      // A phone's browser zooms out to fit content wider than the screen: the viewport then grows past 390.
      assert.equal(layout.viewport, PHONE_WIDTH, `${route}: zoomed out to a ${layout.viewport} px viewport to fit the page`);
      assert.ok(layout.pageWidth <= PHONE_WIDTH, `${route}: the page is ${layout.pageWidth} px wide on a ${PHONE_WIDTH} px screen`);
      assert.deepEqual(
        layout.header.map((h) => `${h.text}: ${h.inView}`),
        ['gridmarket', 'Epochs', 'Participant', 'Auditor', 'Operator'].map((t) => `${t}: true`),
        route,
      );
      for (const t of layout.tables) {
        assert.match(t.box, /card|scroll/, `${route}: a table outside a card`);
        assert.ok(t.boxRight <= PHONE_WIDTH, `${route}: a table's card reaches ${t.boxRight} px`);
        if (t.wider) {
          assert.ok(t.scrolls, `${route}: a table wider than its card does not scroll inside it`);
          tablesScrolledInCards++;
        }
      }
    }
    assert.ok(tablesScrolledInCards > 0, 'no table was wider than its card: the test checked no scrolling');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('documents', () => {
  it('reads a document from an HTTP store; flags a tampered one, then a missing one, and shows nothing from them', async () => {
    const page = await stack.browser.newPage();
    const store = path.join(stack.scenario.workDir, 'store');
    const epoch = await ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'epoch', args: [EPOCHS.tamperable] });
    const file = path.join(store, `${epoch.documentHash.toLowerCase()}.json`);
    const text = readFileSync(file, 'utf8');
    // Served over HTTP by another process than the app's, and read whole.
    await open(page, `/epochs/${EPOCHS.tamperable}`);
    assert.match((await page.content()), new RegExp(`http://127\\.0\\.0\\.1:\\d+/documents/${epoch.documentHash.toLowerCase()}`));
    assert.equal(await page.locator('[data-testid^=document-]').count(), 0, 'no document alert');
    // An app not told to trust that origin fetches nothing from it: the poster of an epoch chooses
    // its URI, and must not make the app's server fetch from the server's own network.
    const untrusting = await serveApp({ rpcUrl: stack.scenario.rpcUrl, workDir: stack.scenario.workDir });
    try {
      await page.goto(`${untrusting.url}/epochs/${EPOCHS.tamperable}`);
      assert.match((await page.locator('[data-testid=document-refused]').textContent())!, /is not among the document origins this reader trusts \(none\)/);
      assert.equal(await page.locator('section[data-testid^=fig-]').count(), 0);
    } finally {
      await untrusting.stop();
    }
    writeFileSync(file, text.replace(/"welfareUsd":(\d)/, (_, d: string) => `"welfareUsd":${(Number(d) + 1) % 10}`));
    await open(page, `/epochs/${EPOCHS.tamperable}`);
    assert.match((await page.locator('[data-testid=document-tampered]').textContent())!, /does not match/);
    assert.equal(await page.locator('section[data-testid^=fig-]').count(), 0);
    assert.equal(await page.getByText('Loading the figures').count(), 0);
    await open(page, '/auditor');
    await page.click(`[data-testid=verify-${EPOCHS.tamperable}]`);
    await page.waitForSelector(`[data-testid=verdict-${EPOCHS.tamperable}]`);
    assert.equal(await page.locator(`[data-testid=verdict-${EPOCHS.tamperable}]`).textContent(), 'FAILED');

    renameSync(file, `${file}.moved`);
    await open(page, `/epochs/${EPOCHS.tamperable}`);
    assert.match((await page.locator('[data-testid=document-missing]').textContent())!, /not in the store/);
    await page.close();
  });
});

describe('the chain states', () => {
  it('says so for an unknown epoch, no chain and a deployment of another chain', async () => {
    const page = await stack.browser.newPage();
    await open(page, '/epochs/999');
    assert.match((await page.locator('[data-testid=unknown-epoch]').textContent())!, /Epoch 999 is not posted/);
    await open(page, '/epochs/abc');
    assert.match((await page.locator('[data-testid=unknown-epoch]').textContent())!, /not an epoch id/);

    const noChain = await serveApp({ rpcUrl: 'http://127.0.0.1:9', workDir: stack.scenario.workDir });
    try {
      await page.goto(`${noChain.url}/participant`);
      assert.match((await page.locator('[data-testid=connection-error]').textContent())!, /No chain answers at http:\/\/127\.0\.0\.1:9/);
    } finally {
      await noChain.stop();
    }
    const other = path.join(stack.scenario.workDir, 'other-chain.json');
    const deployment = JSON.parse(readFileSync(path.join(stack.scenario.workDir, 'deployments', '31337.json'), 'utf8'));
    writeFileSync(other, JSON.stringify({ ...deployment, chainId: 11155111 }));
    const wrong = await serveApp({ rpcUrl: stack.scenario.rpcUrl, workDir: stack.scenario.workDir, deploymentFile: other });
    try {
      await page.goto(`${wrong.url}/`);
      assert.match((await page.locator('[data-testid=connection-error]').textContent())!, /Wrong chain: .* is a deployment on chain 11155111, but .* is chain 31337/);
    } finally {
      await wrong.stop();
    }
    await page.close();
  });
});

describe('the API', () => {
  const call = (route: string, init?: RequestInit) => fetch(`${stack.app.url}${route}`, init);
  const rpc = (body: string) => call('/api/rpc', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('answers an unposted epoch with 404 and a sentence, a bad id with 400', async () => {
    for (const route of ['/api/epochs/999/agents/3', '/api/epochs/999/agents/3/claim']) {
      const r = await call(route);
      assert.equal(r.status, 404, route);
      assert.match(((await r.json()) as { error: string }).error, /^epoch 999 is not posted on the ledger at 0x[0-9a-fA-F]{40} \(it holds epochs? [\d, ]+\)$/, route);
    }
    const audit = await call('/api/epochs/999/audit', { method: 'POST' });
    assert.equal(audit.status, 404);
    const bad = await call('/api/epochs/1/agents/x');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /^agent must be a whole number/);
  });

  it('refuses a JSON-RPC body that is not a request, and the methods the app does not need', async () => {
    for (const body of ['null', '[]', '7', '[null]', '"eth_chainId"']) {
      const r = await rpc(body);
      assert.equal(r.status, 400, body);
      assert.match(((await r.json()) as { error: { message: string } }).error.message, /^invalid request/, body);
    }
    const notJson = await rpc('{');
    assert.equal(notJson.status, 400);
    for (const method of ['anvil_setCode', 'evm_revert', 'anvil_mine', 'debug_traceTransaction', 'eth_sign']) {
      const r = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }));
      assert.equal(r.status, 403, method);
    }
    // The development methods act only for the accounts the app offers: never as the operator
    // (anvil's first account, unlocked) or any other address.
    const operator = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
    for (const call of [
      { method: 'anvil_impersonateAccount', params: [operator] },
      { method: 'anvil_setBalance', params: [operator, '0x1'] },
      { method: 'eth_sendTransaction', params: [{ from: operator, to: ctx.deployment.clearingLedger, data: '0x' }] },
      { method: 'eth_sendTransaction', params: [{ from: '0x0000000000000000000000000000000000000001', to: operator, value: '0x1' }] },
    ]) {
      const r = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 1, ...call }));
      assert.equal(r.status, 403, call.method);
      assert.match(((await r.json()) as { error: { message: string } }).error.message, /is only available for the development accounts the app offers/, call.method);
    }
    const ok = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }));
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { result: string }).result, '0x7a69');
  });
});
