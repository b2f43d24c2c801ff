// Writes cases/ieee14.json and cases/ieee33.json from their plans (deterministic), atomically.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCase } from '../src/case/generator';
import { IEEE14_PLAN, IEEE33_PLAN } from '../src/case/plans';
import { buildMarket } from '../src/case/market';

const dir = fileURLToPath(new URL('../cases/', import.meta.url));
mkdirSync(dir, { recursive: true });
for (const plan of [IEEE14_PLAN, IEEE33_PLAN]) {
  const c = generateCase(plan);
  buildMarket(c); // validate before writing
  const file = path.join(dir, `${plan.name}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(c, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}: ${c.sellers.length} sellers, ${c.buyers.length} buyers\n`);
}
