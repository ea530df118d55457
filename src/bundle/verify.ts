import { createHash } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ManifestSchema, type Manifest } from './plan.js';
import { FileTooLargeError, fileIn, kindOf, MAX_MANIFEST_BYTES, NotRegularFileError, openRegular, readRegularFile } from './write.js';
import { bundleZipParts, zipName, zipSha256 } from './zip.js';

/** A path of the bundle that is not a regular file (a link, a FIFO, a device, a folder): never read or followed. */
export interface IrregularFile {
  path: string;
  /** What it is: "a symbolic link", "a FIFO", … or FOLDER_LINK. */
  kind: string;
}

/** The kind of a listed file reached through a folder that is a link: verify does not follow it. */
export const FOLDER_LINK = 'in a folder that is a symbolic link';

export interface VerifyResult {
  ok: boolean;
  /** The manifest, when it could be read and is well formed. */
  manifest?: Manifest;
  checked: number;
  missing: string[];
  altered: string[];
  extra: string[];
  /** Listed files (and the release zip) that are not regular files: links are not followed, FIFOs and devices not read. */
  irregular: IrregularFile[];
  /**
   * The release zip: `match` when it is byte for byte the zip of the listed files, `altered`
   * when not, `missing` when a whole bundle has none, `shard` for a shard (which has none),
   * `unchecked` when listed files are missing, altered or not regular files, or the zip itself is
   * not a regular file (it is then in `irregular`): the zip cannot be made again to compare.
   */
  zip: 'match' | 'altered' | 'missing' | 'shard' | 'unchecked';
  /** Set when the manifest itself cannot be read or is not a careprint manifest. */
  error?: string;
}

/**
 * Control characters shown escaped: C0 (line ends included), DEL, C1, and the bidirectional
 * controls and line separators that reorder or break what a terminal shows. A manifest path such
 * as "\x1b[2K\r…" printed raw could erase verify's own result from the screen and draw another.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text from a bundle (or a path given on the command line) made safe to print: controls as \x1b or \u202e. */
export const printable = (text: string) =>
  text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });

async function filesUnder(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  // A link to a folder is an entry, not a folder: it is listed (as extra), never walked into.
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(root, full)));
    else out.push(path.relative(root, full).split(path.sep).join('/'));
  }
  return out;
}

/** The manifest's text: a regular file no larger than any manifest careprint writes, or why not. */
async function readManifestText(file: string): Promise<string> {
  try {
    return (await readRegularFile(file, MAX_MANIFEST_BYTES)).toString('utf8');
  } catch (error) {
    if (error instanceof NotRegularFileError) throw new Error(`${error.message}: verify reads only regular files`);
    if (error instanceof FileTooLargeError) throw new Error(`${file} is ${error.size} bytes, more than any careprint manifest (at most ${error.limit})`);
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The manifest of a bundle folder, checked against its schema; an error message says where it is wrong. */
async function readManifest(dist: string): Promise<Manifest | string> {
  const file = path.join(dist, 'manifest.json');
  let data: unknown;
  try {
    data = JSON.parse(await readManifestText(file));
  } catch (error) {
    return error instanceof SyntaxError ? `cannot read ${file}: ${error.message}` : (error as Error).message;
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

/** The sha256 of the first `size` bytes of an open file (read in chunks, never whole, never past `size`). */
async function sha256Of(handle: FileHandle, size: number): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(Math.min(Math.max(size, 1), 1024 * 1024));
  for (let done = 0; done < size; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - done), done);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    done += bytesRead;
  }
  return hash.digest('hex');
}

type FileCheck = 'ok' | 'missing' | 'altered' | { kind: string };

/**
 * Each folder on the way to a listed file must be a real folder of the bundle: through a link,
 * a listed path could name any file on the machine. Looked at once per folder (`folders`).
 */
async function folderCheck(dist: string, bundlePath: string, folders: Map<string, Promise<FileCheck>>): Promise<FileCheck> {
  const parts = bundlePath.split('/').slice(0, -1);
  for (let depth = 1; depth <= parts.length; depth++) {
    const folder = parts.slice(0, depth).join('/');
    let check = folders.get(folder);
    if (!check) {
      check = lstat(fileIn(dist, folder)).then(
        (stats): FileCheck => (stats.isSymbolicLink() ? { kind: FOLDER_LINK } : stats.isDirectory() ? 'ok' : 'missing'),
        (): FileCheck => 'missing',
      );
      folders.set(folder, check);
    }
    const result = await check;
    if (result !== 'ok') return result;
  }
  return 'ok';
}

/** One listed file against its entry: only a regular file is opened, and read only if its size is right. */
async function checkListedFile(dist: string, entry: Manifest['files'][number], folders: Map<string, Promise<FileCheck>>): Promise<FileCheck> {
  const folder = await folderCheck(dist, entry.path, folders);
  if (folder !== 'ok') return folder;
  let opened: Awaited<ReturnType<typeof openRegular>>;
  try {
    opened = await openRegular(fileIn(dist, entry.path));
  } catch (error) {
    if (error instanceof NotRegularFileError) return error.kind === 'a folder' ? 'missing' : { kind: error.kind };
    return 'missing';
  }
  try {
    if (opened.size !== entry.bytes) return 'altered';
    return (await sha256Of(opened.handle, opened.size)) === entry.sha256 ? 'ok' : 'altered';
  } finally {
    await opened.handle.close();
  }
}

/**
 * The release zip against the listed files: made again from them, which it must equal byte for
 * byte. Only a regular file is read, as far as its size when opened.
 */
async function checkZip(dist: string, manifest: Manifest, listedIntact: boolean): Promise<{ zip: VerifyResult['zip']; extra?: string; irregular?: IrregularFile }> {
  const name = zipName(manifest.release);
  const file = path.join(dist, name);
  const stats = await lstat(file).catch(() => undefined);
  if (!stats) return { zip: manifest.shard ? 'shard' : 'missing' };
  // A shard carries no zip (merge makes it); one that does has a file too many, whatever it is.
  if (manifest.shard) return { zip: 'shard', extra: name };
  if (!stats.isFile()) return { zip: 'unchecked', irregular: { path: name, kind: kindOf(stats) } };
  if (!listedIntact) return { zip: 'unchecked' };
  const { entries, date } = bundleZipParts(dist, manifest);
  try {
    const expected = zipSha256(entries, date);
    const { handle, size } = await openRegular(file);
    try {
      return { zip: expected === (await sha256Of(handle, size)) ? 'match' : 'altered' };
    } finally {
      await handle.close();
    }
  } catch (error) {
    // Swapped for a link or a FIFO since it was looked at: named as such, still never read.
    if (error instanceof NotRegularFileError && error.file === file) return { zip: 'unchecked', irregular: { path: name, kind: error.kind } };
    // A listed file that changed since it was checked: not the zip of the listed files either.
    return { zip: 'altered' };
  }
}

/**
 * Recompute every checksum of a bundle against its manifest: files missing, altered (size or
 * sha256), not regular files (a link is not followed, a FIFO or device not read), and present but
 * not listed. The release zip (which holds the manifest, so cannot be listed in it) is checked by
 * making it again from the listed files, which it must equal byte for byte: a build's zip is
 * reproducible from its files and the manifest's date, so any byte changed anywhere in it — an
 * entry, a header, the directory — shows.
 */
export async function verifyBundle(dist: string): Promise<VerifyResult> {
  const manifest = await readManifest(dist);
  if (typeof manifest === 'string') return { ok: false, checked: 0, missing: [], altered: [], extra: [], irregular: [], zip: 'unchecked', error: manifest };
  const missing: string[] = [];
  const altered: string[] = [];
  const irregular: IrregularFile[] = [];
  const folders = new Map<string, Promise<FileCheck>>();
  for (const entry of manifest.files) {
    const check = await checkListedFile(dist, entry, folders);
    if (check === 'missing') missing.push(entry.path);
    else if (check === 'altered') altered.push(entry.path);
    else if (check !== 'ok') irregular.push({ path: entry.path, kind: check.kind });
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  const zipFile = zipName(manifest.release);
  const extra = (await filesUnder(dist)).filter((p) => !listed.has(p) && p !== 'manifest.json' && p !== zipFile).sort();
  const zip = await checkZip(dist, manifest, missing.length + altered.length + irregular.length === 0);
  if (zip.extra) extra.push(zip.extra);
  if (zip.irregular) irregular.push(zip.irregular);
  const ok = missing.length + altered.length + extra.length + irregular.length === 0 && zip.zip !== 'altered' && zip.zip !== 'missing';
  return { ok, manifest, checked: manifest.files.length, missing, altered, extra, irregular, zip: zip.zip };
}
