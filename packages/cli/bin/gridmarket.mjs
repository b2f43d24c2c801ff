#!/usr/bin/env node
// The gridmarket command: runs the compiled CLI (dist/main.mjs), in this process. The build is made
// at install (postinstall) and again here, before running, when it is missing or older than any
// source it was built from (dist/manifest.json lists them): editing the sources needs no step.
import { readFileSync, statSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);

function isFresh() {
  try {
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', dist), 'utf8'));
    for (const file of manifest.outputs) statSync(new URL(file, dist));
    for (const file of manifest.externals) statSync(file);
    return manifest.inputs.every((file) => statSync(file).mtimeMs < manifest.startedAtMs);
  } catch {
    return false;
  }
}

if (!isFresh()) {
  try {
    await (await import('../scripts/build.mjs')).build();
  } catch (err) {
    process.stderr.write(`gridmarket: the CLI does not build:\n${err.message}\n`);
    process.exit(1);
  }
}
// Stack traces in the TypeScript sources when they are asked for (the maps cost time to load).
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
await import(new URL('main.mjs', dist).href);
