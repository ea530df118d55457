/**
 * A build cache with links planted in it (a shared or committed `.cache/careprint/`): the cache
 * never leaves its folder. Its daily pruning, its reads, its marks and its writes neither follow
 * nor ship a link; each link is refused or removed (the link itself, never what it points to),
 * and the bundle is the one a build without the cache makes.
 */
import { cpSync, existsSync, lstatSync, lutimesSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/build.js';
import { seal, sha256 } from '../src/bundle/cache.js';
import { verifyBundle } from '../src/bundle/verify.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-cache-links-'));
const content = path.join(work, 'content');
const cache = path.join(work, 'cache');
/** The cache as the first build left it: each test starts from a copy. */
const pristine = path.join(work, 'pristine-cache');
/** Outside the cache: nothing in it may change. */
const victim = path.join(work, 'victim');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ok = (result: BuildResult) => {
  if (!result.ok) throw new Error('build failed');
  return result;
};
// One guide: the build renders in this process, so its temporary files carry this process's pid.
const run = (out: string, extra: Parameters<typeof build>[1] = {}) => build(content, { out: path.join(work, out), cwd: work, today: '2026-11-27', cache, jobs: 1, ...extra }).then(ok);

/** Every path under `dir` (links not followed), sorted. */
function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      const stat = lstatSync(full);
      return [full, ...(stat.isDirectory() ? walk(full) : [])];
    });
}

/** What a folder holds, read without following links: each path's kind, bytes (or link text) and modification time. */
function snapshot(dir: string) {
  return walk(dir).map((full) => {
    const stat = lstatSync(full);
    const kind = stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'folder' : 'file';
    const body = kind === 'link' ? readlinkSync(full) : kind === 'file' ? readFileSync(full).toString('base64') : '';
    return { path: path.relative(dir, full), kind, body, mtimeMs: stat.mtimeMs };
  });
}

const links = (dir: string) => walk(dir).filter((f) => lstatSync(f).isSymbolicLink());
const twoMonthsAgo = () => new Date(Date.now() - 60 * 24 * 60 * 60 * 1000);

/** Set every path under `dir` (and `dir`), deepest first, two months back: pruning would take all of it. */
function backdate(dir: string): void {
  const old = twoMonthsAgo();
  for (const full of [...walk(dir).reverse(), dir]) {
    if (lstatSync(full).isSymbolicLink()) lutimesSync(full, old, old);
    else utimesSync(full, old, old);
  }
}

/** Files and folders shaped like a cache's (a shard, a record, an entry), all old: what a pruning that follows links deletes. */
function victimTree(dir: string): string {
  mkdirSync(path.join(dir, 'ab', 'entry', 'files'), { recursive: true });
  writeFileSync(path.join(dir, 'keep.txt'), 'not the cache\'s\n');
  writeFileSync(path.join(dir, 'ab', 'old.json'), '{"victim":true}\n');
  writeFileSync(path.join(dir, 'ab', 'entry', 'index.json'), '[]\n');
  writeFileSync(path.join(dir, 'ab', 'entry', 'files', 'x.pdf'), '%PDF-1.7 victim\n');
  return dir;
}

/** The cache's guide entries: the guide's (its list names PDFs) and the index and 404 pages'. */
function entry(kind: 'guide' | 'pages'): string {
  const lists = walk(path.join(cache, 'guides')).filter((f) => path.basename(f) === 'index.json' && path.basename(path.dirname(f)).length === 64);
  const found = lists.find((f) => readFileSync(f, 'utf8').includes(kind === 'guide' ? '"pdf/' : '"site/404.html"'));
  if (!found) throw new Error(`no ${kind} entry in the cache`);
  return path.dirname(found);
}

/** Replace `at` by a link to `target`. */
function plant(at: string, target: string): void {
  rmSync(at, { recursive: true, force: true });
  mkdirSync(path.dirname(at), { recursive: true });
  symlinkSync(target, at);
}

let clean: { manifest: string; zip: Buffer };

beforeAll(async () => {
  cpSync(path.join(ROOT, 'content'), content, { recursive: true });
  await run('clean', { cache: false });
  clean = { manifest: readFileSync(path.join(work, 'clean/manifest.json'), 'utf8'), zip: readFileSync(path.join(work, 'clean/careprint-1.0.0.zip')) };
  await run('first');
  cpSync(cache, pristine, { recursive: true });
});

/** A fresh copy of the cache the first build left, with an empty victim folder beside it. */
function reset(): void {
  rmSync(cache, { recursive: true, force: true });
  cpSync(pristine, cache, { recursive: true });
  rmSync(victim, { recursive: true, force: true });
  mkdirSync(victim);
}

/** The bundle is the one a build without the cache makes, and holds no link. */
async function expectCleanBundle(out: string): Promise<void> {
  const dist = path.join(work, out);
  expect((await verifyBundle(dist)).ok).toBe(true);
  expect(readFileSync(path.join(dist, 'manifest.json'), 'utf8')).toBe(clean.manifest);
  expect(readFileSync(path.join(dist, 'careprint-1.0.0.zip')).equals(clean.zip)).toBe(true);
  expect(links(dist)).toEqual([]);
}

describe('a cache with links planted in it', () => {
  it('prunes, reads, marks and writes without ever leaving its folder: what the links point to is left byte for byte', async () => {
    reset();
    const guide = entry('guide');
    const pages = entry('pages');
    const guideShard = path.dirname(guide);

    // Folders of the cache that are links: a record folder (written through when the build keeps
    // the words it shaped), a shard pruning would list, the guide entry's shard (a copy of it
    // outside: read through, it would be marked and re-stamped there) and the kept zip's folder.
    plant(path.join(cache, 'shaping'), victimTree(path.join(victim, 'shaping')));
    plant(path.join(cache, 'guides', 'zz'), victimTree(path.join(victim, 'shard')));
    if (path.dirname(pages) !== guideShard) {
      cpSync(guideShard, path.join(victim, 'guide-shard'), { recursive: true });
      plant(guideShard, path.join(victim, 'guide-shard'));
    } else {
      // The site pages' entry shares the shard (it must stay in the cache): the guide's entry is the link.
      cpSync(guide, path.join(victim, 'guide-entry'), { recursive: true });
      plant(guide, path.join(victim, 'guide-entry'));
    }
    cpSync(path.join(cache, 'zips'), path.join(victim, 'zips'), { recursive: true });
    plant(path.join(cache, 'zips'), path.join(victim, 'zips'));

    // Entries that are links, a staging folder that is one, and an old entry with links inside.
    const pagesShard = path.dirname(pages);
    plant(path.join(pagesShard, 'f'.repeat(64)), path.join(victimTree(path.join(victim, 'entry')), 'ab', 'entry'));
    plant(path.join(pagesShard, `${'e'.repeat(64)}.tmp-1-x`), victimTree(path.join(victim, 'staging')));
    const oldEntry = path.join(pagesShard, 'd'.repeat(64));
    mkdirSync(path.join(oldEntry, 'files'), { recursive: true });
    writeFileSync(path.join(oldEntry, 'index.json'), seal([]));
    symlinkSync(victimTree(path.join(victim, 'inside')), path.join(oldEntry, 'files', 'pdf'));
    symlinkSync(path.join(victim, 'inside', 'keep.txt'), path.join(oldEntry, 'files', 'index.html'));

    // A link inside an entry the build uses: to a copy of the same bytes outside the cache.
    cpSync(path.join(pages, 'files', 'site', 'index.html'), path.join(victim, 'index.html'));
    plant(path.join(pages, 'files', 'site', 'index.html'), path.join(victim, 'index.html'));

    // The names the build writes its temporary files at (this process's pid): links to files outside.
    const [check] = walk(path.join(cache, 'checks')).filter((f) => f.endsWith('.json'));
    rmSync(check!);
    writeFileSync(path.join(victim, 'check-tmp.txt'), 'a check result is never written here\n');
    symlinkSync(path.join(victim, 'check-tmp.txt'), `${check}.tmp-${process.pid}`);

    // The daily marker is a link to an old file: pruning is due, and the marker is written after.
    writeFileSync(path.join(victim, 'pruned'), 'the marker is never written here\n');
    plant(path.join(cache, 'pruned'), path.join(victim, 'pruned'));

    // Everything in the cache and outside it is two months old: pruning takes whatever it reaches.
    backdate(victim);
    backdate(cache);
    const before = snapshot(victim);

    const result = await run('planted');
    expect(snapshot(victim)).toEqual(before);
    expect(result.stats).toMatchObject({ guides: 1, rendered: 1, cached: 0 });
    await expectCleanBundle('planted');
    // Every link the build met was removed (the link, not what it points to); the old entry went whole.
    expect(links(cache)).toEqual([]);
    expect(existsSync(oldEntry)).toBe(false);

    // The cache it left builds the same bundle again, from the cache.
    const again = await run('planted-again');
    expect(again.stats).toMatchObject({ rendered: 0, cached: 1 });
    await expectCleanBundle('planted-again');
    expect(snapshot(victim)).toEqual(before);
  });

  it.each([
    { vouching: 'the file it points to', stampOf: (secret: string) => statSync(secret) },
    { vouching: 'the link itself', stampOf: (_secret: string, link: string) => lstatSync(link) },
  ])('never ships a cached file that is a link to a file outside, even with its list and stamps ($vouching) vouching for it', async ({ stampOf }) => {
    reset();
    const guide = entry('guide');
    const secret = path.join(victim, 'secret.txt');
    writeFileSync(secret, 'root:x:0:0:a file of the machine the build runs on\n');
    const bytes = readFileSync(secret);
    // The entry's list names one more file, with the secret's size and digest, and its stamps (as
    // the cache writes them) say that file was checked as it is now.
    const list = JSON.parse(readFileSync(path.join(guide, 'index.json'), 'utf8').split('\n')[1]!) as Array<Record<string, unknown>>;
    list.push({ path: 'pdf/secret.pdf', bytes: bytes.length, sha256: sha256(bytes), mediaType: 'application/pdf' });
    list.sort((a, b) => (String(a.path) < String(b.path) ? -1 : 1));
    writeFileSync(path.join(guide, 'index.json'), seal(list));
    const link = path.join(guide, 'files', 'pdf', 'secret.pdf');
    symlinkSync(secret, link);
    backdate(victim);
    const stamps = JSON.parse(readFileSync(path.join(guide, 'verified.json'), 'utf8')) as Record<string, number[]>;
    const stamp = stampOf(secret, link);
    stamps['pdf/secret.pdf'] = [stamp.size, stamp.mtimeMs, stamp.ino, stamp.ctimeMs];
    writeFileSync(path.join(guide, 'verified.json'), JSON.stringify(stamps));
    const before = snapshot(victim);

    const result = await run('secret');
    expect(result.stats).toMatchObject({ rendered: 1, cached: 0 });
    expect(existsSync(path.join(work, 'secret', 'pdf', 'secret.pdf'))).toBe(false);
    await expectCleanBundle('secret');
    expect(snapshot(victim)).toEqual(before);
  });
});
