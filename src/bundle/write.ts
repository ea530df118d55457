import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Artifact } from './plan.js';

const TMP_PREFIX = '.tmp-';
const OLD_PREFIX = '.old-';

/** Remove temporary folders a killed build left beside `out`. */
async function cleanLeftovers(out: string): Promise<void> {
  const parent = path.dirname(out);
  const base = path.basename(out);
  let entries: string[] = [];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name.startsWith(`${base}${TMP_PREFIX}`) || name.startsWith(`${base}${OLD_PREFIX}`)) {
      await rm(path.join(parent, name), { recursive: true, force: true });
    }
  }
}

/**
 * Write every artifact into a temporary sibling of `out`, then swap it in with renames. Until
 * the swap the previous `out` is untouched; a failure removes the temporary folder.
 */
export async function writeAtomically(out: string, artifacts: readonly Artifact[]): Promise<void> {
  await cleanLeftovers(out);
  const tmp = `${out}${TMP_PREFIX}${process.pid}`;
  await mkdir(tmp, { recursive: true });
  try {
    for (const artifact of artifacts) {
      const target = path.join(tmp, ...artifact.path.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, artifact.data);
    }
    // rename() cannot replace a non-empty folder: move the old one aside first.
    const old = `${out}${OLD_PREFIX}${process.pid}`;
    let hadOld = true;
    try {
      await rename(out, old);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      hadOld = false;
    }
    await rename(tmp, out);
    if (hadOld) await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}
