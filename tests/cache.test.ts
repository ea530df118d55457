/**
 * Incremental and parallel builds: a rebuild with nothing changed renders nothing; an edit to one
 * guide re-renders that guide only; a corrupt cache entry is caught by its digest and rebuilt;
 * worker processes give the same bytes as one process.
 */
import { appendFileSync, cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { build, type BuildResult } from '../src/build.js';
import { seal, sha256 } from '../src/bundle/cache.js';
import { verifyBundle } from '../src/bundle/verify.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-cache-'));
const content = path.join(work, 'content');
const cache = path.join(work, 'cache');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ok = (result: BuildResult) => {
  if (!result.ok) throw new Error('build failed');
  return result;
};
const run = (out: string, extra: Parameters<typeof build>[1] = {}) => build(content, { out: path.join(work, out), cwd: work, today: '2026-11-27', cache, jobs: 1, ...extra }).then(ok);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

beforeAll(() => {
  cpSync(path.join(ROOT, 'content'), content, { recursive: true });
  cpSync(path.join(content, 'guides/iliopsoas-pain-running'), path.join(content, 'guides/second-guide'), { recursive: true });
  cpSync(path.join(content, 'guides/iliopsoas-pain-running'), path.join(content, 'guides/third-guide'), { recursive: true });
});

describe('incremental builds', () => {
  it('renders everything cold, then nothing when nothing changed, with the same bytes', async () => {
    const cold = await run('cold');
    expect(cold.stats).toMatchObject({ guides: 3, rendered: 3, cached: 0 });
    const again = await run('again');
    expect(again.stats).toMatchObject({ guides: 3, rendered: 0, cached: 3 });
    expect(readFileSync(path.join(work, 'again/manifest.json'), 'utf8')).toBe(readFileSync(path.join(work, 'cold/manifest.json'), 'utf8'));
    expect(readFileSync(path.join(work, 'again/careprint-1.0.0.zip')).equals(readFileSync(path.join(work, 'cold/careprint-1.0.0.zip')))).toBe(true);
  });

  it('re-renders only the guide that was edited', async () => {
    appendFileSync(path.join(content, 'guides/second-guide/guide.md'), '\nOne more sentence for the second guide.\n');
    const edited = await run('edited');
    expect(edited.stats).toMatchObject({ rendered: 1, cached: 2 });
    const manifest = edited.manifest.files;
    const before = JSON.parse(readFileSync(path.join(work, 'cold/manifest.json'), 'utf8')) as { files: typeof manifest };
    const changed = manifest.filter((f) => before.files.find((b) => b.path === f.path)?.sha256 !== f.sha256).map((f) => f.path);
    expect(changed.length).toBeGreaterThan(0);
    for (const file of changed) expect(file).toMatch(/second-guide/);
    // The release zip took every unchanged entry from the last one, and is what a build without the cache makes.
    expect(edited.stats.zipEntriesReused).toBe(manifest.length - changed.length);
    await run('edited-fresh', { cache: false });
    expect(readFileSync(path.join(work, 'edited/careprint-1.0.0.zip')).equals(readFileSync(path.join(work, 'edited-fresh/careprint-1.0.0.zip')))).toBe(true);
  });

  it('copies nothing from a kept release zip that changed since it was written', async () => {
    const [zip] = files(path.join(cache, 'zips')).filter((f) => f.endsWith('.zip'));
    const bytes = readFileSync(zip!);
    const at = Math.floor(bytes.length / 2);
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    writeFileSync(zip!, bytes);
    appendFileSync(path.join(content, 'guides/second-guide/guide.md'), '\nAnd another.\n');
    const edited = await run('zip-damaged');
    expect(edited.stats).toMatchObject({ rendered: 1, zipEntriesReused: 0 });
    expect((await verifyBundle(path.join(work, 'zip-damaged'))).ok).toBe(true);
    await run('zip-damaged-fresh', { cache: false });
    expect(readFileSync(path.join(work, 'zip-damaged/careprint-1.0.0.zip')).equals(readFileSync(path.join(work, 'zip-damaged-fresh/careprint-1.0.0.zip')))).toBe(true);
  });

  it('remakes the index page when a guide\'s title changes, the same as a build without the cache', async () => {
    const guide = path.join(content, 'guides/third-guide/guide.md');
    writeFileSync(guide, readFileSync(guide, 'utf8').replace(/^title: .*$/m, 'title: A renamed third guide'));
    const renamed = await run('renamed');
    expect(renamed.stats).toMatchObject({ rendered: 1 });
    const index = readFileSync(path.join(work, 'renamed/site/index.html'), 'utf8');
    expect(index).toContain('A renamed third guide');
    await run('renamed-fresh', { cache: false });
    expect(index).toBe(readFileSync(path.join(work, 'renamed-fresh/site/index.html'), 'utf8'));
  });

  it('re-renders everything when a site-wide file changes (careprint.yaml)', async () => {
    const config = path.join(content, 'careprint.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('Riverside Physiotherapy Clinic', 'Riverside Physio'));
    expect((await run('config')).stats).toMatchObject({ rendered: 3, cached: 0 });
  });

  it('detects a corrupt or truncated cache entry by its digest and rebuilds it, never ships it', async () => {
    const pdfs = files(cache).filter((f) => f.endsWith('.handout.a4.pdf'));
    expect(pdfs.length).toBeGreaterThan(0);
    const victim = pdfs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
    writeFileSync(victim, readFileSync(victim).subarray(0, 1000));
    const result = await run('repaired');
    expect(result.stats.rendered).toBe(1);
    expect((await verifyBundle(path.join(work, 'repaired'))).ok).toBe(true);
    expect(readFileSync(path.join(work, 'repaired/manifest.json'), 'utf8')).toBe(readFileSync(path.join(work, 'config/manifest.json'), 'utf8'));
  });

  it('detects a changed byte in a cached file of the same size (its stamp changed, so its digest is checked)', async () => {
    const quizzes = files(cache).filter((f) => f.endsWith('.quiz.a4.pdf'));
    const victim = quizzes.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
    const bytes = readFileSync(victim);
    const at = bytes.length - 20;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    writeFileSync(victim, bytes);
    const result = await run('byte-flipped');
    expect(result.stats.rendered).toBe(1);
    expect((await verifyBundle(path.join(work, 'byte-flipped'))).ok).toBe(true);
    expect(readFileSync(path.join(work, 'byte-flipped/manifest.json'), 'utf8')).toBe(readFileSync(path.join(work, 'config/manifest.json'), 'utf8'));
  });

  it('detects a cached file overwritten in place with the same size and its modification time put back (its ctime changed)', async () => {
    const handouts = files(cache).filter((f) => f.endsWith('.handout.a4.pdf'));
    const victim = handouts.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
    const bundlePath = path.relative(path.join(victim.slice(0, victim.indexOf(`${path.sep}files${path.sep}`)), 'files'), victim).split(path.sep).join('/');
    const original = readFileSync(victim);
    const fresh = JSON.parse(readFileSync(path.join(work, 'config/manifest.json'), 'utf8')) as { files: Array<{ path: string; sha256: string }> };
    expect(fresh.files.find((f) => f.path === bundlePath)?.sha256).toBe(sha256(original));
    // A whole-millisecond time (a Date's precision), so putting it back restores it exactly; a
    // build checks the file and keeps the stamp it has with that time.
    const when = new Date('2026-11-01T10:00:00.000Z');
    utimesSync(victim, when, when);
    await run('restamped');
    const before = statSync(victim);
    writeFileSync(victim, Buffer.alloc(original.length, 0x41));
    utimesSync(victim, before.atime, when);
    const after = statSync(victim);
    // Size, modification time and inode are all as they were: only the ctime tells.
    expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino]);
    const result = await run('rewritten-in-place');
    expect(result.stats.rendered).toBe(1);
    expect((await verifyBundle(path.join(work, 'rewritten-in-place'))).ok).toBe(true);
    expect(readFileSync(path.join(work, 'rewritten-in-place', bundlePath)).equals(original)).toBe(true);
    expect(readFileSync(path.join(work, 'rewritten-in-place/manifest.json'), 'utf8')).toBe(readFileSync(path.join(work, 'config/manifest.json'), 'utf8'));
  });

  it('keeps the stamps a rebuild into the same folder leaves (linking and removing the previous bundle change ctimes), so the next one hashes nothing', async () => {
    await run('same-out');
    const since = Date.now();
    const again = await run('same-out');
    expect(again.stats).toMatchObject({ rendered: 0, cached: 3 });
    // The entries the last build took (it marked their lists) and the kept zip: each stamp is the file's now.
    const used = files(path.join(cache, 'guides')).filter((f) => f.endsWith(`${path.sep}index.json`) && statSync(f).mtimeMs >= since);
    expect(used.length).toBe(4);
    let checked = 0;
    for (const dir of [...used.map(path.dirname), path.join(cache, 'zips')]) {
      const stamps = JSON.parse(readFileSync(path.join(dir, 'verified.json'), 'utf8')) as Record<string, number[]>;
      for (const [name, stamp] of Object.entries(stamps)) {
        const file = name === 'zip' ? files(dir).find((f) => f.endsWith('.zip'))! : path.join(dir, 'files', ...name.split('/'));
        const now = lstatSync(file);
        expect(stamp, file).toEqual([now.size, now.mtimeMs, now.ino, now.ctimeMs]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(used.length);
  });

  it.each([
    // A guide's entry (the site pages have one too): its list names the guide's PDFs.
    { record: "an entry's file list", pick: (f: string) => f.endsWith(`${path.sep}index.json`) && readFileSync(f, 'utf8').includes('"pdf/'), rendered: 1 },
    { record: 'a check result', pick: (f: string) => f.includes(`${path.sep}checks${path.sep}`) && f.endsWith('.json'), rendered: 0 },
  ])('reads $record that was cut short or edited as a miss: made again, no crash, same bundle', async ({ pick, rendered }) => {
    const records = files(cache)
      .filter(pick)
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    expect(records.length).toBeGreaterThan(0);
    for (const [i, damage] of ['{}', '[{"path":"../../outside.pdf"}]', readFileSync(records[0]!, 'utf8').slice(0, 90)].entries()) {
      writeFileSync(records[0]!, damage);
      const out = `damaged-${rendered}-${i}`;
      const result = await run(out);
      // A damaged check is run again (the guide's outputs stay cached); a damaged file list re-renders its guide.
      expect(result.stats.rendered).toBe(rendered);
      expect((await verifyBundle(path.join(work, out))).ok).toBe(true);
      expect(readFileSync(path.join(work, out, 'manifest.json'), 'utf8')).toBe(readFileSync(path.join(work, 'config/manifest.json'), 'utf8'));
    }
    expect(readdirSync(work)).not.toContain('outside.pdf');
  });

  it('builds without a cache it cannot write (its folder is a file): only the time is lost', async () => {
    const blocked = path.join(work, 'not-a-folder');
    writeFileSync(blocked, 'a file where the cache would go\n');
    for (const out of ['blocked-1', 'blocked-2']) {
      const result = await run(out, { cache: path.join(blocked, 'careprint') });
      expect(result.stats).toMatchObject({ guides: 3, rendered: 3, cached: 0 });
      expect((await verifyBundle(path.join(work, out))).ok).toBe(true);
    }
    expect(readFileSync(blocked, 'utf8')).toBe('a file where the cache would go\n');
  });

  it('forgets what no build used for a month, keeping what builds use, however old', async () => {
    const library = path.join(work, 'prune-content');
    cpSync(content, library, { recursive: true });
    const own = path.join(work, 'prune-cache');
    const build1 = (out: string) => build(library, { out: path.join(work, out), cwd: work, today: '2026-11-27', cache: own, jobs: 1 }).then(ok);
    const entries = () => files(path.join(own, 'guides')).filter((f) => f.endsWith(`${path.sep}index.json`)).sort();
    const checks = () => files(path.join(own, 'checks')).sort();
    await build1('prune-1');
    const first = entries();
    const firstChecks = checks();
    // A guide edited since: its old entry and check result are never used again.
    appendFileSync(path.join(library, 'guides/second-guide/guide.md'), '\nA sentence that makes a new cache entry.\n');
    await build1('prune-2');
    const second = entries();
    expect(second.length).toBe(first.length + 1);
    // Two months pass: every record looks old, and the daily pruning is due.
    const old = new Date(Date.now() - 60 * 24 * 60 * 60 * 1000);
    for (const file of [...second, ...checks(), path.join(own, 'pruned')]) utimesSync(file, old, old);
    const third = await build1('prune-3');
    expect(third.stats).toMatchObject({ rendered: 0, cached: 3 });
    // Only the edited guide's old entry and old check went; what the build used stayed, however old.
    const removed = second.filter((f) => !entries().includes(f));
    expect(removed).toHaveLength(1);
    expect(first).toContain(removed[0]);
    expect(existsSync(path.dirname(removed[0]!)), 'the whole entry folder goes').toBe(false);
    expect(checks().length).toBe(firstChecks.length);
    // What is left builds the same bundle without rendering anything.
    const fourth = await build1('prune-4');
    expect(fourth.stats).toMatchObject({ rendered: 0, cached: 3 });
    expect(readFileSync(path.join(work, 'prune-4/manifest.json'), 'utf8')).toBe(readFileSync(path.join(work, 'prune-3/manifest.json'), 'utf8'));
  });

  it('does not ship a cached release zip that changed since it was kept', async () => {
    const zip = files(path.join(cache, 'zips')).find((f) => f.endsWith('.zip'))!;
    const expected = readFileSync(path.join(work, 'byte-flipped/careprint-1.0.0.zip'));
    const bytes = readFileSync(zip);
    bytes.writeUInt8(bytes.readUInt8(100) ^ 0xff, 100);
    // Written to a new file: the zip in dist/ is a hard link to the cached one.
    rmSync(zip);
    writeFileSync(zip, bytes);
    await run('zip-repaired');
    expect(readFileSync(path.join(work, 'zip-repaired/careprint-1.0.0.zip')).equals(expected)).toBe(true);
  });

  it('ignores the cache with cache: false (--no-cache)', async () => {
    expect((await run('nocache', { cache: false })).stats).toMatchObject({ rendered: 3, cached: 0 });
  });
});

describe('parallel builds', () => {
  it('gives byte-identical results with 2 worker processes and with 1', async () => {
    const one = await run('one', { cache: false, jobs: 1 });
    const two = await run('two', { cache: false, jobs: 2 });
    expect(two.stats.rendered).toBe(3);
    expect(JSON.stringify(two.manifest)).toBe(JSON.stringify(one.manifest));
    expect(readFileSync(path.join(work, 'two/careprint-1.0.0.zip')).equals(readFileSync(path.join(work, 'one/careprint-1.0.0.zip')))).toBe(true);
  });
});

describe('words shaped by earlier builds', () => {
  // Its own cache, so the other tests' edits do not matter: each build below renders every guide
  // in a fresh worker process, which reads the record of shaped words the builds before it kept.
  const shapingCache = path.join(work, 'shaping-cache');
  const record = () => files(path.join(shapingCache, 'shaping')).filter((f) => f.endsWith('.json'));
  const forgetOutputs = () => {
    for (const kind of ['guides', 'checks', 'zips']) rmSync(path.join(shapingCache, kind), { recursive: true, force: true });
  };
  const same = (a: string, b: string) => {
    expect(readFileSync(path.join(work, a, 'manifest.json'), 'utf8')).toBe(readFileSync(path.join(work, b, 'manifest.json'), 'utf8'));
    expect(readFileSync(path.join(work, a, 'careprint-1.0.0.zip')).equals(readFileSync(path.join(work, b, 'careprint-1.0.0.zip')))).toBe(true);
  };
  /** The record's JSON, changed by `edit` and sealed again with the cache's own seal, as a build would write it. */
  const rewriteRecord = (edit: (words: Record<string, Record<string, [number[], number[], number[][], number[], number]>>) => void) => {
    const [file] = record();
    const text = readFileSync(file!, 'utf8');
    const words = JSON.parse(text.slice(text.indexOf('\n') + 1)) as Parameters<typeof edit>[0];
    edit(words);
    writeFileSync(file!, seal(words));
  };

  it('keeps the words a build shaped, and a build that starts from them makes the same bytes as one without any cache', async () => {
    await run('shaping-first', { cache: shapingCache });
    expect(record()).toHaveLength(1);
    const words = readFileSync(record()[0]!, 'utf8');
    expect(words).toContain('"text-regular"');
    await run('shaping-none', { cache: false });
    forgetOutputs();
    const warm = await run('shaping-warm', { cache: shapingCache });
    expect(warm.stats).toMatchObject({ rendered: 3, cached: 0 });
    same('shaping-warm', 'shaping-none');
  });

  it('really draws from the record: a stored advance changed (and sealed again) moves the text', async () => {
    rewriteRecord((words) => {
      for (const run of Object.values(words['text-regular']!)) run[3][0] = run[3][0]! + 100;
    });
    forgetOutputs();
    await run('shaping-altered', { cache: shapingCache });
    const handout = 'pdf/iliopsoas-pain-running.en.handout.a4.pdf';
    expect(readFileSync(path.join(work, 'shaping-altered', handout)).equals(readFileSync(path.join(work, 'shaping-none', handout)))).toBe(false);
  });

  it('ignores a record that does not match its seal, or whose entries are not shaped words, and shapes afresh', async () => {
    const [file] = record();
    writeFileSync(file!, readFileSync(file!, 'utf8').replace('"text-regular"', '"text-regular" '));
    forgetOutputs();
    await run('shaping-damaged', { cache: shapingCache });
    same('shaping-damaged', 'shaping-none');
    rewriteRecord((words) => {
      for (const run of Object.values(words['text-regular']!)) (run as unknown[])[3] = 'not positions';
    });
    forgetOutputs();
    await run('shaping-malformed', { cache: shapingCache });
    same('shaping-malformed', 'shaping-none');
  });
});

describe('cache keys', () => {
  it('change with the Node.js careprint runs on (its zlib deflates every PDF stream and the zip)', async () => {
    const here = (await import('../src/bundle/cache.js')).toolchainDigest();
    const version = Object.getOwnPropertyDescriptor(process, 'version')!;
    vi.resetModules();
    Object.defineProperty(process, 'version', { ...version, value: 'v99.0.0' });
    try {
      // A fresh copy of the module: the digest is taken once per process.
      expect((await import('../src/bundle/cache.js')).toolchainDigest()).not.toBe(here);
    } finally {
      Object.defineProperty(process, 'version', version);
      vi.resetModules();
    }
    expect((await import('../src/bundle/cache.js')).toolchainDigest()).toBe(here);
  });
});
