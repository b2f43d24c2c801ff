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
