import { readFileSync, statSync } from 'node:fs';
import { PNG } from 'pngjs';

/**
 * PNGs read the one way careprint reads them: fully decoded (every chunk's checksum, the whole
 * compressed image) by pngjs into 8-bit RGBA, whatever the file's colour type and bit depth —
 * palette with transparency, 16-bit, interlaced, grey with alpha. `check` decodes each PNG a guide
 * shows, so a file that would fail to print is an error at the image's line, not a crash of the
 * build; the renderer takes the same pixels (see render/pdf/png-cache.ts).
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
 * Recently decoded PNGs, by path, size and modification time: a worker checks a guide and then
 * renders it, and both need the pixels. Bounded by bytes, as a photo decodes to tens of megabytes.
 */
const DECODED = new Map<string, DecodedPng>();
const MAX_DECODED_BYTES = 64 * 1024 * 1024;
let decodedBytes = 0;

/** A file as process-wide caches of its contents know it: path, size and modification time. */
export function fileVersionKey(file: string): string {
  const info = statSync(file);
  return `${file}\u0000${info.size}\u0000${info.mtimeMs}`;
}

/** Decode a PNG file (throws pngjs's error for a damaged or unsupported file). */
export function decodePng(file: string): DecodedPng {
  const key = fileVersionKey(file);
  const known = DECODED.get(key);
  if (known) return known;
  const png = PNG.sync.read(readFileSync(file));
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
