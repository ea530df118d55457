import { copyFileSync, linkSync, mkdirSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

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

/** Remove temporary folders a killed build left beside `out` (not those of a build still running). */
export async function cleanLeftovers(out: string): Promise<void> {
  const parent = path.dirname(out);
  const base = path.basename(out);
  let entries: string[] = [];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  for (const name of entries) {
    if ((name.startsWith(`${base}${TMP_PREFIX}`) || name.startsWith(`${base}${OLD_PREFIX}`)) && ownerEnded(name)) {
      await rm(path.join(parent, name), { recursive: true, force: true });
    }
  }
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

  static async open(out: string): Promise<AtomicWriter> {
    await cleanLeftovers(out);
    const tmp = `${out}${TMP_PREFIX}${process.pid}`;
    await mkdir(tmp, { recursive: true });
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
