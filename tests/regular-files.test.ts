/**
 * Hostile files (issue 21): `verify`, `merge` and `build --out` read only regular files. A FIFO
 * or a link to /dev/zero where the manifest or the zip is expected hung them; a link inside a
 * shard was followed by merge and passed verify; a manifest path carrying terminal escapes was
 * printed raw; two builds into one --out at once sometimes stopped with an internal error.
 *
 * Every command runs with a time limit (and is killed past it), so a regression fails here
 * instead of hanging the suite.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { AtomicWriter, assertReplaceable } from '../src/bundle/write.js';
import { verifyBundle } from '../src/bundle/verify.js';
import type { Manifest } from '../src/bundle/plan.js';
import { materialise, REPO_DIR, type Materialised } from './helpers/fixtures.js';

const BIN = path.join(REPO_DIR, 'bin/careprint.js');
/** Long enough for a cold start through tsx on a busy machine, far shorter than any hang. */
const LIMIT_MS = 45_000;

interface Run {
  code: number | null;
  stderr: string;
  /** Killed at the time limit: the command hung. */
  hung: boolean;
}

const careprint = (args: string[], cwd: string) =>
  new Promise<Run>((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: LIMIT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      const failed = error as (Error & { code?: number | string; killed?: boolean }) | null;
      resolve({ code: failed ? (typeof failed.code === 'number' ? failed.code : null) : 0, stderr, hung: failed?.killed === true });
    });
  });

/** An API call that must settle within the limit. */
const within = <T>(promise: Promise<T>, ms = LIMIT_MS) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`did not finish in ${ms} ms: it hung`)), ms).unref())]);

let fixture: Materialised;
let work: string;
/** A whole bundle and a shard (1/1) of tests/fixtures/base, built once; each test changes a copy. */
let bundle: string;
let shard: string;

beforeAll(async () => {
  fixture = materialise();
  work = fixture.root;
  const options = { cwd: work, today: '2026-11-27', cache: false as const, jobs: 1 };
  bundle = path.join(work, 'bundle');
  shard = path.join(work, 'shard');
  const [whole, part] = await Promise.all([build(fixture.contentDir, { ...options, out: bundle }), build(fixture.contentDir, { ...options, out: shard, shard: { index: 1, count: 1 } })]);
  expect(whole.ok && part.ok).toBe(true);
});
afterAll(() => fixture?.cleanup());

let copies = 0;
/** A fresh copy of a built folder to spoil. */
const copyOf = (from: string) => {
  const to = path.join(work, `copy-${++copies}`);
  cpSync(from, to, { recursive: true });
  return to;
};

const ZIP = 'careprint-1.0.0.zip';
/** A listed file of every bundle of the fixture. */
const LISTED = 'site/index.html';

/** Put a hostile file where a regular one is expected. */
const spoilers = {
  'a FIFO': (file: string) => {
    rmSync(file, { force: true });
    const made = execFile('mkfifo', [file]);
    return new Promise<void>((resolve, reject) => made.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mkfifo ${file}: ${code}`)))));
  },
  'a link to /dev/zero': async (file: string) => {
    rmSync(file, { force: true });
    symlinkSync('/dev/zero', file);
  },
} as const;
const kinds = Object.keys(spoilers) as Array<keyof typeof spoilers>;

/** No terminal control left in what was printed: C0 (but the line ends), DEL, C1 and bidi controls. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('verify reads only regular files, and never hangs on one that is not', () => {
  it.each(kinds)('manifest.json that is %s: exit 1, naming it', async (kind) => {
    const dist = copyOf(bundle);
    await spoilers[kind](path.join(dist, 'manifest.json'));
    const result = await careprint(['verify', dist], work);
    expect(result.hung, 'verify hung').toBe(false);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(path.join(dist, 'manifest.json'));
    expect(result.stderr).toMatch(/not a regular file/);
  });

  it.each(kinds)('the release zip that is %s: exit 1, naming it', async (kind) => {
    const dist = copyOf(bundle);
    await spoilers[kind](path.join(dist, ZIP));
    const result = await careprint(['verify', dist], work);
    expect(result.hung, 'verify hung').toBe(false);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`irregular ${ZIP.replace(/\./g, '\\.')} \\(.*not a regular file`));
  });

  it.each(kinds)('a listed file that is %s: exit 1, naming it', async (kind) => {
    const dist = copyOf(bundle);
    await spoilers[kind](path.join(dist, LISTED));
    const result = await careprint(['verify', dist], work);
    expect(result.hung, 'verify hung').toBe(false);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`irregular ${LISTED}`);
  });

  it('refuses a manifest too large to be one, without reading it', async () => {
    const dist = copyOf(bundle);
    // Sparse: 200 MiB that take no disk and would take seconds and memory to read and parse.
    truncateSync(path.join(dist, 'manifest.json'), 200 * 1024 * 1024);
    const result = await within(verifyBundle(dist), 5_000);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/manifest\.json is \d+ bytes, more than any careprint manifest \(at most \d+\)/);
  });

  it('the API settles too (no CLI time limit to save it)', async () => {
    const dist = copyOf(bundle);
    await spoilers['a FIFO'](path.join(dist, ZIP));
    const result = await within(verifyBundle(dist), 10_000);
    expect(result.ok).toBe(false);
    expect(result.irregular).toEqual([{ path: ZIP, kind: 'a FIFO' }]);
  });
});

describe('verify and merge never follow a link inside a bundle', () => {
  it('a listed file that is a link to an identical copy fails verify (it passed)', async () => {
    const dist = copyOf(bundle);
    const elsewhere = path.join(work, `elsewhere-${copies}.html`);
    renameSync(path.join(dist, LISTED), elsewhere);
    symlinkSync(elsewhere, path.join(dist, LISTED));
    const result = await careprint(['verify', dist], work);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`irregular ${LISTED} (a symbolic link, not a regular file)`);
  });

  it('a folder of the bundle that is a link to an identical copy fails verify', async () => {
    const dist = copyOf(bundle);
    const elsewhere = path.join(work, `elsewhere-${copies}`);
    renameSync(path.join(dist, 'pdf'), elsewhere);
    symlinkSync(elsewhere, path.join(dist, 'pdf'));
    const result = await within(verifyBundle(dist));
    expect(result.ok).toBe(false);
    expect(result.irregular.length).toBeGreaterThan(0);
    expect(result.irregular.every((f) => f.path.startsWith('pdf/') && f.kind === 'in a folder that is a symbolic link')).toBe(true);
  });

  it('merge refuses a shard holding a link, and writes nothing', async () => {
    const dir = copyOf(shard);
    const elsewhere = path.join(work, `elsewhere-${copies}.html`);
    renameSync(path.join(dir, LISTED), elsewhere);
    symlinkSync(elsewhere, path.join(dir, LISTED));
    const out = path.join(work, `merged-${copies}`);
    const result = await careprint(['merge', dir, '--out', out], work);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/is not a complete shard \(.*1 not a regular file/);
    expect(existsSync(out)).toBe(false);
  });

  it.each(kinds)('merge refuses a shard whose manifest is %s: exit 1, naming it', async (kind) => {
    const dir = copyOf(shard);
    await spoilers[kind](path.join(dir, 'manifest.json'));
    const out = path.join(work, `merged-${copies}`);
    const result = await careprint(['merge', dir, '--out', out], work);
    expect(result.hung, 'merge hung').toBe(false);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(path.join(dir, 'manifest.json'));
    expect(existsSync(out)).toBe(false);
  });

  it('a link the bundle is being made from is not put in it (a file swapped for a link after verify)', async () => {
    const out = path.join(work, `linked-${copies}`);
    const writer = await AtomicWriter.open(out);
    try {
      const link = path.join(work, `link-${copies}`);
      symlinkSync(path.join(bundle, LISTED), link);
      expect(() => writer.linkIn(LISTED, link)).toThrow(/is a symbolic link, not a regular file/);
      expect(existsSync(path.join(writer.tmp, LISTED))).toBe(false);
    } finally {
      await writer.abort();
    }
  });
});

describe('build and merge --out never hang on the previous bundle', () => {
  it.each(kinds)('build --out a bundle whose manifest.json is %s: exit 2, naming it', async (kind) => {
    const dist = copyOf(bundle);
    await spoilers[kind](path.join(dist, 'manifest.json'));
    const result = await careprint(['build', fixture.contentDir, '--out', dist, '--quiet', '--no-cache'], work);
    expect(result.hung, 'build hung').toBe(false);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(path.join(dist, 'manifest.json'));
    expect(result.stderr).toMatch(/not a regular file/);
  });

  it.each(kinds)('merge --out a bundle whose manifest.json is %s: exit 2', async (kind) => {
    const dist = copyOf(bundle);
    await spoilers[kind](path.join(dist, 'manifest.json'));
    const result = await careprint(['merge', shard, '--out', dist], work);
    expect(result.hung, 'merge hung').toBe(false);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/not a regular file/);
  });

  it('an --out link to something other than a folder is refused (it would have been replaced where it points)', async () => {
    const link = path.join(work, `out-link-${++copies}`);
    symlinkSync('/dev/zero', link);
    await expect(assertReplaceable(link, [])).rejects.toThrow(/is a link to a character device, not a bundle folder/);
  });

  it('an --out link to a folder careprint did not make is refused (it was replaced whole)', async () => {
    const own = path.join(work, `own-${++copies}`);
    mkdirSync(own);
    writeFileSync(path.join(own, 'work.txt'), 'my own work\n');
    const link = path.join(work, `own-link-${copies}`);
    symlinkSync(own, link);
    await expect(assertReplaceable(link, [])).rejects.toThrow(/is not a careprint bundle/);
  });
});

describe('verify escapes what it prints', () => {
  it('a manifest path carrying terminal controls is shown escaped, and cannot hide the result', async () => {
    const dist = copyOf(bundle);
    const file = path.join(dist, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    const hostile = 'site/\u001b[2K\rall files match\u202e\u0085\u007f.html';
    manifest.files.push({ ...manifest.files[0]!, path: hostile });
    manifest.files.sort((a, b) => (a.path < b.path ? -1 : 1));
    writeFileSync(file, JSON.stringify(manifest));
    const result = await careprint(['verify', dist], work);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing  site/\\x1b[2K\\x0dall files match\\u202e\\x85\\x7f.html');
    expect(result.stderr).not.toMatch(RAW_CONTROL);
  });

  it('so is a manifest error that quotes a path', async () => {
    const dist = copyOf(bundle);
    const file = path.join(dist, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    manifest.files.push({ ...manifest.files[0]!, path: 'x\u001b]0;owned\u0007' }, { ...manifest.files[0]!, path: 'x\u001b]0;owned\u0007' });
    writeFileSync(file, JSON.stringify(manifest));
    const result = await careprint(['verify', dist], work);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('lists x\\x1b]0;owned\\x07 twice');
    expect(result.stderr).not.toMatch(RAW_CONTROL);
  });

  it('and so is the folder given on the command line', async () => {
    const dist = path.join(work, `bundle-\u001b[31m-${++copies}`);
    cpSync(bundle, dist, { recursive: true });
    await spoilers['a FIFO'](path.join(dist, 'manifest.json'));
    const result = await careprint(['verify', dist], work);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bundle-\\x1b[31m-');
    expect(result.stderr).not.toMatch(RAW_CONTROL);
  });
});

describe('builds into one --out at once', () => {
  it('two CLI builds at once, again and again: no internal error, and the bundle left verifies', async () => {
    const out = path.join(work, 'together', 'dist');
    mkdirSync(path.dirname(out), { recursive: true });
    for (let round = 0; round < 3; round++) {
      const runs = await Promise.all([0, 1].map(() => careprint(['build', fixture.contentDir, '--out', out, '--quiet', '--no-cache', '--jobs', '1'], work)));
      for (const result of runs) {
        expect(result.hung, 'a build hung').toBe(false);
        expect(result.stderr).not.toContain('internal error');
        expect(result.code, result.stderr).toBe(0);
      }
      const verify = await careprint(['verify', out], work);
      expect(verify.code, verify.stderr).toBe(0);
      expect(readdirSync(path.dirname(out))).toEqual(['dist']);
    }
  }, 6 * LIMIT_MS);

  it('processes swapping bundles into one folder in a loop never fail (the second rename hit ENOTEMPTY, the look found no manifest)', async () => {
    const out = path.join(work, 'loops', 'dist');
    mkdirSync(path.dirname(out), { recursive: true });
    // Each process makes and swaps in 25 small bundles, as fast as it can, all into one folder,
    // looking first (as build and merge do) at whether the folder is one it may replace.
    const loop = [
      'const { AtomicWriter, assertReplaceable } = await import(process.argv[1]);',
      'for (let i = 0; i < 25; i++) {',
      '  await assertReplaceable(process.argv[2], []);',
      '  const writer = await AtomicWriter.open(process.argv[2]);',
      "  await writer.write('manifest.json', Buffer.from(JSON.stringify({ careprint: 'test', files: [], pid: process.pid, i })));",
      '  await writer.commit();',
      '}',
    ].join('\n');
    const runs = await Promise.all(
      [0, 1, 2, 3].map(
        () =>
          new Promise<{ code: number | null; stderr: string }>((resolve) => {
            execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', loop, path.join(REPO_DIR, 'src/bundle/write.ts'), out], { cwd: REPO_DIR, timeout: LIMIT_MS, killSignal: 'SIGKILL' }, (error, _stdout, stderr) =>
              resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
            );
          }),
      ),
    );
    for (const result of runs) expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toMatchObject({ i: 24 });
    expect(readdirSync(path.dirname(out))).toEqual(['dist']);
  }, 2 * LIMIT_MS);

  it('many writers swapping into one folder at once all succeed, the last one in wins whole', async () => {
    const out = path.join(work, 'swaps', 'dist');
    mkdirSync(path.dirname(out), { recursive: true });
    for (let round = 0; round < 5; round++) {
      const writers = await Promise.all(Array.from({ length: 6 }, () => AtomicWriter.open(out)));
      expect(new Set(writers.map((w) => w.tmp)).size).toBe(writers.length);
      await Promise.all(
        writers.map(async (writer, i) => {
          await writer.write('manifest.json', Buffer.from(JSON.stringify({ careprint: 'test', files: [], writer: i })));
          await writer.write(`pdf/from-${i}.pdf`, Buffer.from(`writer ${i}`));
        }),
      );
      await within(Promise.all(writers.map((writer) => writer.commit())));
      const left = readdirSync(out).sort();
      expect(left).toHaveLength(2);
      const { writer } = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { writer: number };
      expect(readdirSync(path.join(out, 'pdf'))).toEqual([`from-${writer}.pdf`]);
      expect(readdirSync(path.dirname(out))).toEqual(['dist']);
    }
  });
});
