import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ShapedWords } from '../render/pdf/fonts.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { ManifestEntrySchema, type ManifestEntry } from './plan.js';
import { fileIn, linkOrCopy } from './write.js';
import { streamSha256, ZipLayoutSchema, type PreviousZip, type WrittenZip } from './zip.js';

/** Files under a folder (regular files and links), recursively, sorted by name; none if it does not exist. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return filesUnder(full);
      return entry.isFile() || entry.isSymbolicLink() ? [full] : [];
    });
}

/**
 * A cache record (an entry's file list, a check result) as written: the sha256 of its JSON, a line
 * break, the JSON. A record cut short or changed on disk no longer matches its digest and reads as
 * a miss, so it is made again, never trusted; a record from before this format is a miss too.
 */
export const seal = (value: unknown) => {
  const json = JSON.stringify(value);
  return `${createHash('sha256').update(json).digest('hex')}\n${json}`;
};

function unseal(text: string): unknown {
  const newline = text.indexOf('\n');
  const json = text.slice(newline + 1);
  if (newline !== 64 || createHash('sha256').update(json).digest('hex') !== text.slice(0, 64)) return undefined;
  return JSON.parse(json);
}

/** An entry's file list: paths are joined onto dist/, so they are checked as a manifest's are. */
const EntryIndexSchema = z.array(ManifestEntrySchema);
/** What is kept beside a release zip: the code and templates that made it, and its layout. */
const ZipRecordSchema = z.object({ toolchain: z.string(), layout: ZipLayoutSchema });

let code: string | undefined;
let toolchain: string | undefined;

function digestFiles(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(path.relative(PACKAGE_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/**
 * careprint's own code and the exact dependency tree (package-lock.json, which pins the fonts
 * too): what decides how a word is shaped, whatever the templates say.
 */
export function codeDigest(): string {
  code ??= digestFiles([...filesUnder(path.join(PACKAGE_ROOT, 'src')), path.join(PACKAGE_ROOT, 'package-lock.json')]);
  return code;
}

/**
 * Everything besides the content that shapes an output: careprint's code and dependencies
 * (codeDigest), its templates and the Node.js it runs on (its zlib deflates every PDF stream and
 * the zip's text: a newer zlib may compress the same input to other bytes, which a build without
 * the cache would then not match). A change to any of them invalidates every cache entry;
 * digests, not timestamps, so a checkout or copy is no change.
 */
export function toolchainDigest(): string {
  toolchain ??= createHash('sha256')
    .update(codeDigest())
    .update('\0')
    .update(digestFiles(filesUnder(path.join(PACKAGE_ROOT, 'templates'))))
    .update('\0')
    .update(process.version)
    .digest('hex');
  return toolchain;
}

export const digestOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * The build cache: rendered guide outputs, guide check results, words the fonts shaped and
 * release zips, each keyed by the digest of everything it is made from. An output entry is a
 * folder of files plus an index with their checksums: a corrupt or truncated file fails its
 * checksum and the entry counts as a miss, so it is rebuilt, never shipped. Files are hard-linked
 * into dist/ and back, so a cached build copies nothing.
 */
export class RenderCache {
  constructor(readonly dir: string) {}

  private entryDir(key: string): string {
    return path.join(this.dir, 'guides', key.slice(0, 2), key);
  }

  /** Is there an entry for `key` (not yet verified)? */
  has(key: string): boolean {
    return existsSync(path.join(this.entryDir(key), 'index.json'));
  }

  /**
   * The cached entries for `key`, each file checked against its digest; undefined on any miss.
   * A file is read and hashed unless its size, modification time and inode are still those it
   * had when its digest last matched (`verified.json`, as git trusts its index): any write to
   * it, a truncation included, changes them. Synchronous: cached files sit in the page cache,
   * and thousands of small asynchronous reads spend more time in round trips than in reading.
   */
  read(key: string): Array<ManifestEntry & { file: string }> | undefined {
    const dir = this.entryDir(key);
    let entries: ManifestEntry[];
    try {
      const parsed = EntryIndexSchema.safeParse(unseal(readFileSync(path.join(dir, 'index.json'), 'utf8')));
      if (!parsed.success) return undefined;
      entries = parsed.data;
    } catch {
      return undefined;
    }
    const stamps = readStamps(dir);
    let restamped = false;
    const out: Array<ManifestEntry & { file: string }> = [];
    for (const entry of entries) {
      const file = fileIn(path.join(dir, 'files'), entry.path);
      try {
        const stamp = stampOf(file);
        if (stamp[0] !== entry.bytes) return undefined;
        if (!sameStamp(stamps[entry.path], stamp)) {
          const data = readFileSync(file);
          if (data.length !== entry.bytes || sha256(data) !== entry.sha256) return undefined;
          stamps[entry.path] = stamp;
          restamped = true;
        }
      } catch {
        return undefined;
      }
      out.push({ ...entry, file });
    }
    if (restamped) writeStamps(dir, stamps);
    markUsed(path.join(dir, 'index.json'));
    return out;
  }

  /**
   * Start a cache entry for `key`. Each file is written once into the entry's temporary folder
   * and linked to its place in dist/; `commit` renames the finished entry into place, so a reader
   * never sees half an entry.
   */
  stage(key: string): { add(entry: ManifestEntry, data: Buffer, target: string): Promise<void>; commit(): Promise<void> } {
    const dir = this.entryDir(key);
    const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const entries: ManifestEntry[] = [];
    let usable = true;
    return {
      add: async (entry, data, target) => {
        if (usable) {
          try {
            const file = fileIn(path.join(tmp, 'files'), entry.path);
            await mkdir(path.dirname(file), { recursive: true });
            await writeFile(file, data);
            await mkdir(path.dirname(target), { recursive: true });
            await linkOrCopy(file, target);
            entries.push(entry);
            return;
          } catch {
            // A cache that cannot be written only costs time next build.
            usable = false;
          }
        }
        await writeFile(target, data);
      },
      commit: async () => {
        try {
          if (!usable) throw new Error('cache entry incomplete');
          entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
          await writeFile(path.join(tmp, 'index.json'), seal(entries));
          // Each file was just written from the bytes its digest was taken of.
          writeStamps(tmp, Object.fromEntries(entries.map((entry) => [entry.path, stampOf(fileIn(path.join(tmp, 'files'), entry.path))])));
          await rm(dir, { recursive: true, force: true });
          await rename(tmp, dir);
        } catch {
          // A cache that cannot be written only costs time next build (its folder may not even exist).
          await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
        }
      },
    };
  }

  private jsonFile(kind: string, key: string): string {
    return path.join(this.dir, kind, key.slice(0, 2), `${key}.json`);
  }

  /** A cached check result (plain data, as written by this careprint: the key covers its code), or undefined. */
  readCheck<T>(key: string): T | undefined {
    return this.readRecord<T>('checks', key);
  }

  /** Words shaped by earlier builds (see render/pdf/fonts.ts), or undefined. */
  readShaping(key: string): ShapedWords | undefined {
    return this.readRecord<ShapedWords>('shaping', key);
  }

  private readRecord<T>(kind: string, key: string): T | undefined {
    try {
      const file = this.jsonFile(kind, key);
      const value = (unseal(readFileSync(file, 'utf8')) ?? undefined) as T | undefined;
      if (value !== undefined) markUsed(file);
      return value;
    } catch {
      return undefined;
    }
  }

  /**
   * Remove what no build has used for `maxAgeDays`: guide entries, check results and shaped-word
   * records (each edit of a guide leaves its old entry behind, and each new careprint or
   * dependency tree a new record, so a cache would otherwise only grow), and staging folders a
   * killed build left. Using an entry marks it (its record's modification time), so a
   * build never loses what it or a build beside it is using; by age rather than "not used by this
   * build", so builds with other options or shards can share one cache. Run at most once a day.
   */
  async prune(maxAgeDays = 30, now = Date.now()): Promise<number> {
    const marker = path.join(this.dir, 'pruned');
    try {
      if (now - statSync(marker).mtimeMs < DAY) return 0;
    } catch {
      // Never pruned yet.
    }
    const cutoff = now - maxAgeDays * DAY;
    let removed = 0;
    const removeIfOld = async (record: string, target: string, limit = cutoff) => {
      let time: number;
      try {
        time = statSync(record).mtimeMs;
      } catch {
        time = -Infinity;
      }
      if (time >= limit) return;
      await rm(target, { recursive: true, force: true }).catch(() => undefined);
      removed += 1;
    };
    for (const shard of listDir(path.join(this.dir, 'guides'))) {
      for (const name of listDir(path.join(this.dir, 'guides', shard))) {
        const entry = path.join(this.dir, 'guides', shard, name);
        // A staging folder (`<key>.tmp-…`) is a day old only if its build died.
        if (name.includes('.tmp-')) await removeIfOld(entry, entry, now - DAY);
        else await removeIfOld(path.join(entry, 'index.json'), entry);
      }
    }
    for (const kind of ['checks', 'shaping']) {
      for (const shard of listDir(path.join(this.dir, kind))) {
        for (const name of listDir(path.join(this.dir, kind, shard))) {
          const file = path.join(this.dir, kind, shard, name);
          await removeIfOld(file, file, name.includes('.tmp-') ? now - DAY : cutoff);
        }
      }
    }
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(marker, '');
      utimesSync(marker, new Date(now), new Date(now));
    } catch {
      // Only means pruning runs again next build.
    }
    return removed;
  }

  async writeCheck(key: string, value: unknown): Promise<void> {
    await this.writeRecord('checks', key, value);
  }

  async writeShaping(key: string, words: ShapedWords): Promise<void> {
    await this.writeRecord('shaping', key, words);
  }

  private async writeRecord(kind: string, key: string, value: unknown): Promise<void> {
    const file = this.jsonFile(kind, key);
    const tmp = `${file}.tmp-${process.pid}`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(tmp, seal(value));
      await rename(tmp, file);
    } catch {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  private zipFile(key: string): string {
    return path.join(this.dir, 'zips', `${key}.zip`);
  }

  /** Does the kept zip `file` still match the digest it was written with? */
  private async zipIsIntact(file: string): Promise<boolean> {
    const expected = (await readFile(`${file}.sha256`, 'utf8')).trim();
    // Hashed again only if the zip changed since its digest last matched (as for outputs).
    const stamps = readStamps(path.dirname(file));
    const stamp = stampOf(file);
    if (!sameStamp(stamps.zip, stamp)) {
      if ((await streamSha256(createReadStream(file))) !== expected) return false;
      writeStamps(path.dirname(file), { zip: stamp });
    }
    return true;
  }

  /**
   * Link the cached release zip for `key` to `target`, after checking its digest; false on a miss.
   * The key covers the manifest (every file's checksum and the date) and careprint itself.
   */
  async linkZip(key: string, target: string): Promise<boolean> {
    const file = this.zipFile(key);
    try {
      if (!(await this.zipIsIntact(file))) return false;
      await linkOrCopy(file, target);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The release zip kept last, with where its entries lie, for the next zip to copy the entries
   * that did not change: only if this careprint's code and templates (`toolchain`) made it and it
   * still matches its digest; else undefined.
   */
  async previousZip(toolchain: string): Promise<PreviousZip | undefined> {
    try {
      const dir = path.join(this.dir, 'zips');
      const name = readdirSync(dir).find((entry) => entry.endsWith('.zip'));
      if (name === undefined) return undefined;
      const file = path.join(dir, name);
      const record = ZipRecordSchema.safeParse(unseal(readFileSync(`${file}.layout`, 'utf8')));
      if (!record.success || record.data.toolchain !== toolchain) return undefined;
      if (!(await this.zipIsIntact(file))) return undefined;
      return { file, layout: record.data.layout };
    } catch {
      return undefined;
    }
  }

  /**
   * Keep a finished release zip (only the latest one: each is as large as the bundle), with its
   * sha256 as written and its layout.
   */
  async keepZip(key: string, source: string, written: WrittenZip, toolchain: string): Promise<void> {
    const dir = path.join(this.dir, 'zips');
    try {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await linkOrCopy(source, this.zipFile(key));
      await writeFile(`${this.zipFile(key)}.sha256`, written.sha256);
      await writeFile(`${this.zipFile(key)}.layout`, seal({ toolchain, layout: written.layout }));
      writeStamps(dir, { zip: stampOf(this.zipFile(key)) });
    } catch {
      // A cache that cannot be written only costs time next build.
    }
  }
}

const DAY = 24 * 60 * 60 * 1000;

/** Mark a cache record as just used (its modification time), so pruning keeps it. */
function markUsed(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // A record that cannot be marked may be pruned after a month unused: only costs a render.
  }
}

const listDir = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

/** A file's size, modification time and inode: what any write to it changes. */
type Stamp = [size: number, mtimeMs: number, ino: number];

function stampOf(file: string): Stamp {
  const stat = statSync(file);
  return [stat.size, stat.mtimeMs, stat.ino];
}

const sameStamp = (a: Stamp | undefined, b: Stamp) => Array.isArray(a) && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/** Each file's stamp when its digest last matched, by bundle path. */
function readStamps(dir: string): Record<string, Stamp> {
  try {
    const stamps: unknown = JSON.parse(readFileSync(path.join(dir, 'verified.json'), 'utf8'));
    // Only ever a shortcut: anything unexpected means every file is hashed again.
    return stamps !== null && typeof stamps === 'object' && !Array.isArray(stamps) ? (stamps as Record<string, Stamp>) : {};
  } catch {
    return {};
  }
}

function writeStamps(dir: string, stamps: Record<string, Stamp>): void {
  const file = path.join(dir, 'verified.json');
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, JSON.stringify(stamps));
    renameSync(tmp, file);
  } catch {
    // Only costs a re-check next build.
  }
}
