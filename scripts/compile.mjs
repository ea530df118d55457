#!/usr/bin/env node
// Compile src/ to lib/ with esbuild, the transpiler tsx runs on the fly, bundled with its
// dependencies into a few files: the CLI and its worker processes then start without tsx's
// loader (about half a second each) and without resolving hundreds of modules.
// Run by `npm ci` (the `prepare` script). bin/careprint.js uses lib/ only while it matches src/
// (see lib/.stamp.json), and the TypeScript sources through tsx otherwise.
import { build } from 'esbuild';
import { copyFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SRC as src, sourceStamp } from './source-stamp.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
// `--out <folder>` (a sibling of src/, so paths relative to a module still reach templates/):
// tests compile a private copy rather than swap lib/ under other running tests.
const outFlag = process.argv.indexOf('--out');
const lib = path.resolve(root, outFlag > 0 ? process.argv[outFlag + 1] : 'lib');
if (path.dirname(lib) !== path.resolve(root)) throw new Error(`compile: --out must be a folder beside src/, not ${lib}`);

/**
 * The bundle's entry points, each a file directly in lib/ (as every chunk is: see
 * src/package-root.ts): the CLI, a build worker's task, the Markdown parse thread's task and the
 * programmatic API.
 */
const ENTRIES = { main: 'cli/main.ts', 'guide-task': 'bundle/guide-task.ts', 'parse-task': 'pipeline/parse-task.ts', index: 'index.ts' };
/** Copied beside them, not bundled: the worker entries (plain JavaScript, they import ./guide-task.js and ./parse-task.js). */
const COPIED = ['bundle/render-worker.mjs', 'pipeline/parse-worker.mjs'];

async function compile() {
  const stamp = sourceStamp();
  // Built beside lib/ and swapped in whole: a half-written lib/ is never used.
  const tmp = `${lib}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  // One bundle, dependencies included, split into shared chunks so that what a command does not
  // use is never loaded: Node resolves, reads and compiles a few large files instead of hundreds
  // of small modules (measured: loading the build's code took 457 ms as separate modules).
  await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(src, file)])),
    outdir: tmp,
    bundle: true,
    splitting: true,
    chunkNames: '[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: path.join(root, 'tsconfig.json'),
    // tinypool starts its worker processes from a file in its own package folder; css-tree reads
    // its JSON data files with require() relative to its own modules.
    external: ['tinypool', 'css-tree'],
    // CommonJS dependencies call require(); in an ES module it must be made.
    banner: { js: "import { createRequire as __careprintCreateRequire } from 'node:module';\nconst require = __careprintCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  for (const file of COPIED) copyFileSync(path.join(src, file), path.join(tmp, path.basename(file)));
  writeFileSync(path.join(tmp, '.stamp.json'), JSON.stringify(stamp));
  rmSync(lib, { recursive: true, force: true });
  renameSync(tmp, lib);
}

await compile();
