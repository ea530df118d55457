/**
 * The release bundle CI trusts: the same bytes for the same input in any folder, time zone and
 * locale; a manifest `careprint verify` checks; a zip that `unzip` accepts, in sorted order; and
 * a build that, killed or failing, never leaves a broken dist/.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashes } from './helpers/files.js';
import type { Manifest } from '../src/bundle/plan.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/careprint.js');
const run = promisify(execFile);
const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));


const careprint = (args: string[], env: Record<string, string> = {}, cwd = ROOT) =>
  run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

/**
 * The sample built once (in one time zone and locale) and shared: the reproducibility tests
 * compare against it, the verify and atomic-dist tests copy it as "the previous bundle". Built
 * when first asked for, so any test also runs on its own.
 */
let sampleBuild: Promise<string> | undefined;
const sampleBundle = () =>
  (sampleBuild ??= (async () => {
    const a = path.join(work, 'a');
    const one = await careprint(['build', 'content', '--out', a, '--quiet'], { SOURCE_DATE_EPOCH: '1767225600', TZ: 'Pacific/Auckland', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' });
    if (one.code !== 0) throw new Error(`the sample build failed: ${one.stderr}`);
    return a;
  })());

describe('reproducible release bundle', () => {
  let a: string;
  beforeAll(async () => {
    // Two builds, in two folders (content copied elsewhere too), under different TZ and locale.
    const copy = path.join(work, 'elsewhere', 'content');
    cpSync(path.join(ROOT, 'content'), copy, { recursive: true });
    const b = path.join(work, 'deeper', 'b');
    a = await sampleBundle();
    const two = await careprint(['build', copy, '--out', b, '--quiet'], { SOURCE_DATE_EPOCH: '1767225600', TZ: 'America/Los_Angeles', LANG: 'C', LC_ALL: 'C' }, work);
    expect(two.code).toBe(0);
  });

  it('gives identical bytes for every file and the zip', () => {
    const first = hashes(a);
    const second = hashes(path.join(work, 'deeper', 'b'));
    expect(Object.keys(first).length).toBeGreaterThan(20);
    expect(Object.keys(first)).toContain('careprint-1.0.0.zip');
    expect(second).toEqual(first);
  });

  it('leaks no absolute path, host name or user name into any output', () => {
    const needles = [work, ROOT, os.hostname(), os.userInfo().username === 'root' ? '/root/' : os.userInfo().username].filter((n) => n.length > 3);
    for (const file of Object.keys(hashes(a))) {
      const text = readFileSync(path.join(a, file)).toString('latin1');
      for (const needle of needles) expect(text.includes(needle), `${file} contains ${needle}`).toBe(false);
    }
  });

  it('ships a zip that unzip accepts, with sorted entries, the manifest inside and fixed dates', () => {
    const zip = path.join(a, 'careprint-1.0.0.zip');
    expect(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' })).toMatch(/No errors detected/);
    const entries = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
    expect(entries).toEqual([...entries].sort());
    expect(entries).toContain('manifest.json');
    const manifest = JSON.parse(readFileSync(path.join(a, 'manifest.json'), 'utf8')) as { files: Array<{ path: string }> };
    expect(entries.filter((e) => e !== 'manifest.json')).toEqual(manifest.files.map((f) => f.path));
    const listing = execFileSync('zipinfo', [zip], { encoding: 'utf8' });
    for (const line of listing.split('\n').filter((l) => l.startsWith('-'))) expect(line).toMatch(/^-rw-r--r-- .* 26-Jan-01 00:00 /);
  });

  it('lists every file in the manifest with size, checksum, media type and its source guide', () => {
    const manifest = JSON.parse(readFileSync(path.join(a, 'manifest.json'), 'utf8')) as {
      careprint: string;
      release: string;
      files: Array<{ path: string; bytes: number; sha256: string; mediaType: string; guide?: string; lang?: string; version?: string }>;
    };
    expect(manifest.careprint).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.release).toBe('1.0.0');
    const pdf = manifest.files.find((f) => f.path.endsWith('.handout.a4.pdf'))!;
    expect(pdf).toMatchObject({ mediaType: 'application/pdf', guide: 'iliopsoas-pain-running', lang: 'en', version: '1.2.0' });
    expect(manifest.files.map((f) => f.path)).toEqual(manifest.files.map((f) => f.path).sort());
  });
});

describe('careprint verify', () => {
  let dist: string;
  beforeAll(async () => {
    dist = path.join(work, 'verify');
    cpSync(await sampleBundle(), dist, { recursive: true });
  });

  it('passes on an intact bundle, its release zip included', async () => {
    const result = await careprint(['verify', dist]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\d+ files match the manifest, and so does careprint-[\w.+-]+\.zip/);
  });

  it('fails naming the release zip when one byte of it is altered', async () => {
    const copy = path.join(work, 'verify-zip');
    cpSync(dist, copy, { recursive: true });
    const zip = readdirSync(copy).find((name) => name.endsWith('.zip'))!;
    const bytes = readFileSync(path.join(copy, zip));
    // A byte of the central directory's last entry: no entry's data changes, only the zip.
    bytes[bytes.length - 30] = bytes[bytes.length - 30]! ^ 0x01;
    writeFileSync(path.join(copy, zip), bytes);
    const result = await careprint(['verify', copy]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`altered  ${zip} (not the zip of the listed files)`);
    expect(result.stderr).toContain('0 missing, 1 altered, 0 extra');
  });

  it('fails when a whole bundle has lost its release zip', async () => {
    const copy = path.join(work, 'verify-nozip');
    cpSync(dist, copy, { recursive: true });
    const zip = readdirSync(copy).find((name) => name.endsWith('.zip'))!;
    rmSync(path.join(copy, zip));
    const result = await careprint(['verify', copy]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`missing  ${zip} (the release zip)`);
  });

  it.each([
    { what: 'a path outside the bundle', edit: (m: Manifest) => (m.files[1]!.path = '../outside.pdf'), message: /files\.1\.path must be a relative path inside the bundle/ },
    { what: 'an absolute path', edit: (m: Manifest) => (m.files[0]!.path = '/etc/passwd'), message: /files\.0\.path must be a relative path inside the bundle/ },
    { what: 'a file twice', edit: (m: Manifest) => m.files.push(m.files[0]!), message: /lists \S+ twice/ },
    { what: 'no file list', edit: (m: Manifest) => delete (m as Partial<Manifest>).files, message: /files Invalid input/ },
  ])('refuses a manifest listing $what, saying where', async ({ edit, message }) => {
    const copy = path.join(work, `verify-manifest-${Math.random().toString(36).slice(2)}`);
    cpSync(dist, copy, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(copy, 'manifest.json'), 'utf8')) as Manifest;
    edit(manifest);
    writeFileSync(path.join(copy, 'manifest.json'), JSON.stringify(manifest));
    const result = await careprint(['verify', copy]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/manifest\.json is not a careprint manifest|manifest\.json lists/);
    expect(result.stderr).toMatch(message);
  });

  it('fails naming an altered, a missing and an extra file', async () => {
    const altered = path.join(dist, 'pdf', 'iliopsoas-pain-running.en.quiz.a4.pdf');
    const bytes = readFileSync(altered);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(altered, bytes);
    rmSync(path.join(dist, 'site', '404.html'));
    writeFileSync(path.join(dist, 'site', 'extra.html'), '<p>not in the manifest</p>');
    const result = await careprint(['verify', dist]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('altered  pdf/iliopsoas-pain-running.en.quiz.a4.pdf');
    expect(result.stderr).toContain('missing  site/404.html');
    expect(result.stderr).toContain('extra    site/extra.html');
  });
});

describe('atomic dist/', () => {
  it('a build killed mid-way leaves the previous dist/ intact, and the next build cleans up after it', async () => {
    // A library big enough that the build is still running when it is killed.
    const content = path.join(work, 'big');
    cpSync(path.join(ROOT, 'content'), content, { recursive: true });
    for (let i = 0; i < 12; i++) cpSync(path.join(content, 'guides', 'iliopsoas-pain-running'), path.join(content, 'guides', `copy-${i}`), { recursive: true });
    const dist = path.join(work, 'atomic', 'dist');
    mkdirSync(path.dirname(dist), { recursive: true });
    cpSync(await sampleBundle(), dist, { recursive: true });
    const before = hashes(dist);
    // A leftover from an earlier killed build.
    mkdirSync(`${dist}.tmp-424242/pdf`, { recursive: true });
    writeFileSync(`${dist}.tmp-424242/pdf/partial.pdf`, '%PDF-1.7 truncated');

    // --no-cache: a cache left by an earlier run would make the build finish before it is killed.
    const child = spawn(process.execPath, [BIN, 'build', content, '--out', dist, '--quiet', '--no-cache'], { cwd: ROOT, stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const stillRunning = child.exitCode === null;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(stillRunning, 'the build was still running when killed').toBe(true);
    expect(hashes(dist)).toEqual(before);
    expect((await careprint(['verify', dist])).code).toBe(0);

    const again = await careprint(['build', content, '--out', dist, '--quiet']);
    expect(again.code).toBe(0);
    // The killed build's worker processes must not write on (and so recreate its temporary
    // folder) after the next build has cleaned it: give them time to try.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(readdirSync(path.dirname(dist)).sort()).toEqual(['dist']);
    expect((await careprint(['verify', dist])).code).toBe(0);
  });

  it('a content error writes nothing and leaves dist/ as it was', async () => {
    const content = path.join(work, 'broken');
    cpSync(path.join(ROOT, 'content'), content, { recursive: true });
    appendFileSync(path.join(content, 'guides/iliopsoas-pain-running/guide.md'), '\n:::unknown-box\nx\n:::\n');
    const dist = path.join(work, 'atomic-2', 'dist');
    mkdirSync(path.dirname(dist), { recursive: true });
    cpSync(await sampleBundle(), dist, { recursive: true });
    const before = hashes(dist);
    const result = await careprint(['build', content, '--out', dist]);
    expect(result.code).toBe(1);
    expect(hashes(dist)).toEqual(before);
    expect(existsSync(`${dist}.tmp-${process.pid}`)).toBe(false);
  });

  it('puts the previous bundle back when a build was killed between moving it aside and moving the new one in', async () => {
    const dist = path.join(work, 'atomic-swap', 'dist');
    // What that kill leaves: no dist/, the previous bundle aside, the new one not yet in place.
    mkdirSync(path.dirname(dist), { recursive: true });
    cpSync(await sampleBundle(), `${dist}.old-424242`, { recursive: true });
    mkdirSync(`${dist}.tmp-424242`);
    const before = hashes(`${dist}.old-424242`);
    const content = path.join(work, 'atomic-swap', 'content');
    cpSync(path.join(ROOT, 'content'), content, { recursive: true });
    appendFileSync(path.join(content, 'guides/iliopsoas-pain-running/guide.md'), '\n:::unknown-box\nx\n:::\n');
    // The next build stops on a content error, so dist/ is only what the clean-up made of it.
    expect((await careprint(['build', content, '--out', dist])).code).toBe(1);
    expect(readdirSync(path.dirname(dist)).sort()).toEqual(['content', 'dist']);
    expect(hashes(dist)).toEqual(before);
    expect((await careprint(['verify', dist])).code).toBe(0);
  });

  it('leaves alone the temporary folder of another build that is still running', async () => {
    const dist = path.join(work, 'atomic-3', 'dist');
    // Named after a live process (this test's own): a build running beside ours.
    const running = `${dist}.tmp-${process.pid}`;
    mkdirSync(path.join(running, 'pdf'), { recursive: true });
    writeFileSync(path.join(running, 'pdf', 'half.pdf'), '%PDF-1.7 still being written');
    mkdirSync(`${dist}.tmp-424242`, { recursive: true });
    const result = await careprint(['build', 'content', '--out', dist, '--quiet']);
    expect(result.code).toBe(0);
    expect(readdirSync(path.dirname(dist)).sort()).toEqual(['dist', `dist.tmp-${process.pid}`]);
    expect(readFileSync(path.join(running, 'pdf', 'half.pdf'), 'utf8')).toBe('%PDF-1.7 still being written');
  });

  describe('never replaces a folder careprint did not make', () => {
    /** A project: the content, a notes file, and a folder of someone's own work. */
    const project = (name: string) => {
      const dir = path.join(work, 'unsafe', name);
      cpSync(path.join(ROOT, 'content'), path.join(dir, 'content'), { recursive: true });
      writeFileSync(path.join(dir, 'notes.txt'), 'my own notes\n');
      mkdirSync(path.join(dir, 'own'));
      writeFileSync(path.join(dir, 'own', 'work.txt'), 'not a bundle\n');
      return dir;
    };
    it.each([
      { out: '.', message: /holds the content folder/ },
      { out: 'content', message: /is the content folder/ },
      { out: 'own', message: /is not empty and is not a careprint bundle/ },
      { out: 'notes.txt', message: /is a file, not a bundle folder/ },
      { out: '.cache', message: /holds the build cache/ },
      // The next check read the bundle as content (an unknown file), or the cache's cleaning removed it.
      { out: 'content/dist', message: /is inside the content folder/ },
      { out: '.cache/careprint/dist', message: /is inside the build cache/ },
      { out: 'notes.txt/dist', message: /cannot use \S+notes\.txt\/dist as the output folder: ENOTDIR/ },
      // Node's recursive mkdir never returns under /proc: this hung at full CPU.
      { out: '/proc/careprint-dist', message: /cannot write the bundle beside \/proc\/careprint-dist: ENOENT/ },
    ])('build --out $out: exit 2, says why, and every file is still there', async ({ out, message }) => {
      const dir = project(`build-${out.replace(/\W/g, '_')}`);
      mkdirSync(path.join(dir, '.cache', 'careprint'), { recursive: true });
      const before = hashes(dir);
      const result = await careprint(['build', 'content', '--out', out, '--quiet'], {}, dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('choose');
      expect(hashes(dir)).toEqual(before);
      expect(readdirSync(dir).sort()).toEqual(['.cache', 'content', 'notes.txt', 'own']);
    });

    it('merge --out one of its own shards: exit 2, and the shard is untouched', async () => {
      const dir = project('merge');
      expect((await careprint(['build', 'content', '--out', 'shard', '--shard', '1/1', '--no-cache', '--quiet'], {}, dir)).code).toBe(0);
      const before = hashes(dir);
      const result = await careprint(['merge', 'shard', '--out', 'shard'], {}, dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/is a shard being merged/);
      expect(hashes(dir)).toEqual(before);
    });

    it('builds into the folder an output link points at, and keeps the link', async () => {
      const dir = project('link');
      mkdirSync(path.join(dir, 'share', 'dist'), { recursive: true });
      symlinkSync(path.join(dir, 'share', 'dist'), path.join(dir, 'dist-link'));
      for (let i = 0; i < 2; i++) expect((await careprint(['build', 'content', '--out', 'dist-link', '--quiet', '--no-cache'], {}, dir)).code).toBe(0);
      // The swap replaced the link with a folder, and the shared folder stayed empty.
      expect(lstatSync(path.join(dir, 'dist-link')).isSymbolicLink()).toBe(true);
      expect(existsSync(path.join(dir, 'share', 'dist', 'manifest.json'))).toBe(true);
      expect(readdirSync(path.join(dir, 'share'))).toEqual(['dist']);
      expect((await careprint(['verify', path.join(dir, 'share', 'dist')])).code).toBe(0);
    });

    it('replaces an empty folder, and a bundle it wrote before', async () => {
      const dir = project('replace');
      mkdirSync(path.join(dir, 'empty'));
      // Only what a file browser leaves behind: still an empty folder.
      writeFileSync(path.join(dir, 'empty', '.DS_Store'), 'Finder');
      expect((await careprint(['build', 'content', '--out', 'empty', '--quiet'], {}, dir)).code).toBe(0);
      expect((await careprint(['build', 'content', '--out', 'empty', '--quiet'], {}, dir)).code).toBe(0);
      expect((await careprint(['verify', path.join(dir, 'empty')])).code).toBe(0);
    });
  });

  // One guide renders in the build's own process, two in worker processes: both must give up.
  it.each([
    { where: 'in the build process', copies: 0 },
    { where: 'in worker processes', copies: 1 },
  ])('a build in which no guide finishes in time ($where) fails with a message, leaving dist/ and no temporary folder', async ({ where, copies }) => {
    const content = path.join(work, `stall-${copies}`, 'content');
    cpSync(path.join(ROOT, 'content'), content, { recursive: true });
    for (let i = 0; i < copies; i++) cpSync(path.join(content, 'guides', 'iliopsoas-pain-running'), path.join(content, 'guides', `copy-${i}`), { recursive: true });
    const dist = path.join(work, `stall-${copies}`, 'out', 'dist');
    // A previous bundle (its contents do not matter, only that they survive).
    mkdirSync(path.join(dist, 'pdf'), { recursive: true });
    writeFileSync(path.join(dist, 'pdf', 'earlier.pdf'), '%PDF-1.7 from the last good build');
    writeFileSync(path.join(dist, 'manifest.json'), JSON.stringify({ careprint: '0.1.0', release: '1.0.0', date: '2026-01-01T00:00:00.000Z', files: [] }));
    const before = hashes(dist);
    // A limit no render can meet stands in for a renderer that stopped responding.
    const result = await careprint(['build', content, '--out', dist, '--no-cache', '--jobs', '2'], { CAREPRINT_STALL_TIMEOUT: '0.001' });
    expect(result.code, where).toBe(2);
    expect(result.stderr).toMatch(/no guide finished rendering in 0\.001 s \(still waiting for (copy-0|iliopsoas-pain-running)/);
    expect(hashes(dist)).toEqual(before);
    // A render still going when the build gave up must not write on (and recreate the folder).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(readdirSync(path.dirname(dist))).toEqual(['dist']);
  });

  it.each(['yesterday', '1.5', '-5', '4102444799', '99999999999999'])('refuses SOURCE_DATE_EPOCH=%s (exit 2, naming it) instead of ignoring it, and writes nothing', async (value) => {
    const out = path.join(work, `sde-${value}`);
    const result = await careprint(['build', 'content', '--out', out, '--quiet'], { SOURCE_DATE_EPOCH: value });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, up to 4102444798 (the end of 2099); got "${value}"`);
    expect(existsSync(out)).toBe(false);
  });

  it('accepts SOURCE_DATE_EPOCH up to the last second of 2099, and every zip entry carries it', async () => {
    const out = path.join(work, 'sde-last');
    const result = await careprint(['build', 'content', '--out', out, '--quiet', '--no-cache'], { SOURCE_DATE_EPOCH: '4102444798' });
    expect(result.code, result.stderr).toBe(0);
    const lines = execFileSync('zipinfo', ['-T', path.join(out, 'careprint-1.0.0.zip')], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('-'));
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).toMatch(/ 20991231\.235958 /);
  });

  it('refuses --only naming no guide folder (exit 2, suggesting the near one), leaving the bundle as it was', async () => {
    const out = path.join(work, 'only-typo');
    expect((await careprint(['build', 'content', '--out', out, '--quiet', '--no-cache'])).code).toBe(0);
    const before = hashes(out);
    const result = await careprint(['build', 'content', '--out', out, '--quiet', '--only', 'iliopsoas-pain-runing']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--only: no guide folder "iliopsoas-pain-runing" (did you mean iliopsoas-pain-running?)');
    // It wrote a bundle of no guides over the whole one, and said it had succeeded.
    expect(hashes(out)).toEqual(before);
  });

  it('refuses a stall limit that is not a positive number of seconds', async () => {
    const result = await careprint(['build', 'content', '--out', path.join(work, 'never')], { CAREPRINT_STALL_TIMEOUT: 'soon' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CAREPRINT_STALL_TIMEOUT must be a number of seconds above 0');
  });
});
