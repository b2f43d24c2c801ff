// Builds the CLI into dist/: one ESM bundle of everything the commands import, split at every
// dynamic import so that a command loads only what it uses (`--help` loads commander and the
// command table; `network` the case reader and zod, not the solvers, viem or the web server).
// Loading a bundle is far cheaper than loading the same code as files: zod alone is a hundred ESM
// modules. A third-party module that locates files beside itself (its source mentions
// `import.meta` or `__dirname`: highs and its .wasm) stays where pnpm installed it, imported by
// its resolved path (the build is made on this machine, at install or on first use, never
// shipped). In the workspace's TypeScript, `import.meta.url` keeps the value it has in the source
// file, so that code locating files beside itself (built-in cases, the web app, anvil, forge)
// finds them.
//
// dist/manifest.json lists the workspace inputs (sources, their package.json files, the lockfile,
// which stands for every third-party package) with the time the build started, the outputs, and
// the third-party files left outside; bin/gridmarket.mjs rebuilds when one of them changed or
// disappeared. Files are written so that a process running (or starting) the previous build never
// reads half a file: chunks have content-hashed names and the entry point is replaced last.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPO = path.resolve(CLI_DIR, '../..');
export const DIST = path.join(CLI_DIR, 'dist');
export const MANIFEST = path.join(DIST, 'manifest.json');
export const ENTRY = path.join(DIST, 'main.mjs');
/** How long a chunk no build refers to is kept (a day: longer than any command but a serving `run` lasts). */
const STALE_CHUNK_MS = 24 * 3600 * 1000;

/** The workspace's own files (sources and package.json), as opposed to installed packages. */
const isWorkspace = (file) => !file.split(path.sep).includes('node_modules') || /[\\/]node_modules[\\/]@gridmarket[\\/]/.test(file);

/** A module that finds files relative to its own location cannot move into the bundle. */
const locatesFilesBesideItself = (file) => /\bimport\.meta\b|\b__dirname\b|\b__filename\b/.test(readFileSync(file, 'utf8'));

const keepImportMetaUrl = {
  name: 'keep-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: 'ts' };
    });
  },
};

/** Third-party modules that must stay installed: external, by their resolved path (pnpm does not hoist a package's dependencies to the CLI). */
function keepInstalled(externals) {
  return {
    name: 'keep-installed',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.path.startsWith('node:') || args.pluginData?.resolving) return undefined;
        const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { resolving: true } });
        // An optional dependency that is not installed (ws's bufferutil) is required inside a try.
        if (r.errors.length > 0) return args.kind === 'require-call' ? { path: args.path, external: true } : { errors: r.errors };
        if (r.external) return { path: r.path, external: true };
        if (isWorkspace(r.path) || !locatesFilesBesideItself(r.path)) return { path: r.path, sideEffects: r.sideEffects };
        externals.add(r.path);
        return { path: pathToFileURL(r.path).href, external: true };
      });
    },
  };
}

/** Builds dist/ and returns the manifest. */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  const startedAtMs = Date.now();
  const externals = new Set();
  const result = await esbuild({
    absWorkingDir: REPO,
    entryPoints: { main: path.join(CLI_DIR, 'src/main.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    write: false,
    metafile: true,
    sourcemap: 'linked',
    // A third less to read and parse at every start; names are kept, so that a bug's stack reads
    // without the source maps (which --debug turns on).
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'silent',
    // Bundled CommonJS (commander) requires Node's built-ins at run time.
    banner: { js: "import { createRequire as __gridmarketRequire } from 'node:module'; const require = __gridmarketRequire(import.meta.url);" },
    plugins: [keepInstalled(externals), keepImportMetaUrl],
  });
  mkdirSync(DIST, { recursive: true });
  const written = new Set();
  let entry;
  for (const file of result.outputFiles) {
    written.add(path.basename(file.path));
    if (file.path === ENTRY) entry = file;
    else writeAtomic(file.path, file.contents);
  }
  const sources = Object.keys(result.metafile.inputs).map((f) => path.resolve(REPO, f)).filter(isWorkspace);
  // A package's exports map decides what an import resolves to; the lockfile, what is installed.
  const inputs = [...sources, ...sources.map(packageJsonOf), fileURLToPath(import.meta.url), path.join(REPO, 'pnpm-lock.yaml')];
  const outputs = result.outputFiles.map((f) => path.basename(f.path)).sort();
  const manifest = { startedAtMs, inputs: [...new Set(inputs)].sort(), outputs, externals: [...externals].sort() };
  writeAtomic(ENTRY, entry.contents);
  writeAtomic(MANIFEST, JSON.stringify(manifest, null, 1));
  written.add('manifest.json');
  // Chunks of earlier builds go once nothing can still need them: a process started on an earlier
  // build (a `run` serving the web app) imports some of its chunks late, on a failure for one.
  for (const name of readdirSync(DIST)) {
    const file = path.join(DIST, name);
    if (!written.has(name) && Date.now() - statSync(file).mtimeMs > STALE_CHUNK_MS) rmSync(file, { force: true });
  }
  return manifest;
}

/** The package.json of the package a file belongs to. */
function packageJsonOf(file) {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
  }
  return path.join(REPO, 'package.json');
}

function writeAtomic(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const t0 = performance.now();
  const m = await build();
  process.stderr.write(`gridmarket CLI built into ${path.relative(process.cwd(), DIST) || '.'} (${m.inputs.length} inputs, ${Math.round(performance.now() - t0)} ms)\n`);
}
