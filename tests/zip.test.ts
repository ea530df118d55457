/**
 * The release zip writer (src/bundle/zip.ts), read back by Info-ZIP's unzip and zipinfo: what a
 * release engineer or a clinic unpacking the bundle would use.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inflateRawSync } from 'node:zlib';
import { writeZip, zipSha256, type ZipSource } from '../src/bundle/zip.js';

let work: string;
const files: Record<string, Buffer> = {};

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * A file under `work/<dir>` named `name`, holding `data`; its zip entry, with its content's digest.
 * `files` records what the zips made from `in/` hold; other folders hold later versions.
 */
function entry(name: string, data: Buffer | string, dir = 'in'): ZipSource {
  const file = path.join(work, dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
  if (dir === 'in') files[name] = Buffer.from(data);
  return { path: name, file, sha256: sha256(data) };
}

let entries: ZipSource[];

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'careprint-zip-'));
  // Given out of order, with text that deflates, a "PDF" that must be stored, an empty file,
  // a name outside ASCII, a file larger than the writer's read buffer (8 MB) and files that fill
  // it more than once (each must reach the zip before the buffer is read into again).
  const big = Buffer.alloc(9 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
  entries = [
    entry('site/b/index.html', '<p>Hip flexor stretch</p>\n'.repeat(200)),
    entry('pdf/a.en.handout.a4.pdf', '%PDF-1.7\n% stored, not deflated\n'.repeat(50)),
    entry('manifest.json', '{"files":[]}\n'),
    entry('quiz/empty.gift.txt', ''),
    entry('site/é/index.html', '<p>Étirement</p>\n'),
    entry('pdf/big.pdf', big),
    ...[1, 2, 3, 4].map((n) => entry(`pdf/part-${n}.pdf`, Buffer.alloc(3 * 1024 * 1024, `part ${n} `))),
  ];
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const zipinfo = (zip: string) =>
  execFileSync('zipinfo', ['-T', zip], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.startsWith('-'));

describe('release zip', () => {
  it('is a zip unzip accepts, entries sorted, each holding exactly its file', async () => {
    const zip = path.join(work, 'out/a.zip');
    await writeZip(zip, entries, new Date(Date.UTC(2026, 0, 1)));
    expect(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' })).toMatch(/No errors detected/);
    const names = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
    expect(names).toEqual(Object.keys(files).sort((a, b) => (a < b ? -1 : 1)));
    for (const name of names) {
      const content = execFileSync('unzip', ['-p', zip, name.replace(/[[*?]/g, '[$&]')], { maxBuffer: 64 * 1024 * 1024 });
      expect(content.equals(files[name]!), name).toBe(true);
    }
  });

  it('stores one fixed date and 0644 permissions in every entry, whatever the time zone', async () => {
    const date = new Date(Date.UTC(2026, 10, 27, 13, 45, 10));
    const zip = path.join(work, 'out/date.zip');
    await writeZip(zip, entries, date);
    const lines = zipinfo(zip);
    expect(lines).toHaveLength(entries.length);
    for (const line of lines) expect(line).toMatch(/^-rw-r--r-- .* 20261127\.134510 /);
    // Node follows TZ as it changes: the same zip fourteen hours east of UTC and ten west.
    const zone = process.env.TZ;
    try {
      for (const tz of ['Pacific/Kiritimati', 'Pacific/Honolulu']) {
        process.env.TZ = tz;
        expect(new Date(2026, 0, 1).getTimezoneOffset(), tz).not.toBe(0);
        expect(zipSha256(entries, date), tz).toBe(createHash('sha256').update(readFileSync(zip)).digest('hex'));
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('deflates text and stores formats that are compressed already', async () => {
    const zip = path.join(work, 'out/methods.zip');
    await writeZip(zip, entries, new Date(Date.UTC(2026, 0, 1)));
    const method = (name: string) => zipinfo(zip).find((line) => line.endsWith(` ${name}`))!.split(/\s+/)[5];
    expect(method('site/b/index.html')).toBe('defN');
    expect(method('manifest.json')).toBe('defN');
    expect(method('pdf/a.en.handout.a4.pdf')).toBe('stor');
    expect(method('pdf/big.pdf')).toBe('stor');
  });

  it('clamps a date before 1980, the first a zip can store', async () => {
    const zip = path.join(work, 'out/early.zip');
    await writeZip(zip, entries, new Date(0));
    for (const line of zipinfo(zip)) expect(line).toMatch(/ 19800101\.000000 /);
  });

  it('gives the same bytes for the same files and date, and returns their sha256', async () => {
    const first = path.join(work, 'out/first.zip');
    const second = path.join(work, 'out/second.zip');
    const date = new Date(Date.UTC(2030, 5, 15, 8, 0, 0));
    const { sha256: sha } = await writeZip(first, entries, date);
    await writeZip(second, [...entries].reverse(), date);
    const bytes = readFileSync(first);
    expect(readFileSync(second).equals(bytes)).toBe(true);
    expect(sha).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(zipSha256(entries, date)).toBe(sha);
    expect(zipSha256(entries, new Date(Date.UTC(2030, 5, 15, 8, 0, 2)))).not.toBe(sha);
  });

  it('refuses more entries than a zip without Zip64 holds, naming the limit, and leaves no file', async () => {
    const zip = path.join(work, 'out/too-many.zip');
    const many = Array.from({ length: 65_536 }, (_, i) => ({ path: `f/${i}.txt`, file: entries[0]!.file }));
    await expect(writeZip(zip, many, new Date(Date.UTC(2026, 0, 1)))).rejects.toThrow(
      'the release zip would hold 65536 files; a zip without Zip64 holds at most 65535',
    );
    expect(existsSync(zip)).toBe(false);
  });

  describe('made from an earlier zip', () => {
    const date = new Date(Date.UTC(2026, 10, 27, 9, 0, 0));

    it('records where each body lies: the stored file itself, or its raw deflate', async () => {
      const zip = path.join(work, 'out/layout.zip');
      const { layout } = await writeZip(zip, entries, date);
      const bytes = readFileSync(zip);
      expect(layout.date).toBe(date.getTime());
      expect(layout.entries.map((e) => e.path)).toEqual(Object.keys(files).sort((a, b) => (a < b ? -1 : 1)));
      for (const e of layout.entries) {
        const body = bytes.subarray(e.body, e.body + e.length);
        expect((e.compression === 0 ? body : inflateRawSync(body)).equals(files[e.path]!), e.path).toBe(true);
        expect(e.size, e.path).toBe(files[e.path]!.length);
      }
    });

    it('copies unchanged entries from it and gives the same bytes as a zip made afresh', async () => {
      const earlier = path.join(work, 'out/earlier.zip');
      const { layout } = await writeZip(earlier, entries, date);
      // One file changed and one added, in a second folder: the rest is taken from the earlier zip.
      const changed = entries.map((e) => (e.path === 'site/b/index.html' ? entry(e.path, '<p>Changed</p>\n', 'in2') : e));
      const next = [...changed, entry('pdf/new.pdf', '%PDF-1.7\nnew\n', 'in2')];
      const fresh = await writeZip(path.join(work, 'out/fresh.zip'), next, date);
      const reusing = await writeZip(path.join(work, 'out/reusing.zip'), next, date, { file: earlier, layout });
      expect(readFileSync(path.join(work, 'out/reusing.zip')).equals(readFileSync(path.join(work, 'out/fresh.zip')))).toBe(true);
      expect(reusing.sha256).toBe(fresh.sha256);
      expect(reusing.layout).toEqual(fresh.layout);
      expect(fresh.reused).toBe(0);
      expect(reusing.reused).toBe(entries.length - 1);
    });

    it('takes nothing from a zip of another date, whose headers differ', async () => {
      const earlier = path.join(work, 'out/other-date.zip');
      const { layout } = await writeZip(earlier, entries, new Date(Date.UTC(2026, 0, 1)));
      const again = await writeZip(path.join(work, 'out/again.zip'), entries, date, { file: earlier, layout });
      expect(again.reused).toBe(0);
      expect(again.sha256).toBe(zipSha256(entries, date));
    });
  });
});
