import { copyFileSync, linkSync, mkdirSync } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../content/paths.js';

const TMP_PREFIX = '.tmp-';
const OLD_PREFIX = '.old-';

/**
 * Whether the build that named a temporary folder (`<out>.tmp-<pid>`) has ended. A folder of a
 * build still running (another build into the same place) is not ours to remove; this
 * process's own pid can only be on a folder a dead process left.
 */
function ownerEnded(name: string): boolean {
  const pid = Number(name.slice(name.lastIndexOf('-') + 1));
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists (another user's); only ESRCH means it is gone.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Remove temporary folders a killed build left beside `out` (not those of a build still running).
 * A build killed in the instant between moving the previous bundle aside and moving the new one
 * in leaves no `out` at all, only `<out>.old-<pid>`: that previous bundle is put back, not removed.
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
  const ended = entries.filter((name) => (name.startsWith(`${base}${TMP_PREFIX}`) || name.startsWith(`${base}${OLD_PREFIX}`)) && ownerEnded(name));
  const previous = ended.find((name) => name.startsWith(`${base}${OLD_PREFIX}`));
  if (previous && !entries.includes(base)) {
    await rename(path.join(parent, previous), out);
    ended.splice(ended.indexOf(previous), 1);
  }
  for (const name of ended) await rm(path.join(parent, name), { recursive: true, force: true });
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

const FOLDER_JUNK = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

/** A folder careprint may replace whole: absent, empty, or a bundle it wrote (its manifest.json says so). */
async function isReplaceable(out: string): Promise<boolean | 'not a folder'> {
  let entries: string[];
  try {
    const stats = await lstat(out);
    // A link is moved aside and removed as a link: what it points to is left as it is.
    if (stats.isSymbolicLink()) return true;
    if (!stats.isDirectory()) return 'not a folder';
    entries = await readdir(out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return true;
    throw new UnsafeOutputError(`cannot use ${out} as the output folder: ${code ?? (error as Error).message}; choose another output folder`);
  }
  // What file browsers leave in any folder they show is not anyone's work.
  if (entries.every((name) => FOLDER_JUNK.has(name))) return true;
  try {
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { careprint?: unknown; files?: unknown };
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
  if (replaceable === 'not a folder') throw new UnsafeOutputError(`${out} is a file, not a bundle folder; choose another output folder`);
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
    const tmp = `${out}${TMP_PREFIX}${process.pid}`;
    try {
      await makeFolders(tmp);
    } catch (error) {
      throw new UnsafeOutputError(`cannot write the bundle beside ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; choose another output folder`);
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
   * or copied where links are impossible. Synchronous: thousands of small asynchronous calls
   * spend more time in round trips than in the work.
   */
  linkIn(bundlePath: string, from: string): void {
    const target = fileIn(this.tmp, bundlePath);
    this.folder(path.dirname(target));
    try {
      linkSync(from, target);
    } catch {
      copyFileSync(from, target);
    }
  }

  private readonly folders = new Set<string>();

  /** Make a folder once per build, however many files go into it. */
  private folder(dir: string): void {
    if (this.folders.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.folders.add(dir);
  }

  /** Swap the finished folder in. rename() cannot replace a non-empty folder: move the old one aside first. */
  async commit(): Promise<void> {
    const old = `${this.out}${OLD_PREFIX}${process.pid}`;
    let hadOld = true;
    try {
      await rename(this.out, old);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      hadOld = false;
    }
    await rename(this.tmp, this.out);
    if (hadOld) await rm(old, { recursive: true, force: true });
  }

  async abort(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
  }
}
