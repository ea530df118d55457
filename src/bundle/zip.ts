import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync, writevSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';
import type * as FflateModule from 'fflate';
import { z } from 'zod';
import type { Manifest } from './plan.js';
import { fileIn, openRegularSync, WRITE_FLAGS } from './write.js';

const require = createRequire(import.meta.url);
/** Required, not imported: Node does not scan a required CommonJS module's source for exports (see svg-cache.ts). */
const { Zip } = require('fflate') as typeof FflateModule;

/**
 * A zip date whose DOS fields (which zip stores in "local time") read as the given UTC time in
 * every time zone: fflate reads the local-time fields of the Date it is given.
 */
function dosDate(utc: Date): Date {
  return new Date(utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate(), utc.getUTCHours(), utc.getUTCMinutes(), utc.getUTCSeconds());
}

/** The earliest and latest dates fflate writes (DOS dates count years from 1980; fflate stops at 2099). */
const ZIP_EPOCH = Date.UTC(1980, 0, 1);
const ZIP_LAST = Date.UTC(2099, 11, 31, 23, 59, 58);

/** Beyond these a zip needs the Zip64 extensions, which fflate does not write. */
const MAX_ENTRIES = 0xffff;
const MAX_BYTES = 0xffffffff;

/** PDFs, fonts and bitmaps are compressed already: storing them costs nothing in size and saves deflating most of a bundle. */
const isCompressed = (name: string) => /\.(pdf|woff2|png|jpe?g|zip)$/i.test(name);

/**
 * zlib level for the text entries (pages, GIFT files, the manifest): measured on a 200-guide
 * bundle's 8 MB of text, level 3 deflates it in 47-59 ms against 130 ms at the default, and its
 * output is 4% larger (2.33 against 2.23 MB, in a zip of 116 MB).
 */
const TEXT_LEVEL = 3;

/** Unix permissions 0644 on a regular file, in the high half of a zip entry's external attributes. */
const FILE_0644 = (0o100644 << 16) >>> 0;
/** "Made by" Unix, so unzip reads those permissions. */
const MADE_BY_UNIX = 3;

/**
 * Files are read into one buffer, reused: a bundle is thousands of files and over a hundred
 * megabytes, and reading each into fresh memory cost a page fault per 4 KB (measured in this VM:
 * 16,000 faults and about 0.3 s of system time per zip). The zip's output is written (or hashed)
 * each time the buffer fills, before it is read into again: many entries per write.
 */
const READ_BUFFER = 8 * 1024 * 1024;

/** Where a zip's bytes go: `add` a chunk, which stays valid until the next `release`. */
interface ZipSink {
  add(chunk: Uint8Array): void;
  /** Done with every chunk added so far (written or copied): their memory is reused next. */
  release(): void;
}

/** Read `data.length` bytes of the open file `fd` (`file`), from `position` on, into `data`. */
function readFully(fd: number, file: string, data: Buffer<ArrayBuffer>, position = 0): void {
  let done = 0;
  while (done < data.length) {
    const read = readSync(fd, data, done, data.length - done, position + done);
    if (read === 0) throw new Error(`careprint: ${file} got shorter while it was zipped`);
    done += read;
  }
}

/** A file to zip: its path in the zip, where it is, and (if known) the sha256 of its content. */
export interface ZipSource {
  path: string;
  file: string;
  sha256?: string | undefined;
}

/**
 * The layout of a written zip: its date, and for each entry whose content's digest was known, its
 * size and CRC, how it is stored, and where its body (the bytes after the local header) starts and
 * how long it is.
 */
export const ZipLayoutSchema = z.object({
  date: z.number(),
  entries: z.array(
    z.object({
      path: z.string(),
      sha256: z.string(),
      size: z.number().int().nonnegative(),
      crc: z.number().int().nonnegative(),
      compression: z.union([z.literal(0), z.literal(8)]),
      body: z.number().int().nonnegative(),
      length: z.number().int().nonnegative(),
    }),
  ),
});
export type ZipLayout = z.infer<typeof ZipLayoutSchema>;

/**
 * An earlier zip made by this same careprint, whose bytes the caller has checked against their
 * digest: an entry whose content has the same sha256 is copied from it (CRC, size and body as
 * stored there) instead of being read from its file, checksummed and compressed again. The result
 * is the same bytes: an entry's local header and body depend on its name, content and the date only.
 */
export interface PreviousZip {
  file: string;
  layout: ZipLayout;
}

/** A zip as written: its sha256, its layout (for the next zip) and how many entries came from the previous one. */
export interface WrittenZip {
  sha256: string;
  layout: ZipLayout;
  reused: number;
}

/** `size` bytes of memory to read into: one shared buffer while it has room (see READ_BUFFER), else a buffer of their own. */
function readRoom(sink: ZipSink): (size: number) => Buffer<ArrayBuffer> {
  const buffer = Buffer.allocUnsafe(READ_BUFFER);
  let used = 0;
  return (size) => {
    if (size > buffer.length) return Buffer.allocUnsafe(size);
    if (used + size > buffer.length) {
      // Full: the sink finishes with what the buffer holds before it is read into again.
      sink.release();
      used = 0;
    }
    used += size;
    return buffer.subarray(used - size, used);
  };
}

/**
 * fflate's streaming zip, passing every chunk to `sink` and stopping at the limits of a zip
 * without Zip64. `add` takes one entry with its whole body and says where in the zip that body
 * starts: fflate passes the body on as the chunk it was given, between the local header and the
 * data descriptor (-1 if it did not).
 */
function zipStream(sink: ZipSink): { add(file: FflateModule.ZipInputFile, body: Uint8Array<ArrayBuffer>): number; end(): void } {
  let written = 0;
  let failure: Error | undefined;
  let addingBody: Uint8Array | undefined;
  let bodyAt = -1;
  const zip = new Zip((error, chunk) => {
    if (error) failure ??= error;
    else {
      if (chunk === addingBody) bodyAt = written;
      written += chunk.length;
      if (written > MAX_BYTES) failure ??= new Error('careprint: the release zip would be larger than 4 GiB, which a zip without Zip64 cannot hold');
      else sink.add(chunk);
    }
  });
  return {
    add(file, body) {
      zip.add(file);
      // fflate set the handler in add(): the whole body, as the final chunk, passed on at once.
      addingBody = body;
      bodyAt = -1;
      file.ondata!(null, body, true);
      if (failure) throw failure;
      return bodyAt;
    },
    end() {
      zip.end();
      if (failure) throw failure;
    },
  };
}

/** An entry's content as it goes into the zip: its body (stored or raw deflate), uncompressed size and CRC. */
interface EntryBody {
  body: Buffer<ArrayBuffer>;
  size: number;
  crc: number;
}

/**
 * Read an entry's file and make its body: the CRC from Node's zlib (native; fflate's and yazl's
 * are JavaScript loops, and a bundle is over a hundred megabytes), text deflated. The file is
 * opened as a regular file only (never a link, a FIFO or a device, which read without end):
 * verify zips again a bundle it was handed, where a listed file may be anything.
 */
function readEntryBody(entry: ZipSource, compression: 0 | 8, room: (size: number) => Buffer<ArrayBuffer>): EntryBody {
  const { fd, size } = openRegularSync(entry.file);
  let data: Buffer<ArrayBuffer>;
  try {
    data = room(size);
    readFully(fd, entry.file, data);
  } finally {
    closeSync(fd);
  }
  return { body: compression === 8 ? deflateRawSync(data, { level: TEXT_LEVEL }) : data, size: data.length, crc: crc32(data) };
}

/** The previous zip's entries by path, open for reading, when it was made at the same date (else none can be reused). */
function openPrevious(previous: PreviousZip | undefined, date: number): { fd: number; file: string; entries: Map<string, ZipLayout['entries'][number]> } | undefined {
  if (!previous || previous.layout.date !== date) return undefined;
  return { fd: openRegularSync(previous.file).fd, file: previous.file, entries: new Map(previous.layout.entries.map((e) => [e.path, e])) };
}

/**
 * Write the reproducible zip of `entries` to `sink`, chunk by chunk, synchronously: entries sorted
 * by path, one fixed timestamp, fixed permissions (0644), no extra fields (an extended timestamp
 * would carry the local offset); text deflated, already-compressed formats stored. The same files
 * and date always give the same bytes. Each file is read when the zip reaches it (see
 * READ_BUFFER): never the whole bundle in memory.
 *
 * fflate's streaming zip takes each entry as a ZipInputFile whose CRC, size and body the caller
 * provides (readEntryBody) — or, for an entry `previous` holds with the same content, its CRC,
 * size and body as stored there. Returns the zip's layout (for the next zip) and how many entries
 * came from `previous`.
 */
function zipInto(entries: readonly ZipSource[], date: Date, sink: ZipSink, previous?: PreviousZip): { layout: ZipLayout; reused: number } {
  const mtime = dosDate(new Date(Math.min(Math.max(date.getTime(), ZIP_EPOCH), ZIP_LAST)));
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (sorted.length > MAX_ENTRIES) throw new Error(`careprint: the release zip would hold ${sorted.length} files; a zip without Zip64 holds at most ${MAX_ENTRIES}`);
  const zip = zipStream(sink);
  const room = readRoom(sink);
  const layout: ZipLayout = { date: date.getTime(), entries: [] };
  const earlier = openPrevious(previous, layout.date);
  let reused = 0;
  try {
    for (const entry of sorted) {
      const compression = isCompressed(entry.path) ? 0 : 8;
      const old = entry.sha256 === undefined ? undefined : earlier?.entries.get(entry.path);
      let made: EntryBody;
      if (old && old.sha256 === entry.sha256 && old.compression === compression) {
        const stored = room(old.length);
        readFully(earlier!.fd, earlier!.file, stored, old.body);
        made = { body: stored, size: old.size, crc: old.crc };
        reused += 1;
      } else made = readEntryBody(entry, compression, room);
      const { size, crc } = made;
      const bodyAt = zip.add({ filename: entry.path, size, crc, compression, mtime, os: MADE_BY_UNIX, attrs: FILE_0644, ondata: undefined }, made.body);
      if (entry.sha256 !== undefined && bodyAt >= 0) layout.entries.push({ path: entry.path, sha256: entry.sha256, size, crc, compression, body: bodyAt, length: made.body.length });
    }
  } finally {
    if (earlier) closeSync(earlier.fd);
  }
  zip.end();
  sink.release();
  return { layout, reused };
}

/** The sha256 of everything a stream gives (a file read in chunks, never whole). */
export async function streamSha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The sha256 of the zip `entries` and `date` make (see zipInto), without writing it. */
export function zipSha256(entries: readonly ZipSource[], date: Date): string {
  const hash = createHash('sha256');
  zipInto(entries, date, { add: (chunk) => hash.update(chunk), release: () => undefined });
  return hash.digest('hex');
}

/** Write all of `chunks` to `fd` (writev may write less than asked). */
function writeAll(fd: number, chunks: Uint8Array[]): void {
  while (chunks.length) {
    // At most IOV_MAX (1024 on Linux) buffers per call.
    let done = writevSync(fd, chunks.slice(0, 1024));
    let k = 0;
    while (k < chunks.length && done >= chunks[k]!.length) done -= chunks[k++]!.length;
    chunks = chunks.slice(k);
    if (done > 0) chunks[0] = chunks[0]!.subarray(done);
  }
}

/** Write the reproducible zip of `entries` (see zipInto) to `target`, taking unchanged entries from `previous`. */
export async function writeZip(target: string, entries: readonly ZipSource[], date: Date, previous?: PreviousZip): Promise<WrittenZip> {
  await mkdir(path.dirname(target), { recursive: true });
  // The zip's own sha256, taken as it is written (the cache keeps it, so it need not read the zip back).
  const hash = createHash('sha256');
  // A link planted at the zip's name is not followed (the zip is written where it was asked for, or not at all).
  const fd = openSync(target, WRITE_FLAGS, 0o666);
  let made: { layout: ZipLayout; reused: number };
  try {
    let pending: Uint8Array[] = [];
    made = zipInto(entries, date, {
      add: (chunk) => {
        hash.update(chunk);
        pending.push(chunk);
      },
      release: () => {
        writeAll(fd, pending);
        pending = [];
      },
    }, previous);
  } catch (error) {
    // No partial zip is left behind.
    closeSync(fd);
    rmSync(target, { force: true });
    throw error;
  }
  closeSync(fd);
  return { sha256: hash.digest('hex'), ...made };
}

/** The release zip's name in dist/. */
export const zipName = (release: string) => `careprint-${release}.zip`;

/** What a bundle's release zip is made of: the manifest and every file it lists (with its sha256), from `folder`, at the bundle's date. */
export function bundleZipParts(folder: string, manifest: Manifest): { entries: ZipSource[]; date: Date } {
  return {
    entries: [
      { path: 'manifest.json', file: fileIn(folder, 'manifest.json') },
      ...manifest.files.map((f) => ({ path: f.path, file: fileIn(folder, f.path), sha256: f.sha256 })),
    ],
    date: new Date(manifest.date),
  };
}

/** Write a finished bundle folder's release zip, taking unchanged entries from `previous`. */
export function writeBundleZip(folder: string, manifest: Manifest, previous?: PreviousZip): Promise<WrittenZip> {
  const { entries, date } = bundleZipParts(folder, manifest);
  return writeZip(fileIn(folder, zipName(manifest.release)), entries, date, previous);
}
