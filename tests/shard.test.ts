/**
 * Sharded builds for CI matrices: shards 1/2 and 2/2 merged give the same dist/ as one build,
 * byte for byte (files, manifest and zip), and merge refuses shards that do not fit together.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { hashes } from './helpers/files.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-shard-'));
const content = path.join(work, 'content');
afterAll(() => rmSync(work, { recursive: true, force: true }));


const options = (out: string) => ({ out: path.join(work, out), cwd: work, today: '2026-11-27', cache: false as const, jobs: 1 });

beforeAll(async () => {
  cpSync(path.join(ROOT, 'content'), content, { recursive: true });
  cpSync(path.join(content, 'guides/iliopsoas-pain-running'), path.join(content, 'guides/second-guide'), { recursive: true });
  cpSync(path.join(content, 'guides/iliopsoas-pain-running'), path.join(content, 'guides/third-guide'), { recursive: true });
  for (const result of await Promise.all([
    build(content, options('single')),
    build(content, { ...options('shard-1'), shard: { index: 1, count: 2 } }),
    build(content, { ...options('shard-2'), shard: { index: 2, count: 2 } }),
    // The other half of a build with other options: its guide's quiz sheets come in versions A and B.
    build(content, { ...options('shard-2-versions'), shard: { index: 2, count: 2 }, quizVersions: 2 }),
  ])) {
    expect(result.ok).toBe(true);
  }
});

describe('sharded builds', () => {
  it('split the guides between shards, each shard a verifiable bundle without a zip', () => {
    const guidesIn = (dir: string) => new Set(Object.keys(hashes(path.join(work, dir))).filter((p) => p.startsWith('pdf/')).map((p) => path.basename(p).split('.')[0]));
    const one = guidesIn('shard-1');
    const two = guidesIn('shard-2');
    expect([...one].sort()).toEqual(['iliopsoas-pain-running', 'third-guide']);
    expect([...two]).toEqual(['second-guide']);
    expect(Object.keys(hashes(path.join(work, 'shard-1'))).some((p) => p.endsWith('.zip'))).toBe(false);
  });

  it('merge to the same bytes as a single build: every file, the manifest and the zip', async () => {
    const run = promisify(execFile);
    await run(process.execPath, [path.join(ROOT, 'bin/careprint.js'), 'merge', path.join(work, 'shard-2'), path.join(work, 'shard-1'), '--out', path.join(work, 'merged')], { cwd: work });
    expect(hashes(path.join(work, 'merged'))).toEqual(hashes(path.join(work, 'single')));
    const verify = await run(process.execPath, [path.join(ROOT, 'bin/careprint.js'), 'verify', path.join(work, 'merged')], { cwd: work });
    expect(verify.stderr).toMatch(/match the manifest/);
  });

  it('a shard says which it is: verify names it, and its manifest alone carries the mark', async () => {
    const run = promisify(execFile);
    const verify = await run(process.execPath, [path.join(ROOT, 'bin/careprint.js'), 'verify', path.join(work, 'shard-2')], { cwd: work });
    expect(verify.stderr).toMatch(/files match the manifest \(shard 2\/2: no release zip until merged\)/);
    const { shard } = JSON.parse(readFileSync(path.join(work, 'shard-2', 'manifest.json'), 'utf8')) as { shard: { build: string } };
    expect(shard).toEqual({ index: 2, count: 2, build: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.parse(readFileSync(path.join(work, 'shard-1', 'manifest.json'), 'utf8')).shard.build).toBe(shard.build);
    expect(JSON.parse(readFileSync(path.join(work, 'single', 'manifest.json'), 'utf8'))).not.toHaveProperty('shard');
  });

  it.each([
    { what: 'a shard is missing', shards: ['shard-1'], message: 'shard 2/2 missing: merge needs every shard of the build' },
    { what: 'a shard is given twice', shards: ['shard-2', 'shard-1', 'shard-2'], message: 'shard 2/2 is given twice' },
    { what: 'a whole bundle is given', shards: ['single', 'shard-1'], message: 'is a whole bundle, not a shard' },
    // It merged: one guide's quiz sheets in versions A and B, the others' in one, which no build makes.
    { what: 'the shards were built with different options', shards: ['shard-1', 'shard-2-versions'], message: 'are shards of different builds' },
  ])('merge refuses to make a bundle when $what, and writes nothing', async ({ shards, message }) => {
    const run = promisify(execFile);
    const out = path.join(work, `incomplete-${shards.join('-')}`);
    const result = await run(process.execPath, [path.join(ROOT, 'bin/careprint.js'), 'merge', ...shards.map((s) => path.join(work, s)), '--out', out], { cwd: work }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect('code' in result ? result.code : 0).toBe(1);
    expect(result.stderr).toContain(message);
    expect(readdirSync(work).filter((name) => name.startsWith(path.basename(out)))).toEqual([]);
  });

  it('merge refuses a shard whose shared files differ, and leaves no partial output', async () => {
    const odd = path.join(work, 'odd');
    cpSync(path.join(work, 'shard-2'), odd, { recursive: true });
    writeFileSync(path.join(odd, 'site/404.html'), '<p>changed</p>');
    const manifestPath = path.join(odd, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Array<{ path: string; bytes: number; sha256: string }> };
    const entry = manifest.files.find((f) => f.path === 'site/404.html')!;
    entry.bytes = Buffer.byteLength('<p>changed</p>');
    entry.sha256 = createHash('sha256').update('<p>changed</p>').digest('hex');
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const run = promisify(execFile);
    const result = await run(process.execPath, [path.join(ROOT, 'bin/careprint.js'), 'merge', path.join(work, 'shard-1'), odd, '--out', path.join(work, 'bad')], { cwd: work }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect('code' in result ? result.code : 0).toBe(1);
    expect(result.stderr).toContain('site/404.html differs');
    expect(readdirSync(work).filter((name) => name.startsWith('bad'))).toEqual([]);
  });
});
