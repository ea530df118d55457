import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import type * as YazlModule from 'yazl';
import type { Manifest } from './plan.js';
import { fileIn } from './write.js';

const require = createRequire(import.meta.url);
/** Required, not imported: Node does not scan a required CommonJS module's source for exports (see svg-cache.ts). */
const yazl = require('yazl') as typeof YazlModule;

/**
 * yazl checksums every byte it zips with buffer-crc32, a JavaScript table loop; Node's own
 * zlib.crc32 computes the same CRC-32 (same polynomial, same chaining from a previous value)
 * natively, an order of magnitude faster, and a release zip is over a hundred megabytes. yazl
 * calls `unsigned(buffer, previous)` on the module it requires, so that one function is swapped.
 */
function useNativeCrc32(): void {
  const fromYazl = createRequire(require.resolve('yazl'));
  const bufferCrc32 = fromYazl('buffer-crc32') as { unsigned: (buffer: Buffer, previous?: number) => number };
  bufferCrc32.unsigned = (buffer, previous) => crc32(buffer, previous ?? 0);
}
useNativeCrc32();

/**
 * A stream of one buffer. Readable.from would wrap it in an async iterator (promises and ticks
 * for every entry, thousands per bundle); this pushes it when first asked.
 */
function onceStream(data: Buffer): Readable {
  return new Readable({
    read() {
      this.push(data);
      this.push(null);
    },
  });
}

/**
 * A zip date whose DOS fields (which zip stores in "local time") read as the given UTC time in
 * every time zone: yazl reads the local-time fields of the Date it is given.
 */
function dosDate(utc: Date): Date {
  return new Date(utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate(), utc.getUTCHours(), utc.getUTCMinutes(), utc.getUTCSeconds());
}

/** The earliest date a zip can store (1980-01-01). */
const ZIP_EPOCH = Date.UTC(1980, 0, 1);

/**
 * A reproducible zip as a stream of bytes, read from files on disk as it goes (never whole in
 * memory): entries sorted by path, one fixed timestamp, fixed permissions (0644), no
 * extended-timestamp field (it would carry the local offset); text deflated, already-compressed
 * formats stored. The same files and date always give the same bytes.
 */
export function zipStream(entries: ReadonlyArray<{ path: string; file: string }>, date: Date): Readable {
  const zip = new yazl.ZipFile();
  const mtime = dosDate(new Date(Math.max(date.getTime(), ZIP_EPOCH)));
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    // PDFs, fonts and bitmaps are compressed already: storing them costs nothing in size and
    // saves deflating hundreds of megabytes on every build.
    const compress = !/\.(pdf|woff2|png|jpe?g|zip)$/i.test(entry.path);
    // Each file is read when the zip reaches it, in one synchronous read: thousands of small
    // files streamed one by one spent most of the time waiting on file-system round trips.
    const options = { mtime, mode: 0o100644, compress, forceDosTimestamp: true, size: statSync(entry.file).size } as YazlModule.Options & { forceDosTimestamp: boolean; size: number };
    zip.addReadStreamLazy(entry.path, options, (done) => {
      try {
        done(null, onceStream(readFileSync(entry.file)));
      } catch (error) {
        done(error, undefined as never);
      }
    });
  }
  zip.end();
  return zip.outputStream as Readable;
}

/** The sha256 of everything a stream gives. */
export async function streamSha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Write the reproducible zip of `entries` (see zipStream) to `target`; returns its sha256. */
export async function writeZip(target: string, entries: ReadonlyArray<{ path: string; file: string }>, date: Date): Promise<string> {
  const output = zipStream(entries, date);
  await mkdir(path.dirname(target), { recursive: true });
  // The zip's own sha256, taken as it is written (the cache keeps it, so it need not read the zip back).
  const hash = createHash('sha256');
  output.on('data', (chunk: Buffer) => hash.update(chunk));
  // A deep write buffer lets the stream gather many entries into each write (writev).
  await pipeline(output, createWriteStream(target, { highWaterMark: 8 * 1024 * 1024 }));
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
