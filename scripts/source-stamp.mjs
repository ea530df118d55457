// What lib/ was compiled from (scripts/compile.mjs writes it, bin/careprint.js compares it):
// each file under src/ with its size and modification time. Plain JavaScript, no dependencies,
// as it runs on every start of the CLI, before it knows whether it may load src/ (so it cannot
// reuse src/bundle/cache.ts's filesUnder, which also follows the build's rules for links).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Every file under a folder, sorted. */
export function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

export function sourceStamp(dir = SRC) {
  return filesUnder(dir).map((file) => {
    const stat = statSync(file);
    return `${path.relative(dir, file)}:${stat.size}:${stat.mtimeMs}`;
  });
}
