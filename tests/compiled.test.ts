import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../scripts/corpus.js';
import { filesUnder } from '../src/bundle/cache.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
/** A private compiled copy (beside src/, as lib/ is), so lib/ is never swapped under other tests. */
const COMPILED = path.join(ROOT, `lib.test-${process.pid}`);

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'careprint-compiled-'));
  await run(process.execPath, [path.join(ROOT, 'scripts/compile.mjs'), '--out', path.basename(COMPILED)], { cwd: ROOT });
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  await rm(COMPILED, { recursive: true, force: true });
});

async function digests(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const file of filesUnder(dir)) result[path.relative(dir, file)] = createHash('sha256').update(await readFile(file)).digest('hex');
  return result;
}

describe('the compiled CLI (lib/, made by npm ci)', () => {
  it('builds the same bytes as the TypeScript sources, worker processes included', async () => {
    // Three guides: a build renders a single guide in its own process, more in worker processes.
    const content = path.join(tmp, 'content');
    generateCorpus(content, 3);
    const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000', CAREPRINT_FROM_SOURCE: '1' };
    const fromSource = path.join(tmp, 'source');
    await run(process.execPath, [path.join(ROOT, 'bin/careprint.js'), 'build', content, '--out', fromSource, '--no-cache', '--quiet', '--jobs', '2'], { cwd: ROOT, env });

    const runner = path.join(tmp, 'run-compiled.mjs');
    await writeFile(runner, `const { main } = await import(${JSON.stringify(path.join(COMPILED, 'main.js'))});\nprocess.exitCode = await main(process.argv.slice(2));\n`);
    const fromCompiled = path.join(tmp, 'compiled');
    await run(process.execPath, [runner, 'build', content, '--out', fromCompiled, '--no-cache', '--quiet', '--jobs', '2'], { cwd: ROOT, env });

    const source = await digests(fromSource);
    expect(Object.keys(source).length).toBeGreaterThan(10);
    expect(await digests(fromCompiled)).toEqual(source);
  }, 240_000);

  it('bundles into one folder, leaves out declaration files and records the sources it was made from', async () => {
    const compiled = filesUnder(COMPILED).map((file) => path.relative(COMPILED, file));
    // Bundled: entry points and shared chunks directly in the folder (see src/package-root.ts).
    expect(compiled).toContain('main.js');
    expect(compiled).toContain('guide-task.js');
    expect(compiled).toContain('render-worker.mjs');
    expect(compiled.filter((file) => file.includes('/'))).toEqual([]);
    expect(compiled.filter((file) => file.endsWith('.d.js') || file.endsWith('.ts'))).toEqual([]);
    const stamp = JSON.parse(await readFile(path.join(COMPILED, '.stamp.json'), 'utf8')) as string[];
    expect(stamp.some((line) => line.startsWith('cli/main.ts:'))).toBe(true);
  });
});
