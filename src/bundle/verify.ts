import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ManifestSchema, type Manifest } from './plan.js';
import { fileIn } from './write.js';
import { bundleZipParts, streamSha256, zipName, zipSha256 } from './zip.js';

export interface VerifyResult {
  ok: boolean;
  /** The manifest, when it could be read and is well formed. */
  manifest?: Manifest;
  checked: number;
  missing: string[];
  altered: string[];
  extra: string[];
  /**
   * The release zip: `match` when it is byte for byte the zip of the listed files, `altered`
   * when not, `missing` when a whole bundle has none, `shard` for a shard (which has none),
   * `unchecked` when listed files are missing or altered (the zip cannot be made again to compare).
   */
  zip: 'match' | 'altered' | 'missing' | 'shard' | 'unchecked';
  /** Set when the manifest itself cannot be read or is not a careprint manifest. */
  error?: string;
}

async function filesUnder(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(root, full)));
    else out.push(path.relative(root, full).split(path.sep).join('/'));
  }
  return out;
}

/** The manifest of a bundle folder, checked against its schema; an error message says where it is wrong. */
async function readManifest(dist: string): Promise<Manifest | string> {
  const file = path.join(dist, 'manifest.json');
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return `cannot read ${file}: ${(error as Error).message}`;
  }
  const parsed = ManifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `${file} is not a careprint manifest: ${issue.path.join('.') || '(top level)'} ${issue.message}`;
  }
  const seen = new Set<string>();
  for (const entry of parsed.data.files) {
    if (seen.has(entry.path)) return `${file} lists ${entry.path} twice`;
    seen.add(entry.path);
  }
  return parsed.data;
}

/**
 * Recompute every checksum of a bundle against its manifest: files missing, altered (size or
 * sha256), and present but not listed. The release zip (which holds the manifest, so cannot be
 * listed in it) is checked by making it again from the listed files, which it must equal byte for
 * byte: a build's zip is reproducible from its files and the manifest's date, so any byte changed
 * anywhere in it — an entry, a header, the directory — shows.
 */
export async function verifyBundle(dist: string): Promise<VerifyResult> {
  const manifest = await readManifest(dist);
  if (typeof manifest === 'string') return { ok: false, checked: 0, missing: [], altered: [], extra: [], zip: 'unchecked', error: manifest };
  const listed = new Set(manifest.files.map((f) => f.path));
  const missing: string[] = [];
  const altered: string[] = [];
  for (const file of manifest.files) {
    const full = fileIn(dist, file.path);
    let data: Buffer;
    try {
      if (!(await stat(full)).isFile()) throw new Error('not a file');
      data = await readFile(full);
    } catch {
      missing.push(file.path);
      continue;
    }
    if (data.length !== file.bytes || createHash('sha256').update(data).digest('hex') !== file.sha256) altered.push(file.path);
  }
  const zipFile = zipName(manifest.release);
  const extra = (await filesUnder(dist)).filter((p) => !listed.has(p) && p !== 'manifest.json' && p !== zipFile).sort();
  let zip: VerifyResult['zip'] = manifest.shard ? 'shard' : 'missing';
  const zipPath = path.join(dist, zipFile);
  if (manifest.shard) {
    // A shard carries no zip (merge makes it); one that does has a file too many.
    if (existsSync(zipPath)) extra.push(zipFile);
  } else if (existsSync(zipPath)) {
    if (missing.length + altered.length > 0) zip = 'unchecked';
    else {
      const { entries, date } = bundleZipParts(dist, manifest);
      try {
        const expected = zipSha256(entries, date);
        const actual = await streamSha256(createReadStream(zipPath));
        zip = expected === actual ? 'match' : 'altered';
      } catch {
        // Not a readable file (a folder, say): not the release zip either.
        zip = 'altered';
      }
    }
  }
  return { ok: missing.length + altered.length + extra.length === 0 && zip !== 'altered' && zip !== 'missing', manifest, checked: manifest.files.length, missing, altered, extra, zip };
}
