// Page steps shared by the browser tests, the screenshots and the bench.
import type { Page } from 'playwright-core';

/** Connects the development account whose option label contains `labelPart` (e.g. "(seller, agent 1)"). */
export async function connectDevAccount(page: Page, labelPart: string): Promise<string> {
  const value = await page.locator('[data-testid=dev-account] option', { hasText: labelPart }).first().getAttribute('value');
  if (!value) throw new Error(`no development account labelled "${labelPart}"`);
  await page.selectOption('[data-testid=dev-account]', value);
  await page.click('[data-testid=connect-dev]');
  await page.waitForSelector('[data-testid=wallet-address]');
  return value;
}

/** Opens the participant page as the owner of `agentId` on `epochId`, and waits for the proofs. */
export async function openParticipant(page: Page, baseUrl: string, agentId: number, epochId: number): Promise<void> {
  await page.goto(`${baseUrl}/participant`);
  await connectDevAccount(page, `agent ${agentId})`);
  await page.selectOption('[data-testid=epoch-select]', String(epochId));
  await page.waitForFunction(() => /^\d+ \/ \d+$/.test(document.querySelector('[data-testid=proofs-verified]')?.textContent ?? ''));
}

/**
 * On an epoch page: checks that every figure arrived drawn (its marks are in the server's HTML) and
 * answers the pointer (its hover island hydrated). Returns how many figures there are.
 */
export async function drawAllFigures(page: Page): Promise<number> {
  await page.waitForFunction(() => document.querySelectorAll('section[data-testid^=fig-]').length > 0, undefined, { timeout: 30_000 });
  const figures = await page.locator('section[data-testid^=fig-]').all();
  for (const figure of figures) {
    await figure.scrollIntoViewIfNeeded();
    await figure.locator('svg.plot-marks').first().waitFor({ timeout: 15_000 });
    await figure.locator('.plot-area[data-hover-ready]').first().waitFor({ timeout: 15_000 });
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  return figures.length;
}
