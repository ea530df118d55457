import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, linkSync, lstatSync, mkdirSync, openSync, readSync, rmSync, writeSync, type Stats } from 'node:fs';
import { copyFile, link, lstat, mkdir, open, readdir, realpath, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../content/paths.js';

const TMP_PREFIX = '.tmp-';
const OLD_PREFIX = '.old-';

/**
 * The largest manifest.json careprint reads. A zip without Zip64 holds at most 65,535 files and
 * a manifest entry is about 350 bytes (a long guide slug, all fields): 64 MiB is over 1 KiB an
 * entry at that limit. Anything larger is not careprint's, and is refused before it is read.
 */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** How a path that is not a regular file is named in messages. */
export function kindOf(stats: Stats): string {
  if (stats.isFile()) return 'a file';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

/** A FIFO, device, link or folder where careprint expects a regular file: it is never read or followed. */
export class NotRegularFileError extends Error {
  override name = 'NotRegularFileError';
  constructor(
    readonly file: string,
    readonly kind: string,
  ) {
    super(`${file} is ${kind}, not a regular file`);
  }
}

/** A file larger than careprint will read for its purpose (see MAX_MANIFEST_BYTES). */
export class FileTooLargeError extends Error {
  override name = 'FileTooLargeError';
  constructor(
    readonly file: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${file} is ${size} bytes, more than the ${limit} careprint reads`);
  }
}

/**
 * Opening never waits and never follows: O_NOFOLLOW refuses a link at the last step (ELOOP), and
 * O_NONBLOCK returns at once from opening a FIFO, which otherwise waits for a writer for ever (a
 * FIFO or a link to /dev/zero as manifest.json hung verify, merge and build). Neither flag changes
 * how a regular file reads. 0 where the platform has no such flag.
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
/** Writing a file careprint makes: a link planted at its name is not followed. */
export const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0);

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

/**
 * What careprint reads must be a regular file: looked at with lstat before it is opened (opening a
 * device can itself do something), then, opened, checked again with fstat on the descriptor, so a
 * file swapped for something else in between is caught on what is actually read.
 */
function refuseIrregular(file: string, stats: Stats): void {
  if (!stats.isFile()) throw new NotRegularFileError(file, kindOf(stats));
}

function linkRefused(file: string, error: unknown): never {
  // ELOOP: the last part is a link, which O_NOFOLLOW will not open.
  if (errorCode(error) === 'ELOOP') throw new NotRegularFileError(file, 'a symbolic link');
  throw error;
}

/** Open a regular file for reading (see refuseIrregular); its size as opened. The caller closes it. */
export async function openRegular(file: string): Promise<{ handle: FileHandle; size: number }> {
  refuseIrregular(file, await lstat(file));
  const handle = await open(file, READ_FLAGS).catch((error: unknown) => linkRefused(file, error));
  try {
    const stats = await handle.stat();
    refuseIrregular(file, stats);
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** openRegular, synchronously: a descriptor the caller closes. */
export function openRegularSync(file: string): { fd: number; size: number } {
  refuseIrregular(file, lstatSync(file));
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (error) {
    linkRefused(file, error);
  }
  try {
    const stats = fstatSync(fd);
    refuseIrregular(file, stats);
    return { fd, size: stats.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** A whole regular file of at most `limit` bytes, refused by its size before any of it is read. */
export async function readRegularFile(file: string, limit: number): Promise<Buffer> {
  const { handle, size } = await openRegular(file);
  try {
    if (size > limit) throw new FileTooLargeError(file, size, limit);
    // Only the size fstat gave: a file growing as it is read is not read without end.
    const data = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(data, done, size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return data.subarray(0, done);
  } finally {
    await handle.close();
  }
}

/** Copy a regular file, read through a descriptor checked to be one (copyFile would follow a link or wait on a FIFO). */
function copyRegularSync(from: string, to: string): void {
  const source = openRegularSync(from);
  try {
    // A new file: one already there may be a hard link to a cache entry, which truncating would spoil.
    rmSync(to, { force: true });
    const target = openSync(to, WRITE_FLAGS, 0o666);
    try {
      const buffer = Buffer.allocUnsafe(Math.min(Math.max(source.size, 1), 1024 * 1024));
      for (let done = 0; done < source.size; ) {
        const read = readSync(source.fd, buffer, 0, Math.min(buffer.length, source.size - done), done);
        if (read === 0) break;
        for (let written = 0; written < read; ) written += writeSync(target, buffer, written, read - written);
        done += read;
      }
    } finally {
      closeSync(target);
    }
  } finally {
    closeSync(source.fd);
  }
}

/**
 * Temporary and set-aside folders this process is using now. Names carry the pid, but two builds
 * in one process (the API, called twice at once) share it: each must leave the other's alone.
 */
const inUse = new Set<string>();

/**
 * A new name beside `out` for a temporary (`.tmp-`) or set-aside (`.old-`) folder, marked in use:
 * `<out>.tmp-<pid>-<random>`. The pid says whose it is; the random part keeps two builds in one
 * process, and a process that got a dead one's pid, from sharing a folder.
 */
function siblingName(out: string, prefix: string): string {
  const name = `${out}${prefix}${process.pid}-${randomBytes(6).toString('hex')}`;
  inUse.add(name);
  return name;
}

/**
 * Whether the build that named a temporary folder (`<out>.tmp-<pid>[-<random>]`) has ended. A
 * folder of a build still running (another build into the same place) is not ours to remove;
 * one with this process's own pid is a dead process's unless a build here is using it.
 */
function ownerEnded(folder: string, afterPrefix: string): boolean {
  const pid = Number(/^\d+/.exec(afterPrefix)?.[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return !inUse.has(folder);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists (another user's); only ESRCH means it is gone.
    return errorCode(error) === 'ESRCH';
  }
}

/**
 * Remove temporary folders a killed build left beside `out` (not those of a build still running).
 * A build killed in the instant between moving the previous bundle aside and moving the new one
 * in leaves no `out` at all, only `<out>.old-<pid>…`: that previous bundle is put back, not removed.
 * Other builds may be doing the same at the same moment: what one of them already put back or
 * removed is not an error, and a bundle swapped in meanwhile makes the one set aside obsolete.
 */
export async function cleanLeftovers(out: string): Promise<void> {
  const parent = path.dirname(out);
  const base = path.basename(out);
  let entries: string[] = [];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  const ended = entries.filter((name) => {
    const prefix = [TMP_PREFIX, OLD_PREFIX].find((p) => name.startsWith(`${base}${p}`));
    return prefix !== undefined && ownerEnded(path.join(parent, name), name.slice(base.length + prefix.length));
  });
  const previous = ended.find((name) => name.startsWith(`${base}${OLD_PREFIX}`));
  if (previous && !entries.includes(base)) {
    const restored = await rename(path.join(parent, previous), out).then(
      () => true,
      (error: unknown) => {
        // ENOENT: another build put it back first; ENOTEMPTY/EEXIST: a newer bundle is there
        // already, and this one is removed below with the other leftovers.
        if (!['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes(errorCode(error) ?? '')) throw error;
        return false;
      },
    );
    if (restored) ended.splice(ended.indexOf(previous), 1);
  }
  // Removing leftovers is tidying, never a reason for a build to fail.
  for (const name of ended) await rm(path.join(parent, name), { recursive: true, force: true }).catch(() => undefined);
}

/** Put `from` at `to` as a hard link (no copy, no extra disk), or a copy where links are impossible. */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      await rm(to, { force: true });
      return linkOrCopy(from, to);
    }
    await copyFile(from, to);
  }
}

/** The output folder is one careprint must not replace: it did not make it, or it holds what is being built from. */
export class UnsafeOutputError extends Error {
  override name = 'UnsafeOutputError';
}

/** Other builds kept swapping their bundles into the output folder while this one tried to: nothing of this one was written. */
export class OutputBusyError extends UnsafeOutputError {
  override name = 'OutputBusyError';
}

/**
 * How many times a look at `out`, or a swap into it, is begun again because another build swapped
 * its bundle in at that moment. Each swap is two renames, so one retry almost always does.
 */
const SWAP_RETRIES = 10;

const FOLDER_JUNK = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

/** What stands at an output path: replaceable or not, something other than a folder, or (mid-look) swapped by another build. */
type OutputLook = boolean | { notAFolder: string } | 'swapped';

const cannotUse = (out: string, error: unknown): never => {
  throw new UnsafeOutputError(`cannot use ${out} as the output folder: ${errorCode(error) ?? (error as Error).message}; choose another output folder`);
};

/** A folder careprint may replace whole: absent, empty, or a bundle it wrote (its manifest.json says so). */
async function isReplaceable(out: string): Promise<boolean | { notAFolder: string }> {
  // A build swapping its bundle in beside this one can change `out` between the looks below; a
  // look that saw that happen is taken again (the swap leaves a whole bundle in its place).
  for (let attempt = 0; attempt < SWAP_RETRIES; attempt++) {
    const look = await lookAtOutput(out);
    if (look !== 'swapped') return look;
  }
  throw new OutputBusyError(`${out} kept changing while careprint looked at it (other builds writing there at the same time): run the build again`);
}

async function lookAtOutput(out: string): Promise<OutputLook> {
  let stats: Stats;
  try {
    stats = await lstat(out);
  } catch (error) {
    return errorCode(error) === 'ENOENT' ? true : cannotUse(out, error);
  }
  if (stats.isSymbolicLink()) {
    // The bundle is swapped in where a link points (AtomicWriter.open), replacing that folder
    // whole: it is judged, not the link (a link to someone's own folder had it deleted). A link
    // to nothing is itself what the swap replaces.
    const target = await realpath(out).catch(() => undefined);
    if (target === undefined) return true;
    const look = await lookAtOutput(target);
    return typeof look === 'object' ? { notAFolder: `a link to ${look.notAFolder}` } : look;
  }
  if (!stats.isDirectory()) return { notAFolder: kindOf(stats) };
  let entries: string[];
  try {
    entries = await readdir(out);
  } catch (error) {
    return errorCode(error) === 'ENOENT' ? 'swapped' : cannotUse(out, error);
  }
  // What file browsers leave in any folder they show is not anyone's work.
  if (entries.every((name) => FOLDER_JUNK.has(name))) return true;
  return hasCareprintManifest(out, entries);
}

/** Whether a folder holds a manifest.json careprint wrote, read only if it is a regular file of a manifest's size. */
async function hasCareprintManifest(out: string, entries: readonly string[]): Promise<OutputLook> {
  let data: Buffer;
  try {
    data = await readRegularFile(path.join(out, 'manifest.json'), MAX_MANIFEST_BYTES);
  } catch (error) {
    // A FIFO or a link there was read without end; unread, it cannot say whose the folder is.
    if (error instanceof NotRegularFileError) {
      throw new UnsafeOutputError(`${error.message}: careprint cannot tell whether ${out} is a bundle it wrote, so leaves it alone; choose another output folder`);
    }
    // Listed a moment ago and gone now: another build swapped its bundle in.
    if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '') && entries.includes('manifest.json')) return 'swapped';
    return false;
  }
  try {
    const manifest = JSON.parse(data.toString('utf8')) as { careprint?: unknown; files?: unknown };
    return typeof manifest.careprint === 'string' && Array.isArray(manifest.files);
  } catch {
    return false;
  }
}

const realOrResolved = async (p: string) => realpath(p).catch(() => path.resolve(p));

/**
 * Refuse an output folder whose replacement would lose work. The swap moves the old folder away
 * and deletes it, so `out` must be careprint's own (absent, empty, or a bundle with careprint's
 * manifest) and must not hold any of `keep` — the content, the cache, the current folder, the
 * shards being merged — or `build --out .` would delete the project it builds.
 */
export async function assertReplaceable(
  out: string,
  keep: ReadonlyArray<{ what: string; path: string }>,
  outsideOf: ReadonlyArray<{ what: string; path: string }> = [],
): Promise<void> {
  const real = await realOrResolved(out);
  // Inside the content folder the bundle would be read back as content (and warned about as an
  // unknown file); inside the cache, the cache's own cleaning could remove it.
  for (const place of outsideOf) {
    const folder = await realOrResolved(place.path);
    if (real !== folder && isInside(folder, real)) throw new UnsafeOutputError(`${out} is inside ${place.what} (${place.path}): choose an output folder outside it`);
  }
  for (const kept of keep) {
    const inner = await realOrResolved(kept.path);
    if (inner === real) throw new UnsafeOutputError(`${out} is ${kept.what}: writing the bundle there would delete it; choose another output folder`);
    if (isInside(real, inner)) {
      throw new UnsafeOutputError(`${out} holds ${kept.what} (${kept.path}): writing the bundle there would delete it; choose another output folder`);
    }
  }
  const replaceable = await isReplaceable(out);
  if (typeof replaceable === 'object') throw new UnsafeOutputError(`${out} is ${replaceable.notAFolder}, not a bundle folder; choose another output folder`);
  if (!replaceable) {
    throw new UnsafeOutputError(
      `${out} is not empty and is not a careprint bundle (no manifest.json careprint wrote): it would be replaced whole, so careprint leaves it alone; choose a new or empty folder, or remove it first`,
    );
  }
}

/**
 * `mkdir -p`, one missing folder at a time. Node's own recursive mkdir never returns for a path
 * under /proc (it retries the same ENOENT forever, at full CPU): `--out /proc/dist` hung the build.
 */
async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      await stat(at);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(at) === at) throw error;
      missing.push(at);
    }
  }
  for (const folder of missing.reverse()) {
    await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

/** Where a bundle path ("pdf/x.pdf") lives under a folder. */
export const fileIn = (root: string, bundlePath: string) => path.join(root, ...bundlePath.split('/'));

/**
 * dist/ written atomically: every file goes into a temporary sibling folder as soon as it is
 * made (nothing is held in memory), and the folder is swapped in only once complete. Until then
 * the previous dist/ is untouched; a crash or kill leaves only the temporary folder, which the
 * next build removes.
 */
export class AtomicWriter {
  private constructor(
    readonly out: string,
    readonly tmp: string,
  ) {}

  static async open(given: string): Promise<AtomicWriter> {
    // An output folder that is a link (dist -> /srv/share/dist) is replaced where it points: the
    // swap replaced the link itself with a folder, and what it pointed at was never written.
    const out = (await lstat(given).catch(() => undefined))?.isSymbolicLink() ? await realpath(given).catch(() => given) : given;
    await cleanLeftovers(out);
    // A name of its own (two builds into one --out shared `<out>.tmp-<pid>` in one process), made
    // here and nowhere else: a folder already under that name is never written into.
    const tmp = siblingName(out, TMP_PREFIX);
    try {
      await makeFolders(path.dirname(tmp));
      await mkdir(tmp);
    } catch (error) {
      inUse.delete(tmp);
      throw new UnsafeOutputError(`cannot write the bundle beside ${out}: ${errorCode(error) ?? (error as Error).message}; choose another output folder`);
    }
    return new AtomicWriter(out, tmp);
  }

  async write(bundlePath: string, data: Buffer): Promise<void> {
    const target = fileIn(this.tmp, bundlePath);
    this.folder(path.dirname(target));
    await writeFile(target, data);
  }

  /**
   * Put a file that already exists elsewhere (the cache, a shard) into the bundle: hard-linked,
   * or copied where links are impossible. Only a regular file goes in: link() names whatever is
   * there (Linux does not follow a symbolic link), so what was linked is looked at (one lstat;
   * the new name is the same inode, so nothing can change it in between), and a copy reads only
   * through a descriptor checked to be a regular file. A shard's file swapped for a link after
   * merge verified it is refused, not followed. Synchronous: thousands of small asynchronous
   * calls spend more time in round trips than in the work.
   */
  linkIn(bundlePath: string, from: string): void {
    const target = fileIn(this.tmp, bundlePath);
    this.folder(path.dirname(target));
    try {
      linkSync(from, target);
    } catch {
      copyRegularSync(from, target);
      return;
    }
    const linked = lstatSync(target);
    if (!linked.isFile()) {
      rmSync(target, { force: true });
      throw new NotRegularFileError(from, kindOf(linked));
    }
  }

  private readonly folders = new Set<string>();

  /** Make a folder once per build, however many files go into it. */
  private folder(dir: string): void {
    if (this.folders.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.folders.add(dir);
  }

  /**
   * Swap the finished folder in. rename() cannot replace a non-empty folder: the previous bundle
   * is moved aside first, and removed once the new one is in.
   */
  async commit(): Promise<void> {
    const aside: string[] = [];
    try {
      await this.swapIn(aside);
    } catch (error) {
      await this.putBack(aside);
      throw error;
    }
    inUse.delete(this.tmp);
    // The new bundle is in: removing the old ones is tidying, never a reason to fail the build.
    for (const old of aside) {
      await rm(old, { recursive: true, force: true }).catch(() => undefined);
      inUse.delete(old);
    }
  }

  /**
   * Move `out` aside (into `aside`), then this bundle in. Another build into the same --out may
   * swap its bundle in between those two renames: this rename then fails (ENOTEMPTY) after the
   * other build succeeded, which was an internal error. Its bundle is moved aside too and this
   * one goes in: each build that finishes replaces the whole folder, the last one in wins.
   */
  private async swapIn(aside: string[]): Promise<void> {
    for (let attempt = 0; attempt < SWAP_RETRIES; attempt++) {
      const old = siblingName(this.out, OLD_PREFIX);
      try {
        await rename(this.out, old);
        aside.push(old);
      } catch (error) {
        inUse.delete(old);
        if (errorCode(error) !== 'ENOENT') throw error;
      }
      try {
        await rename(this.tmp, this.out);
        return;
      } catch (error) {
        if (!['ENOTEMPTY', 'EEXIST'].includes(errorCode(error) ?? '')) throw error;
      }
    }
    throw new OutputBusyError(`other builds kept swapping their bundles into ${this.out} while this one tried to; this one was not put in: run it again`);
  }

  /**
   * After a failed swap, the bundle moved aside last goes back where it was, unless another build
   * has put one there meanwhile; what cannot go back stays aside, and the next build puts it back.
   */
  private async putBack(aside: string[]): Promise<void> {
    const last = aside.pop();
    if (last === undefined) return;
    const back = await rename(last, this.out).then(
      () => true,
      () => false,
    );
    for (const old of back ? aside : [last, ...aside]) inUse.delete(old);
    if (back) for (const old of aside) await rm(old, { recursive: true, force: true }).catch(() => undefined);
  }

  async abort(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
    inUse.delete(this.tmp);
  }
}
