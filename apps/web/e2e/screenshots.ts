// A screenshot of every page, on the scenario's market: `pnpm --filter @gridmarket/web screenshots`
// (writes apps/web/screenshots/*.png).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { WEB_DIR } from '../serve/index';
import { drawAllFigures, openParticipant } from './pages';
import { EPOCHS } from './scenario';
import { startStack } from './stack';

const out = path.join(WEB_DIR, 'screenshots');
mkdirSync(out, { recursive: true });
const stack = await startStack((l) => process.stderr.write(l));
try {
  const page = await stack.browser.newPage({ viewport: { width: 1360, height: 900 } });
  const shot = async (name: string) => {
    const file = path.join(out, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    process.stdout.write(`${file}\n`);
  };
  const url = stack.app.url;
  await page.goto(`${url}/`);
  await shot('epochs');
  await page.goto(`${url}/epochs/${EPOCHS.settled}`);
  await drawAllFigures(page);
  await shot('epoch-detail');
  await openParticipant(page, url, 1, EPOCHS.claimable);
  await shot('participant');
  await page.goto(`${url}/auditor`);
  for (const id of [EPOCHS.settled, EPOCHS.corrupt]) {
    await page.click(`[data-testid=verify-${id}]`);
    await page.waitForSelector(`[data-testid=verdict-${id}]`);
  }
  await shot('auditor');
  await page.goto(`${url}/operator`);
  await shot('operator');
  await page.goto(`${url}/epochs/999`);
  await shot('unknown-epoch');
} finally {
  await stack.stop();
}
