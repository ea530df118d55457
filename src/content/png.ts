import { readFileSync, statSync } from 'node:fs';
import { crc32, inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

/**
 * PNGs read the one way careprint reads them: fully decoded (every chunk's checksum, the whole
 * compressed image) by pngjs into 8-bit RGBA, whatever the file's colour type and bit depth —
 * palette with transparency, 16-bit, interlaced, grey with alpha — after careprint has checked
 * what pngjs lets through (a file cut short inside its image data: see `readStructure`).
 * `check` decodes each PNG a guide shows, so a file that would fail to print is an error at the
 * image's line, not a crash of the build; the renderer takes the same pixels (see
 * render/pdf/png-cache.ts).
 */
export interface DecodedPng {
  width: number;
  height: number;
  /** Width × height × 4 bytes: red, green, blue, alpha. */
  rgba: Buffer;
  /** The file stores grey levels (colour types 0 and 4): one colour channel is enough. */
  grey: boolean;
}

/**
 * Recently decoded PNGs, by file version (`fileVersionKey`): a worker checks a guide and then
 * renders it, and both need the pixels. Bounded by bytes, as a photo decodes to tens of megabytes.
 */
const DECODED = new Map<string, DecodedPng>();
const MAX_DECODED_BYTES = 64 * 1024 * 1024;
let decodedBytes = 0;

/**
 * A file as process-wide caches of its contents know it: path, inode, size, modification and
 * change times. The inode tells a file saved by rename (as editors do), the change time one
 * copied in with its old modification time kept (cp -p, rsync, unzip); what still keeps its key
 * is a rewrite in place at the same size within one tick of the file-system clock (a few ms).
 */
export function fileVersionKey(file: string): string {
  const info = statSync(file);
  return `${file}\u0000${info.ino}\u0000${info.size}\u0000${info.mtimeMs}\u0000${info.ctimeMs}`;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What a PNG's header (its IHDR chunk, which must come first) says. */
export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
}

/** Samples per pixel for each colour type, and the bit depths the PNG standard allows it. */
const COLOR_TYPES: Record<number, { samples: number; depths: number[] } | undefined> = {
  0: { samples: 1, depths: [1, 2, 4, 8, 16] },
  2: { samples: 3, depths: [8, 16] },
  3: { samples: 1, depths: [1, 2, 4, 8] },
  4: { samples: 2, depths: [8, 16] },
  6: { samples: 4, depths: [8, 16] },
};

/**
 * The header of a PNG from its first 33 bytes (signature and IHDR), undefined when those are not
 * a PNG signature and a well-formed IHDR chunk; the size is as the file claims it, unchecked.
 */
export function readPngHeader(bytes: Buffer): PngHeader | undefined {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  if (bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bitDepth: bytes[24]!, colorType: bytes[25]!, interlaced: bytes[28] === 1 };
}

/** Bytes of filtered scanlines (a filter byte per row) the image data must inflate to. */
function imageDataLength({ width, height, bitDepth, colorType, interlaced }: PngHeader): number {
  const bits = COLOR_TYPES[colorType]!.samples * bitDepth;
  const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bits) / 8)) : 0);
  if (!interlaced) return rows(width, height);
  // Adam7: seven passes, each a smaller image (x start, y start, x step, y step).
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
  return passes.reduce((sum, [x, y, dx, dy]) => sum + rows(Math.ceil((width - x) / dx), Math.ceil((height - y) / dy)), 0);
}

/**
 * What pngjs lets through, refused. Its synchronous reader inflates the image data with a
 * flush that accepts a zlib stream that stops early, and its unfiltering reads past the end of
 * data that is too short as zeros: a PNG declaring 5000×5000 whose image data was cut short (or
 * is a few bytes) decoded to 100 MB of black and passed `check`. So the chunks are walked here
 * (IHDR first and sound, IDAT present, IEND last, every chunk within the file and its checksum right),
 * and the image data is inflated by zlib, which throws for a stream that stops early or fails
 * its checksum, to see that it holds every row the header declares, before pngjs decodes it.
 * The checksums and the second inflate add a quarter to a third to pngjs's own decode (60–110 ms
 * beside 240–300 ms for a 2000×1500 photo, 220–330 ms beside 1.0–1.3 s at 5000×5000, on a busy
 * two-core machine), once per file and process (the decoded result is cached).
 */
function readStructure(bytes: Buffer): { header: PngHeader; data: Buffer } | string {
  const header = readPngHeader(bytes);
  if (!header) return 'it does not start with a PNG signature and an IHDR header chunk';
  const { width, height, bitDepth, colorType } = header;
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return `its header gives a size of ${width}×${height} pixels`;
  const kind = COLOR_TYPES[colorType];
  if (!kind || !kind.depths.includes(bitDepth)) return `its header gives colour type ${colorType} with bit depth ${bitDepth}, which PNG does not have`;
  if (bytes[26] !== 0 || bytes[27] !== 0 || bytes[28]! > 1) return 'its header names a compression, filter or interlace method PNG does not have';
  const data: Buffer[] = [];
  let pos = 8;
  for (;;) {
    if (pos + 12 > bytes.length) return 'it stops before its IEND chunk: the file is cut short';
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    const name = /^[A-Za-z]{4}$/.test(type) ? `its ${type} chunk` : `the chunk at byte ${pos}`;
    if (length > 0x7fffffff || pos + 12 + length > bytes.length) return `${name} runs past the end of the file: the file is cut short`;
    // pngjs checks this too, but then reports "unrecognised content at end of stream".
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== bytes.readUInt32BE(pos + 8 + length)) return `${name} fails its checksum (CRC)`;
    if (type === 'IDAT') data.push(bytes.subarray(pos + 8, pos + 8 + length));
    pos += 12 + length;
    if (type === 'IEND') break;
  }
  if (pos !== bytes.length) return 'it has data after its IEND chunk';
  if (data.length === 0) return 'it has no image data (no IDAT chunk)';
  return { header, data: Buffer.concat(data) };
}

/** Inflate the image data strictly; a message when it does not hold the rows the header declares. */
function imageDataProblem(header: PngHeader, data: Buffer): string | undefined {
  const expected = imageDataLength(header);
  let inflated: Buffer;
  try {
    inflated = inflateSync(data, { maxOutputLength: expected });
  } catch (error) {
    // More data than the rows need: every row is there, and PNG readers ignore the rest.
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    const reason = (error as Error).message === 'unexpected end of file' ? 'stops early: the file is cut short' : `cannot be read (${(error as Error).message})`;
    return `its compressed image data ${reason}`;
  }
  if (inflated.length < expected) return `its image data holds ${inflated.length} of the ${expected} bytes its ${header.width}×${header.height} size needs`;
  return undefined;
}

/**
 * Decode a PNG file (throws pngjs's error, or careprint's, for a damaged or unsupported file).
 * Callers check the header's size first (content/images.ts): this decodes whatever it declares.
 */
export function decodePng(file: string): DecodedPng {
  const key = fileVersionKey(file);
  const known = DECODED.get(key);
  if (known) return known;
  const bytes = readFileSync(file);
  const structure = readStructure(bytes);
  if (typeof structure === 'string') throw new Error(structure);
  // Before pngjs, which would allocate and unfilter every row the header declares first.
  const damage = imageDataProblem(structure.header, structure.data);
  if (damage) throw new Error(damage);
  const png = PNG.sync.read(bytes);
  // Grey files (colour types 0 and 4) come out as RGBA too, with red = green = blue.
  const decoded: DecodedPng = { width: png.width, height: png.height, rgba: png.data, grey: !png.color };
  if (decoded.rgba.length > MAX_DECODED_BYTES) return decoded;
  if (decodedBytes + decoded.rgba.length > MAX_DECODED_BYTES) {
    DECODED.clear();
    decodedBytes = 0;
  }
  DECODED.set(key, decoded);
  decodedBytes += decoded.rgba.length;
  return decoded;
}

/** Why a PNG file cannot be printed, or undefined when it decodes. */
export function pngProblem(file: string): string | undefined {
  try {
    decodePng(file);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
