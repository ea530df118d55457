#!/usr/bin/env node
// Compile src/ to lib/ (same layout, .ts → .js) with esbuild, the transpiler tsx runs on the fly:
// the CLI and its worker processes then start without tsx's loader (about half a second each).
// Run by `npm ci` (the `prepare` script). bin/careprint.js uses lib/ only while it matches src/
// (see lib/.stamp.json), and the TypeScript sources through tsx otherwise.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SRC as src, filesUnder, sourceStamp } from './source-stamp.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
// `--out <folder>` (a sibling of src/, so paths relative to a module still reach templates/):
// tests compile a private copy rather than swap lib/ under other running tests.
const outFlag = process.argv.indexOf('--out');
const lib = path.resolve(root, outFlag > 0 ? process.argv[outFlag + 1] : 'lib');
if (path.dirname(lib) !== path.resolve(root)) throw new Error(`compile: --out must be a folder beside src/, not ${lib}`);

async function compile() {
  const stamp = sourceStamp();
  // Declaration files (.d.ts) describe packages; they compile to nothing.
  const files = filesUnder(src).filter((file) => !file.endsWith('.d.ts'));
  // Built beside lib/ and swapped in whole: a half-written lib/ is never used.
  const tmp = `${lib}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await build({
    entryPoints: files.filter((file) => file.endsWith('.ts')),
    outbase: src,
    outdir: tmp,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: path.join(root, 'tsconfig.json'),
    bundle: false,
    logLevel: 'warning',
  });
  for (const file of files.filter((f) => !f.endsWith('.ts'))) {
    const target = path.join(tmp, path.relative(src, file));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  writeFileSync(path.join(tmp, '.stamp.json'), JSON.stringify(stamp));
  rmSync(lib, { recursive: true, force: true });
  renameSync(tmp, lib);
}

await compile();
