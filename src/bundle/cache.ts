import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ManifestEntry } from './plan.js';
import { fileIn } from './write.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

let toolchain: string | undefined;

/**
 * Everything besides the content that shapes an output: careprint's own code and templates and
 * the exact dependency tree (package-lock.json, which pins the fonts too). A change to any of
 * them invalidates every cache entry; digests, not timestamps, so a checkout or copy is no change.
 */
export function toolchainDigest(): string {
  if (!toolchain) {
    const hash = createHash('sha256');
    for (const file of [...filesUnder(path.join(PACKAGE_ROOT, 'src')), ...filesUnder(path.join(PACKAGE_ROOT, 'templates')), path.join(PACKAGE_ROOT, 'package-lock.json')]) {
      if (!statSync(file).isFile()) continue;
      hash.update(path.relative(PACKAGE_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
    toolchain = hash.digest('hex');
  }
  return toolchain;
}

export const digestOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * A cache of rendered guide outputs, keyed by the digest of everything they are made from.
 * Each entry is a folder of files plus an index with their checksums: a corrupt or truncated
 * file fails its checksum and the entry counts as a miss, so it is rebuilt, never shipped.
 */
export class RenderCache {
  constructor(readonly dir: string) {}

  private entryDir(key: string): string {
    return path.join(this.dir, 'guides', key.slice(0, 2), key);
  }

  /** The cached entries for `key`, each file checked against its digest; undefined on any miss. */
  async read(key: string): Promise<Array<ManifestEntry & { file: string }> | undefined> {
    const dir = this.entryDir(key);
    let entries: ManifestEntry[];
    try {
      entries = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as ManifestEntry[];
    } catch {
      return undefined;
    }
    const out: Array<ManifestEntry & { file: string }> = [];
    for (const entry of entries) {
      const file = fileIn(path.join(dir, 'files'), entry.path);
      try {
        const data = await readFile(file);
        if (data.length !== entry.bytes || sha256(data) !== entry.sha256) return undefined;
      } catch {
        return undefined;
      }
      out.push({ ...entry, file });
    }
    return out;
  }

  /** Store a rendered guide's outputs; written aside and renamed, so a reader never sees half an entry. */
  async write(key: string, files: Array<{ entry: ManifestEntry; data: Buffer }>): Promise<void> {
    const dir = this.entryDir(key);
    const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      for (const { entry, data } of files) {
        const target = fileIn(path.join(tmp, 'files'), entry.path);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, data);
      }
      await writeFile(path.join(tmp, 'index.json'), JSON.stringify(files.map((f) => f.entry)));
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
    } catch {
      // A cache that cannot be written only costs time next build.
      await rm(tmp, { recursive: true, force: true });
    }
  }
}
