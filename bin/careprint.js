#!/usr/bin/env node
// The CLI is TypeScript. `npm ci` compiles it to lib/ (scripts/compile.mjs, esbuild); while that
// copy matches src/ file for file it runs from there, else from src/ through tsx's loader, so an
// edited source is never shadowed by a stale compiled one. CAREPRINT_FROM_SOURCE=1 forces src/.
import { readFileSync } from 'node:fs';
import { sourceStamp } from '../scripts/source-stamp.mjs';

function compiledIsCurrent() {
  if (process.env.CAREPRINT_FROM_SOURCE === '1') return false;
  try {
    const stamp = JSON.parse(readFileSync(new URL('../lib/.stamp.json', import.meta.url), 'utf8'));
    const now = sourceStamp();
    return stamp.length === now.length && stamp.every((line, i) => line === now[i]);
  } catch {
    return false;
  }
}

let main;
if (compiledIsCurrent()) {
  ({ main } = await import('../lib/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
