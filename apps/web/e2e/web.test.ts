// The app in a real browser (Debian's chromium, headless) against its production build, on a local
// chain after the pipeline ran the scenario's four days (see scenario.ts).
import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clearingLedgerAbi, settlementAbi, settlementTokenAbi } from '@gridmarket/contracts';
import { ChainContext, DocumentStore, loadEpochData, tradeStatuses } from '@gridmarket/oracle';
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
  it('opens its trades, sees every proof verified, claims, and its token balance rises by what it sold', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1360, height: 900 } });
    const errors = collectErrors(page);
    const agentId = 1; // S1, a seller
    await openParticipant(page, stack.app.url, agentId, EPOCHS.claimable);
    const [verified, total] = (await page.locator('[data-testid=proofs-verified]').textContent())!.split(' / ').map(Number);
    const rows = await page.locator('[data-testid=trades] tbody tr').count();
    assert.ok(rows > 100, `${rows} trades`);
    assert.equal(total, rows + 24);
    assert.equal(verified, total);
    assert.equal(await page.locator('[data-testid=trades] .badge', { hasText: 'NOT verified' }).count(), 0);

    const owner = (await page.locator('[data-testid=wallet-address]').textContent()) as `0x${string}`;
    const balance = () => ctx.publicClient.readContract({ address: ctx.deployment.settlementToken, abi: settlementTokenAbi, functionName: 'balanceOf', args: [owner] });
    const before = await balance();
    const shownBefore = await page.locator('[data-testid=token-balance]').textContent();
    await page.click('[data-testid=claim]');
    await page.waitForSelector('[data-testid=claim-success]', { timeout: 120_000 });
    await page.waitForFunction((old) => document.querySelector('[data-testid=token-balance]')?.textContent !== old, shownBefore);

    const { onchain } = await loadEpochData(ctx, new DocumentStore(path.join(stack.scenario.workDir, 'store')), EPOCHS.claimable);
    const statuses = await tradeStatuses(ctx, EPOCHS.claimable, onchain.trades.length);
    const earned = onchain.trades.reduce((s, t, i) => (t.seller === agentId && statuses[i] === 'settled' ? s + t.value : s), 0n);
    assert.ok(earned > 0n);
    assert.equal((await balance()) - before, earned);
    assert.equal(await ctx.publicClient.readContract({ address: ctx.deployment.settlement, abi: settlementAbi, functionName: 'claimableOf', args: [agentId] }), 0n);
    assert.equal(await page.locator('[data-testid=open-trades]').textContent(), '0');
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

describe('documents', () => {
  it('flags a tampered document, then a missing one, and shows nothing from them', async () => {
    const page = await stack.browser.newPage();
    const store = path.join(stack.scenario.workDir, 'store');
    const epoch = await ctx.publicClient.readContract({ address: ctx.deployment.clearingLedger, abi: clearingLedgerAbi, functionName: 'epoch', args: [EPOCHS.tamperable] });
    const file = path.join(store, `${epoch.documentHash.toLowerCase()}.json`);
    const text = readFileSync(file, 'utf8');
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
