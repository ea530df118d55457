import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, lstatSync, lutimesSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { lstat, lutimes, mkdir, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
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
 *
 * The cache never leaves its folder. A cache may be shared or committed, so anything in it may
 * have been put there by someone else, links included: a link followed by the daily pruning
 * deleted folders and old files outside the cache, one followed by a write overwrote a file
 * outside it, and a cached "file" that was a link to /etc/passwd was shipped in the bundle. So
 * below the cache folder (which itself may be reached through links: it is where the user put
 * it) nothing is ever followed: every path is looked at with lstat, one part at a time; files are
 * opened with O_NOFOLLOW and only if regular; files are written under a fresh name created
 * exclusively and renamed into place (a rename replaces a link, never what it points to). A link
 * met where something is read counts as a miss; where something is written or pruned it is
 * removed: the link itself, never what it points to.
 */
export class RenderCache {
  constructor(readonly dir: string) {}

  private entryDir(key: string): string {
    return path.join(this.dir, 'guides', key.slice(0, 2), key);
  }

  /** Is there an entry for `key` (not yet verified)? */
  has(key: string): boolean {
    const list = path.join(this.entryDir(key), 'index.json');
    return this.foldersReal(list) && lstatOrNone(list)?.isFile() === true;
  }

  /**
   * The cached entries for `key`, each file checked against its digest; undefined on any miss.
   * A file is read and hashed unless its stamp (size, modification time, inode and ctime) is
   * still the one it had when its digest last matched (`verified.json`, as git trusts its index):
   * any write to it, a truncation included, changes it. Synchronous: cached files sit in the page
   * cache, and thousands of small asynchronous reads spend more time in round trips than in reading.
   */
  read(key: string): Array<ManifestEntry & { file: string }> | undefined {
    const dir = this.entryDir(key);
    // Folders of this entry found to be real folders (not links), each looked at once.
    const seen = new Set<string>();
    let entries: ManifestEntry[];
    try {
      const parsed = EntryIndexSchema.safeParse(unseal(this.readIn(path.join(dir, 'index.json'), seen).toString('utf8')));
      if (!parsed.success) return undefined;
      entries = parsed.data;
    } catch {
      return undefined;
    }
    const stamps = this.readStamps(dir);
    let restamped = false;
    const out: Array<ManifestEntry & { file: string }> = [];
    for (const entry of entries) {
      const file = fileIn(path.join(dir, 'files'), entry.path);
      const stamp = this.checkedStamp(file, entry, stamps[entry.path], seen);
      if (!stamp) return undefined;
      if (!sameStamp(stamps[entry.path], stamp)) {
        stamps[entry.path] = stamp;
        restamped = true;
      }
      out.push({ ...entry, file });
    }
    if (restamped) this.writeStamps(dir, stamps);
    for (const { path: name, file } of out) this.took(dir, name, file, stamps[name]!);
    markUsed(path.join(dir, 'index.json'));
    return out;
  }

  /**
   * The stamp of a cached file if it still holds what its entry lists, else undefined. It must be
   * a regular file in real folders of the cache: a link, even to the right bytes, is refused (it
   * would be linked into the bundle as a link, or copied from wherever it points). It is read and
   * hashed unless its stamp is `known`, the one it had when its digest last matched.
   */
  private checkedStamp(file: string, entry: ManifestEntry, known: Stamp | undefined, seen: Set<string>): Stamp | undefined {
    if (!this.foldersReal(file, seen)) return undefined;
    const stat = lstatOrNone(file);
    if (!stat?.isFile() || stat.size !== entry.bytes) return undefined;
    // Taken before reading: a write while it is read leaves a stamp that matches nothing later.
    const stamp = stampOf(stat);
    if (sameStamp(known, stamp)) return stamp;
    try {
      const data = readRegular(file);
      return data.length === entry.bytes && sha256(data) === entry.sha256 ? stamp : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Start a cache entry for `key`. Each file is written once into the entry's temporary folder
   * and linked to its place in dist/; `commit` renames the finished entry into place, so a reader
   * never sees half an entry.
   */
  stage(key: string): { add(entry: ManifestEntry, data: Buffer, target: string): Promise<void>; commit(): Promise<void> } {
    const dir = this.entryDir(key);
    const tmp = temporaryName(dir);
    const entries: ManifestEntry[] = [];
    let usable = true;
    // Before the first file, once: the entry's shard made a real folder of the cache (a link there
    // is removed) and the temporary folder made in it.
    let ready: Promise<void> | undefined;
    return {
      add: async (entry, data, target) => {
        if (usable) {
          try {
            ready ??= this.makeFolder(path.dirname(dir)).then(async () => {
              await mkdir(tmp);
            });
            await ready;
            const file = fileIn(path.join(tmp, 'files'), entry.path);
            await mkdir(path.dirname(file), { recursive: true });
            await writeFile(file, data, { flag: 'wx' });
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
          if (!usable || !ready) throw new Error('cache entry incomplete');
          entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
          await writeFile(path.join(tmp, 'index.json'), seal(entries), { flag: 'wx' });
          // Each file was just written from the bytes its digest was taken of.
          this.writeStamps(tmp, Object.fromEntries(entries.map((entry) => [entry.path, stampOf(lstatSync(fileIn(path.join(tmp, 'files'), entry.path)))])));
          // Whatever is at the entry's place goes (a link: itself), and only while its shard is still a real folder.
          if (!this.foldersReal(dir)) throw new Error('the cache entry\'s folder is not a real folder');
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
      const value = (unseal(this.readIn(file).toString('utf8')) ?? undefined) as T | undefined;
      if (value !== undefined) markUsed(file);
      return value;
    } catch {
      return undefined;
    }
  }

  /**
   * After a finished build (build.ts calls this once the new dist/ is in place): record the
   * stamps of the files it took from the cache (see `restamp`), then, at most once a day, remove
   * what no build has used for `maxAgeDays`: guide entries, check results and shaped-word records
   * (each edit of a guide leaves its old entry behind, and each new careprint or dependency tree
   * a new record, so a cache would otherwise only grow), and staging folders a killed build left.
   * Using an entry marks it (its record's modification time), so a build never loses what it or a
   * build beside it is using; by age rather than "not used by this build", so builds with other
   * options or shards can share one cache. Links met are removed, never followed (see the class).
   */
  async prune(maxAgeDays = 30, now = Date.now()): Promise<number> {
    this.restamp();
    const marker = path.join(this.dir, 'pruned');
    const last = lstatOrNone(marker);
    // A link at the marker's name is no marker: pruning is due, and writing the marker replaces it.
    if (last?.isFile() && now - last.mtimeMs < DAY) return 0;
    const cutoff = now - maxAgeDays * DAY;
    let removed = 0;
    const remove = async (target: string) => {
      // Looked at again just before: nothing above it may have become a link meanwhile. rm never
      // follows a link: one is removed itself, also inside an entry.
      if (!this.foldersReal(target)) return;
      await rm(target, { recursive: true, force: true }).catch(() => undefined);
      removed += 1;
    };
    for (const kind of ['guides', 'checks', 'shaping']) {
      for (const shard of await this.folderItems(path.join(this.dir, kind), remove)) {
        for (const item of await this.folderItems(shard, remove)) {
          const used = lastUsed(item, kind === 'guides');
          // A staging folder or file (`….tmp-…`) is a day old only if its build died.
          if (used < (path.basename(item).includes('.tmp-') ? now - DAY : cutoff)) await remove(item);
        }
      }
    }
    // Only means pruning runs again next build if it fails.
    await this.writeIn(marker, '', new Date(now)).catch(() => undefined);
    return removed;
  }

  /** What a folder of the cache holds (full paths); none if it is not a real folder. A link in its place is removed. */
  private async folderItems(dir: string, remove: (target: string) => Promise<void>): Promise<string[]> {
    const stat = lstatOrNone(dir);
    if (stat?.isSymbolicLink()) await remove(dir);
    if (!stat?.isDirectory()) return [];
    return listDir(dir).map((name) => path.join(dir, name));
  }

  async writeCheck(key: string, value: unknown): Promise<void> {
    await this.writeRecord('checks', key, value);
  }

  async writeShaping(key: string, words: ShapedWords): Promise<void> {
    await this.writeRecord('shaping', key, words);
  }

  private async writeRecord(kind: string, key: string, value: unknown): Promise<void> {
    // A cache that cannot be written only costs time next build.
    await this.writeIn(this.jsonFile(kind, key), seal(value)).catch(() => undefined);
  }

  private zipFile(key: string): string {
    return path.join(this.dir, 'zips', `${key}.zip`);
  }

  /** Does the kept zip `file` (a regular file in the cache's real zips folder) still match the digest it was written with? */
  private async zipIsIntact(file: string): Promise<boolean> {
    const dir = path.dirname(file);
    const expected = this.readIn(`${file}.sha256`).toString('utf8').trim();
    const stat = lstatOrNone(file);
    if (!stat?.isFile()) return false;
    // Hashed again only if the zip changed since its digest last matched (as for outputs).
    const stamp = stampOf(stat);
    if (!sameStamp(this.readStamps(dir).zip, stamp)) {
      if ((await hashRegular(file)) !== expected) return false;
      this.writeStamps(dir, { zip: stamp });
    }
    this.took(dir, 'zip', file, stamp);
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
      if (!lstatOrNone(dir)?.isDirectory()) return undefined;
      const name = readdirSync(dir).find((entry) => entry.endsWith('.zip'));
      if (name === undefined) return undefined;
      const file = path.join(dir, name);
      const record = ZipRecordSchema.safeParse(unseal(this.readIn(`${file}.layout`).toString('utf8')));
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
    const zip = this.zipFile(key);
    try {
      // What was kept before goes; a link in the folder's place is removed itself.
      await rm(dir, { recursive: true, force: true });
      await this.makeFolder(dir);
      await linkOrCopy(source, zip);
      await this.writeIn(`${zip}.sha256`, written.sha256);
      await this.writeIn(`${zip}.layout`, seal({ toolchain, layout: written.layout }));
      this.writeStamps(dir, { zip: stampOf(lstatSync(zip)) });
    } catch {
      // A cache that cannot be written only costs time next build.
    }
  }

  /** Files this build took from the cache, by the folder whose `verified.json` stamps them: each with its stamp when checked. */
  private readonly taken = new Map<string, Map<string, { file: string; stamp: Stamp }>>();

  private took(dir: string, name: string, file: string, stamp: Stamp): void {
    let files = this.taken.get(dir);
    if (!files) this.taken.set(dir, (files = new Map()));
    files.set(name, { file, stamp });
  }

  /**
   * Record the stamps the files this build took have now. Linking a cached file into dist/ and
   * removing the previous dist/ (hard links to the same files) change its ctime: without this,
   * the next build would hash every cached file again. Only a file whose size, modification time
   * and inode are still those it had when checked is restamped; a write in place that also put
   * the modification time back during this build would be missed, but dist/ holds the same files
   * (hard links), so it would have reached the bundle just built anyway.
   */
  private restamp(): void {
    // Folders found real once need not be looked at again for each of their files.
    const seen = new Set<string>();
    for (const [dir, files] of this.taken) {
      const stamps = this.readStamps(dir);
      let changed = false;
      for (const [name, { file, stamp }] of files) {
        const stat = this.foldersReal(file, seen) ? lstatOrNone(file) : undefined;
        if (!stat?.isFile()) continue;
        const now = stampOf(stat);
        if (sameStamp(stamps[name], now) || !sameButCtime(now, stamp)) continue;
        stamps[name] = now;
        changed = true;
      }
      if (changed) this.writeStamps(dir, stamps, seen);
    }
    this.taken.clear();
  }

  /** Each file's stamp when its digest last matched, by bundle path (`zip` for a kept zip). */
  private readStamps(dir: string): Record<string, Stamp> {
    try {
      const stamps: unknown = JSON.parse(this.readIn(path.join(dir, 'verified.json')).toString('utf8'));
      // Only ever a shortcut: anything unexpected means every file is hashed again.
      return stamps !== null && typeof stamps === 'object' && !Array.isArray(stamps) ? (stamps as Record<string, Stamp>) : {};
    } catch {
      return {};
    }
  }

  private writeStamps(dir: string, stamps: Record<string, Stamp>, seen?: Set<string>): void {
    const file = path.join(dir, 'verified.json');
    // Synchronous (read() is). Written in place, never through a link at its name (O_NOFOLLOW) —
    // every build rewrites every entry's stamps, and a fresh name renamed into place cost a no-op
    // build a tenth of a second: a reader that meets a half-written file reads it as no stamps
    // (readStamps), which only costs a re-check. Where O_NOFOLLOW is missing, as writeIn does.
    if (!this.foldersReal(file, seen)) return;
    const data = JSON.stringify(stamps);
    if (constants.O_NOFOLLOW) {
      try {
        const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0), 0o644);
        try {
          if (fstatSync(fd).isFile()) writeFileSync(fd, data);
        } finally {
          closeSync(fd);
        }
      } catch {
        // A link or something else at its name: only costs a re-check next build.
      }
      return;
    }
    const tmp = temporaryName(file);
    try {
      writeFileSync(tmp, data, { flag: 'wx' });
      renameSync(tmp, file);
    } catch {
      // Only costs a re-check next build.
      try {
        rmSync(tmp, { force: true });
      } catch {
        // Left for the entry's own removal.
      }
    }
  }

  /** `p`'s parts below the cache folder ([] for the folder itself); undefined if `p` is not inside it. */
  private partsBelow(p: string): string[] | undefined {
    const relative = path.relative(this.dir, p);
    if (relative === '') return [];
    const parts = relative.split(path.sep);
    return parts[0] === '..' || path.isAbsolute(relative) ? undefined : parts;
  }

  /**
   * Whether every folder between the cache folder and `file` is a real folder (lstat: a link to a
   * folder is not one), looked at one part at a time. `seen` holds folders already found real.
   */
  private foldersReal(file: string, seen?: Set<string>): boolean {
    const parts = this.partsBelow(file);
    if (!parts?.length) return false;
    let at = this.dir;
    for (const part of parts.slice(0, -1)) {
      at = path.join(at, part);
      if (seen?.has(at)) continue;
      if (!lstatOrNone(at)?.isDirectory()) return false;
      seen?.add(at);
    }
    return true;
  }

  /** The bytes of a regular file of the cache, never read through a link (on its way or at its name); throws otherwise. */
  private readIn(file: string, seen?: Set<string>): Buffer {
    if (!this.foldersReal(file, seen)) throw new Error(`${file}: not in real folders of the cache`);
    return readRegular(file);
  }

  /**
   * Make `dir` a real folder of the cache, one part at a time from the cache folder down: a link
   * on the way is removed (the link itself, never what it points to) and a folder made in its
   * place. A file in the way throws: the cache is not usable there.
   */
  private async makeFolder(dir: string): Promise<void> {
    const parts = this.partsBelow(dir);
    if (!parts) throw new Error(`${dir} is not inside the cache`);
    await mkdir(this.dir, { recursive: true });
    let at = this.dir;
    for (const part of parts) {
      at = path.join(at, part);
      const stat = await lstat(at).catch(() => undefined);
      if (stat?.isDirectory()) continue;
      if (stat?.isSymbolicLink()) {
        // Another build may have removed it first.
        await unlink(at).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      } else if (stat) throw new Error(`${at} is not a folder`);
      await mkdir(at).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      // Another build may have made it meanwhile: a folder, or nothing usable.
      if (!(await lstat(at)).isDirectory()) throw new Error(`${at} is not a folder`);
    }
  }

  /**
   * Write a file of the cache whole: under a fresh name beside it, created exclusively (so never
   * through a link planted at that name), then renamed over it (which replaces a link at `file`
   * itself, never what it points to). `mtime`: the modification time it gets.
   */
  private async writeIn(file: string, data: string, mtime?: Date): Promise<void> {
    await this.makeFolder(path.dirname(file));
    const tmp = temporaryName(file);
    try {
      await writeFile(tmp, data, { flag: 'wx' });
      if (mtime) await lutimes(tmp, mtime, mtime);
      await rename(tmp, file);
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw error;
    }
  }
}

const DAY = 24 * 60 * 60 * 1000;

/** A name beside `file` for writing it whole: `….tmp-<pid>-<random>`, which pruning knows as a leftover. */
const temporaryName = (file: string) => `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;

/** lstat (never follows a link), or undefined where there is nothing (or it cannot be looked at). */
function lstatOrNone(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/**
 * How a file of the cache is opened for reading: never through a link at its name (O_NOFOLLOW;
 * Windows has none, and there the lstat before opening guards) and never blocking on a FIFO put
 * in a file's place (O_NONBLOCK; no effect on a regular file).
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function openRegular(file: string): number {
  if (!constants.O_NOFOLLOW && !lstatOrNone(file)?.isFile()) throw new Error(`${file} is not a regular file`);
  const fd = openSync(file, READ_FLAGS);
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new Error(`${file} is not a regular file`);
  }
  return fd;
}

/** The bytes of `file` if it is a regular file itself (not a link to one); throws otherwise. */
function readRegular(file: string): Buffer {
  const fd = openRegular(file);
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The sha256 of `file` if it is a regular file itself, read as a stream (a zip is as large as the bundle). */
async function hashRegular(file: string): Promise<string> {
  const handle = await open(file, READ_FLAGS);
  try {
    if (!constants.O_NOFOLLOW && !lstatOrNone(file)?.isFile()) throw new Error(`${file} is not a regular file`);
    if (!(await handle.stat()).isFile()) throw new Error(`${file} is not a regular file`);
    return await streamSha256(handle.createReadStream({ autoClose: false }));
  } finally {
    await handle.close();
  }
}

/** Mark a cache record as just used (its modification time), so pruning keeps it; a link there is not followed. */
function markUsed(file: string): void {
  try {
    const now = new Date();
    lutimesSync(file, now, now);
  } catch {
    // A record that cannot be marked may be pruned after a month unused: only costs a render.
  }
}

/**
 * When the entry or record `item` was last used: its file list's modification time for a guide
 * entry (`entry`), its own for a record or a staging folder; never for a link (removed whatever
 * its age) or a file list that is not a regular file.
 */
function lastUsed(item: string, entry: boolean): number {
  const stat = lstatOrNone(item);
  if (!stat || stat.isSymbolicLink()) return -Infinity;
  if (!entry || path.basename(item).includes('.tmp-')) return stat.mtimeMs;
  const list = lstatOrNone(path.join(item, 'index.json'));
  return list?.isFile() ? list.mtimeMs : -Infinity;
}

const listDir = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

/**
 * A file's size, modification time, inode and ctime: what any write to it changes. The ctime
 * is there because the other three can all be kept: a file overwritten in place keeps its inode,
 * the same number of bytes keeps its size, and utimes() puts its modification time back (rsync
 * --inplace, a restore that keeps times). Nothing but the clock sets ctime, and any write,
 * chmod, link or unlink does; so a file rewritten that way is hashed again and caught. Links and
 * unlinks by the builds themselves change it too: `restamp` records it after each build.
 */
type Stamp = [size: number, mtimeMs: number, ino: number, ctimeMs: number];

const stampOf = (stat: Stats): Stamp => [stat.size, stat.mtimeMs, stat.ino, stat.ctimeMs];

/** A stamp from before the ctime was part of it (three numbers) matches nothing: the file is hashed once more. */
const sameStamp = (a: Stamp | undefined, b: Stamp) => Array.isArray(a) && a.length === b.length && a.every((n, i) => n === b[i]);

/** The same file, unwritten, but linked or unlinked since (only its ctime differs). */
const sameButCtime = (a: Stamp, b: Stamp) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
