import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from './plan.js';

export interface VerifyResult {
  ok: boolean;
  checked: number;
  missing: string[];
  altered: string[];
  extra: string[];
  /** Set when the manifest itself cannot be read. */
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

/**
 * Recompute every checksum of a bundle against its manifest: files missing, altered (size or
 * sha256), and present but not listed. The manifest itself and the release zip (which holds
 * the manifest, so cannot be listed in it) are the only files it does not list.
 */
export async function verifyBundle(dist: string): Promise<VerifyResult> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dist, 'manifest.json'), 'utf8')) as Manifest;
  } catch (error) {
    return { ok: false, checked: 0, missing: [], altered: [], extra: [], error: `cannot read ${path.join(dist, 'manifest.json')}: ${(error as Error).message}` };
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  const missing: string[] = [];
  const altered: string[] = [];
  for (const file of manifest.files) {
    const full = path.join(dist, ...file.path.split('/'));
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
  const zip = `careprint-${manifest.release}.zip`;
  const extra = (await filesUnder(dist)).filter((p) => !listed.has(p) && p !== 'manifest.json' && p !== zip).sort();
  return { ok: missing.length + altered.length + extra.length === 0, checked: manifest.files.length, missing, altered, extra };
}
