import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, rmSync, writevSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';
import type * as FflateModule from 'fflate';
import type { Manifest } from './plan.js';
import { fileIn } from './write.js';

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

/** Read all `data.length` bytes of the open file `fd` (`file`) into `data`. */
function readFully(fd: number, file: string, data: Buffer<ArrayBuffer>): void {
  let done = 0;
  while (done < data.length) {
    const read = readSync(fd, data, done, data.length - done, done);
    if (read === 0) throw new Error(`careprint: ${file} got shorter while it was zipped`);
    done += read;
  }
}

/**
 * Write the reproducible zip of `entries` to `sink`, chunk by chunk, synchronously: entries sorted
 * by path, one fixed timestamp, fixed permissions (0644), no extra fields (an extended timestamp
 * would carry the local offset); text deflated, already-compressed formats stored. The same files
 * and date always give the same bytes. Each file is read when the zip reaches it (see
 * READ_BUFFER): never the whole bundle in memory.
 *
 * fflate's streaming zip takes each entry as a ZipInputFile whose CRC, size and body the caller
 * provides: the CRC comes from Node's zlib (native; fflate's and yazl's are JavaScript loops, and
 * a bundle is over a hundred megabytes) and the body is the file itself or its raw deflate.
 */
function zipInto(entries: ReadonlyArray<{ path: string; file: string }>, date: Date, sink: ZipSink): void {
  const mtime = dosDate(new Date(Math.min(Math.max(date.getTime(), ZIP_EPOCH), ZIP_LAST)));
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (sorted.length > MAX_ENTRIES) throw new Error(`careprint: the release zip would hold ${sorted.length} files; a zip without Zip64 holds at most ${MAX_ENTRIES}`);
  let written = 0;
  let failure: Error | undefined;
  const zip = new Zip((error, chunk) => {
    if (error) failure ??= error;
    else {
      written += chunk.length;
      if (written > MAX_BYTES) failure ??= new Error('careprint: the release zip would be larger than 4 GiB, which a zip without Zip64 cannot hold');
      else sink.add(chunk);
    }
  });
  const buffer = Buffer.allocUnsafe(READ_BUFFER);
  let used = 0;
  for (const entry of sorted) {
    const fd = openSync(entry.file, 'r');
    let data: Buffer<ArrayBuffer>;
    try {
      const size = fstatSync(fd).size;
      if (size > buffer.length) data = Buffer.allocUnsafe(size);
      else {
        if (used + size > buffer.length) {
          // Full: the sink finishes with what the buffer holds before it is read into again.
          sink.release();
          used = 0;
        }
        data = buffer.subarray(used, used + size);
        used += size;
      }
      readFully(fd, entry.file, data);
    } finally {
      closeSync(fd);
    }
    const compress = !isCompressed(entry.path);
    const file: FflateModule.ZipInputFile = {
      filename: entry.path,
      size: data.length,
      crc: crc32(data),
      compression: compress ? 8 : 0,
      mtime,
      os: MADE_BY_UNIX,
      attrs: FILE_0644,
      ondata: undefined,
    };
    zip.add(file);
    // fflate set the handler in add(): the whole body, as the final chunk.
    file.ondata!(null, compress ? deflateRawSync(data, { level: TEXT_LEVEL }) : data, true);
    if (failure) throw failure;
  }
  zip.end();
  if (failure) throw failure;
  sink.release();
}

/** The sha256 of everything a stream gives (a file read in chunks, never whole). */
export async function streamSha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The sha256 of the zip `entries` and `date` make (see zipInto), without writing it. */
export function zipSha256(entries: ReadonlyArray<{ path: string; file: string }>, date: Date): string {
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

/** Write the reproducible zip of `entries` (see zipInto) to `target`; returns its sha256. */
export async function writeZip(target: string, entries: ReadonlyArray<{ path: string; file: string }>, date: Date): Promise<string> {
  await mkdir(path.dirname(target), { recursive: true });
  // The zip's own sha256, taken as it is written (the cache keeps it, so it need not read the zip back).
  const hash = createHash('sha256');
  const fd = openSync(target, 'w');
  try {
    let pending: Uint8Array[] = [];
    zipInto(entries, date, {
      add: (chunk) => {
        hash.update(chunk);
        pending.push(chunk);
      },
      release: () => {
        writeAll(fd, pending);
        pending = [];
      },
    });
  } catch (error) {
    // No partial zip is left behind.
    closeSync(fd);
    rmSync(target, { force: true });
    throw error;
  }
  closeSync(fd);
  return hash.digest('hex');
}

/** The release zip's name in dist/. */
export const zipName = (release: string) => `careprint-${release}.zip`;

/** What a bundle's release zip is made of: the manifest and every file it lists, from `folder`, at the bundle's date. */
export function bundleZipParts(folder: string, manifest: Manifest): { entries: Array<{ path: string; file: string }>; date: Date } {
  return {
    entries: ['manifest.json', ...manifest.files.map((f) => f.path)].map((p) => ({ path: p, file: fileIn(folder, p) })),
    date: new Date(manifest.date),
  };
}

/** Write a finished bundle folder's release zip; returns its sha256. */
export function writeBundleZip(folder: string, manifest: Manifest): Promise<string> {
  const { entries, date } = bundleZipParts(folder, manifest);
  return writeZip(fileIn(folder, zipName(manifest.release)), entries, date);
}
