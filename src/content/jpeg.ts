import { readFileSync } from 'node:fs';
import { fileVersionKey } from './png.js';

/**
 * JPEGs read the way careprint prints them. pdfkit never decodes a JPEG: it finds the frame
 * header (size, bits, colour components), reads the EXIF orientation and embeds the file's bytes
 * as they are (DCTDecode), for the PDF viewer to decode. So what careprint must know before it
 * prints a JPEG is that pdfkit reads the right frame header and that a viewer can decode what
 * follows — and pdfkit's own reader checks almost nothing: a file that is only a header, or
 * whose segments say length 0 or 1, threw from deep in the build ("Invalid JPEG."), and a frame
 * header past the 64 KB careprint used to probe was read as 0×0 and skipped the size limit.
 *
 * Why a marker walk and not a full decode: jpeg-js 0.4.4, the usual pure-JavaScript decoder on
 * npm, took 330–380 ms for a 2000×1500 photo on this project's machine, on every `check` of every
 * guide that shows one, for pixels careprint then throws away (it embeds the JPEG as it is).
 * Walking the whole marker structure takes under a millisecond for the same photo (2 MB) and
 * catches what pdfkit and the viewers trip over: every segment's length agrees with the file,
 * the tables (DQT, DHT) a scan needs are defined and well formed, the frame is one a PDF viewer
 * decodes (baseline, extended or progressive Huffman, 8-bit, grey, colour or CMYK), each
 * component is scanned, every scan has data and the file ends with an end-of-image marker, and
 * pdfkit reads the same frame (tests/bitmap-images.test.ts checks that on mutated files). What
 * it cannot see is damage inside the entropy-coded data of a file whose structure is whole (bit
 * rot in the middle of a photo): a viewer then shows grey or smeared blocks where the damage is,
 * and nothing crashes.
 */
export interface JpegFrame {
  width: number;
  height: number;
  /** 1 grey, 3 colour (YCbCr), 4 CMYK (or YCCK): the ones pdfkit has a colour space for. */
  components: 1 | 3 | 4;
  progressive: boolean;
  /**
   * The EXIF orientation (1–8) pdfkit reads and draws the image turned by: 5–8 turn it a
   * quarter, so the picture on the page is height × width.
   */
  orientation: number;
}

/** Why a JPEG cannot be printed: damaged (export it again) or a kind PDF viewers do not decode. */
export interface JpegProblem {
  kind: 'damaged' | 'unsupported';
  reason: string;
}

class Problem extends Error {
  constructor(
    readonly kind: JpegProblem['kind'],
    message: string,
  ) {
    super(message);
  }
}

// Declared functions returning never, so that TypeScript narrows after a call.
function damaged(reason: string): never {
  throw new Problem('damaged', reason);
}
function unsupported(reason: string): never {
  throw new Problem('unsupported', reason);
}

/** Frame types by the marker's low byte; only Huffman-coded DCT frames print. */
const FRAMES: Record<number, string | undefined> = {
  0xc0: undefined,
  0xc1: undefined,
  0xc2: undefined,
  0xc3: 'lossless coding',
  0xc5: 'hierarchical coding',
  0xc6: 'hierarchical coding',
  0xc7: 'hierarchical lossless coding',
  0xc9: 'arithmetic coding',
  0xca: 'arithmetic coding',
  0xcb: 'arithmetic lossless coding',
  0xcd: 'hierarchical arithmetic coding',
  0xce: 'hierarchical arithmetic coding',
  0xcf: 'hierarchical arithmetic lossless coding',
};

const hex = (marker: number) => `0xFF${marker.toString(16).toUpperCase().padStart(2, '0')}`;

/** A segment as a message names it: "its APP1 segment (0xFFE1) at byte 20". */
function segmentName(marker: number): string {
  const names: Record<number, string> = { 0xc4: 'Huffman table', 0xdb: 'quantisation table', 0xdd: 'restart interval', 0xda: 'scan header', 0xfe: 'comment' };
  const name = names[marker] ?? (marker >= 0xe0 && marker <= 0xef ? `APP${marker - 0xe0}` : marker in FRAMES ? 'frame header' : 'marker');
  return `${name} segment (${hex(marker)})`;
}

interface Component {
  id: number;
  blocks: number;
  table: number;
}

/**
 * Walk a whole JPEG file, segment by segment and through each scan's entropy-coded data, and
 * return its frame; throws a `Problem` for anything pdfkit or a PDF viewer would trip over.
 */
function walk(bytes: Buffer): JpegFrame {
  const end = bytes.length;
  if (end < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) damaged('it does not start with a JPEG start-of-image marker');
  let frame: Omit<JpegFrame, 'orientation'> | undefined;
  let components: Component[] = [];
  const dc = new Set<number>();
  const ac = new Set<number>();
  const quant = new Set<number>();
  /** Components each scan (progressive: each first DC scan) has covered. */
  const scanned = new Set<number>();
  let scans = 0;
  let orientation: number | undefined;
  let pos = 2;
  for (;;) {
    if (pos >= end) damaged('it stops before its end-of-image marker: the file is cut short');
    if (bytes[pos] !== 0xff) damaged(`byte ${pos} should start a marker and does not`);
    if (pos + 1 >= end) damaged('it stops before its end-of-image marker: the file is cut short');
    let marker = bytes[pos + 1]!;
    pos += 2;
    // Fill bytes (0xFF before a marker) are allowed by the standard, but pdfkit, looking for the
    // frame header and the EXIF orientation, reads 0xFFFF as a marker and its next two bytes as
    // a length: before the first scan they would send it astray, so they are refused there.
    while (marker === 0xff) {
      if (scans === 0) damaged(`it has fill bytes (0xFF) before the marker at byte ${pos - 2}, where pdfkit would misread them`);
      if (pos >= end) damaged('it stops before its end-of-image marker: the file is cut short');
      marker = bytes[pos++]!;
    }
    if (marker === 0xd9) break;
    if (marker === 0xd8) damaged(`it has a second start-of-image marker at byte ${pos - 2}`);
    const known = marker === 0xc4 || marker === 0xdb || marker === 0xdd || marker === 0xda || marker === 0xfe || (marker >= 0xe0 && marker <= 0xef) || marker in FRAMES;
    if (marker === 0xcc) unsupported('it uses arithmetic coding');
    if (!known) damaged(`it has an unknown or misplaced marker ${hex(marker)} at byte ${pos - 2}`);
    if (pos + 2 > end) damaged('it stops in the middle of a segment: the file is cut short');
    const length = bytes.readUInt16BE(pos);
    // A length counts its own two bytes, so 0 and 1 are impossible: pdfkit then reads on from
    // inside the segment for the next 0xFF, and libjpeg (in most PDF viewers) refuses the file.
    if (length < 2) damaged(`its ${segmentName(marker)} at byte ${pos - 2} gives a length of ${length}, which is impossible`);
    if (pos + length > end) damaged(`its ${segmentName(marker)} at byte ${pos - 2} runs past the end of the file: the file is cut short`);
    const segment = bytes.subarray(pos + 2, pos + length);
    const at = pos - 2;
    pos += length;

    if (marker in FRAMES) {
      const kind = FRAMES[marker];
      if (kind) unsupported(`it uses ${kind}`);
      if (frame) damaged(`it has a second frame header at byte ${at}`);
      ({ frame, components } = readFrame(segment, marker === 0xc2));
    } else if (marker === 0xc4) {
      readHuffmanTables(segment, dc, ac);
    } else if (marker === 0xdb) {
      readQuantTables(segment, quant);
    } else if (marker === 0xdd) {
      if (segment.length !== 2) damaged(`its restart interval segment at byte ${at} is ${segment.length + 2} bytes long, not 4`);
    } else if (marker === 0xda) {
      if (!frame) damaged('a scan comes before the frame header that gives its size');
      readScanHeader(segment, frame, components, { dc, ac, quant, scanned });
      scans++;
      pos = skipEntropyData(bytes, pos);
    } else if (marker === 0xe1 && orientation === undefined && scans === 0 && segment.toString('latin1', 0, 6) === 'Exif\0\0') {
      // pdfkit takes the orientation from the first APP1 segment that is EXIF, before the first scan.
      orientation = exifOrientation(bytes, at + 10);
    }
    // Other APPn (JFIF, ICC, Adobe…) and comments: their length is all careprint needs.
  }
  if (!frame) damaged('it has no frame header, so no size');
  if (scans === 0) damaged('it has no image data (no start-of-scan)');
  const missing = components.filter((c) => !scanned.has(c.id));
  if (missing.length > 0) damaged(`its colour component${missing.length > 1 ? 's' : ''} ${missing.map((c) => c.id).join(', ')} ${missing.length > 1 ? 'are' : 'is'} never scanned`);
  // Bytes after the end-of-image marker are allowed: phones append a second, preview JPEG
  // (MPF) there, and viewers stop at the marker.
  return { ...frame, orientation: orientation ?? 1 };
}

/**
 * The orientation in an EXIF block whose TIFF header starts at `tiff`, read as pdfkit 0.20's
 * parseExifOrientation reads it (offsets may point anywhere in the file, as there; anything it
 * cannot read is 1), so that the box careprint lays out has the shape pdfkit draws into.
 */
function exifOrientation(bytes: Buffer, tiff: number): number {
  if (tiff + 8 > bytes.length) return 1;
  const order = bytes.toString('latin1', tiff, tiff + 2);
  if (order !== 'II' && order !== 'MM') return 1;
  const read16 = (at: number) => (order === 'II' ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const read32 = (at: number) => (order === 'II' ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  if (read16(tiff + 2) !== 42) return 1;
  const ifd = tiff + read32(tiff + 4);
  if (ifd + 2 > bytes.length) return 1;
  const entries = read16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > bytes.length) return 1;
    if (read16(entry) === 0x0112) {
      const value = read16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

function readFrame(segment: Buffer, progressive: boolean): { frame: Omit<JpegFrame, 'orientation'>; components: Component[] } {
  if (segment.length < 6) damaged('its frame header is cut short');
  const precision = segment[0]!;
  const height = segment.readUInt16BE(1);
  const width = segment.readUInt16BE(3);
  const count = segment[5]!;
  if (segment.length !== 6 + 3 * count) damaged(`its frame header is ${segment.length + 2} bytes long, not ${8 + 3 * count} for ${count} components`);
  // PDF's DCTDecode takes 8-bit samples only; pdfkit would write BitsPerComponent 12 regardless.
  if (precision !== 8) unsupported(`it has ${precision}-bit samples; PDF takes 8-bit JPEGs only`);
  // A height of 0 means "given later" (a DNL marker), which pdfkit cannot read.
  if (width === 0 || height === 0) damaged(`its frame header gives a size of ${width}×${height} pixels`);
  if (count !== 1 && count !== 3 && count !== 4) unsupported(`it has ${count} colour components; PDF takes 1 for grey, 3 for colour or 4 for CMYK`);
  const components: Component[] = [];
  for (let i = 0; i < count; i++) {
    const id = segment[6 + 3 * i]!;
    const h = segment[7 + 3 * i]! >> 4;
    const v = segment[7 + 3 * i]! & 15;
    const table = segment[8 + 3 * i]!;
    if (components.some((c) => c.id === id)) damaged(`its frame header names colour component ${id} twice`);
    if (h < 1 || h > 4 || v < 1 || v > 4) damaged(`its colour component ${id} has sampling factors ${h}×${v}`);
    if (table > 3) damaged(`its colour component ${id} names quantisation table ${table}`);
    components.push({ id, blocks: h * v, table });
  }
  return { frame: { width, height, components: count, progressive }, components };
}

function readQuantTables(segment: Buffer, quant: Set<number>): void {
  let i = 0;
  while (i < segment.length) {
    const precision = segment[i]! >> 4;
    const id = segment[i]! & 15;
    if (precision > 1 || id > 3) damaged(`it has a quantisation table with precision ${precision}, number ${id}`);
    i += 1 + 64 * (precision + 1);
    if (i > segment.length) damaged('a quantisation table is cut short');
    quant.add(id);
  }
}

function readHuffmanTables(segment: Buffer, dc: Set<number>, ac: Set<number>): void {
  let i = 0;
  while (i < segment.length) {
    const kind = segment[i]! >> 4;
    const id = segment[i]! & 15;
    if (kind > 1 || id > 3) damaged(`it has a Huffman table of class ${kind}, number ${id}`);
    if (i + 17 > segment.length) damaged('a Huffman table is cut short');
    let symbols = 0;
    // Codes are handed out shortest first; a table whose lengths overflow a length (or use the
    // all-ones code) is refused by libjpeg, which most PDF viewers decode JPEGs with.
    let code = 0;
    for (let length = 1; length <= 16; length++) {
      const count = segment[i + length]!;
      symbols += count;
      code += count;
      if (count > 0 && code >= 1 << length) damaged(`a Huffman table has more codes of length ${length} than fit`);
      code <<= 1;
    }
    if (symbols > 256) damaged(`a Huffman table lists ${symbols} symbols (at most 256)`);
    if (i + 17 + symbols > segment.length) damaged('a Huffman table is cut short');
    // A DC symbol is a number of bits, at most 15 (libjpeg's limit, as for the code lengths).
    if (kind === 0 && segment.subarray(i + 17, i + 17 + symbols).some((s) => s > 15)) damaged('a DC Huffman table has a symbol over 15');
    (kind === 0 ? dc : ac).add(id);
    i += 17 + symbols;
  }
}

function readScanHeader(
  segment: Buffer,
  frame: Omit<JpegFrame, 'orientation'>,
  components: Component[],
  known: { dc: Set<number>; ac: Set<number>; quant: Set<number>; scanned: Set<number> },
): void {
  const count = segment[0] ?? 0;
  if (count < 1 || count > 4 || segment.length !== 4 + 2 * count) damaged(`a scan header is ${segment.length + 2} bytes long for ${count} components`);
  const start = segment[1 + 2 * count]!;
  const stop = segment[2 + 2 * count]!;
  const high = segment[3 + 2 * count]! >> 4;
  const low = segment[3 + 2 * count]! & 15;
  if (frame.progressive) {
    // libjpeg's rules for a progressive scan (JERR_BAD_PROGRESSION).
    const bad = stop > 63 || start > stop || (start === 0 && stop !== 0) || (start > 0 && count !== 1) || high > 13 || low > 13;
    if (bad) damaged(`a progressive scan covers coefficients ${start}–${stop} (bits ${high}/${low}), which is not a valid scan`);
  } else if (start !== 0 || stop !== 63 || high !== 0 || low !== 0) {
    damaged(`a sequential scan covers coefficients ${start}–${stop} (bits ${high}/${low}), not 0–63`);
  }
  let blocks = 0;
  const ids = new Set<number>();
  for (let i = 0; i < count; i++) {
    const id = segment[1 + 2 * i]!;
    const dcTable = segment[2 + 2 * i]! >> 4;
    const acTable = segment[2 + 2 * i]! & 15;
    const component = components.find((c) => c.id === id);
    if (!component || ids.has(id)) damaged(`a scan names colour component ${id}, which the frame header does not have or the scan names twice`);
    ids.add(id);
    blocks += component.blocks;
    if (!known.quant.has(component.table)) damaged(`colour component ${id} needs quantisation table ${component.table}, which is not defined before its scan`);
    // Which Huffman tables a scan decodes with: DC in sequential and first DC scans, AC in the rest.
    const needsDc = start === 0 && (!frame.progressive || high === 0);
    const needsAc = frame.progressive ? start > 0 : true;
    if (needsDc && !known.dc.has(dcTable)) damaged(`a scan needs DC Huffman table ${dcTable}, which is not defined before it`);
    if (needsAc && !known.ac.has(acTable)) damaged(`a scan needs AC Huffman table ${acTable}, which is not defined before it`);
    // Every component must get its DC coefficients (the whole image, if sequential).
    if (!frame.progressive || (start === 0 && high === 0)) known.scanned.add(id);
  }
  // libjpeg's limit on an interleaved MCU (JERR_BAD_MCU_SIZE).
  if (count > 1 && blocks > 10) damaged(`a scan interleaves ${blocks} blocks per unit (at most 10)`);
}

/**
 * Skip a scan's entropy-coded data: up to the first marker that is not a stuffed 0xFF00 or a
 * restart marker. Returns the marker's position. `indexOf` keeps this fast on a photo.
 */
function skipEntropyData(bytes: Buffer, start: number): number {
  let pos = start;
  for (;;) {
    pos = bytes.indexOf(0xff, pos);
    if (pos < 0 || pos + 1 >= bytes.length) damaged('its image data stops before the end-of-image marker: the file is cut short');
    const next = bytes[pos + 1]!;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) pos += 2;
    else if (next === 0xff) pos += 1;
    else break;
  }
  if (pos === start) damaged(`its scan before byte ${pos} has no image data`);
  return pos;
}

/** A JPEG's frame, or why it cannot be printed, from its bytes. */
export function inspectJpeg(bytes: Buffer): JpegFrame | JpegProblem {
  try {
    return walk(bytes);
  } catch (error) {
    if (error instanceof Problem) return { kind: error.kind, reason: error.message };
    throw error;
  }
}

export const isJpegProblem = (result: JpegFrame | JpegProblem): result is JpegProblem => 'reason' in result;

/**
 * The file last inspected: `check` asks for a JPEG's size (imageInfo) and then for what is
 * wrong with it (imageProblem), the renderer does the same, and one walk serves both. One
 * entry, so nothing grows; the key is the file's version (path, size, modification time).
 */
let last: { key: string; result: JpegFrame | JpegProblem } | undefined;

/** Read a JPEG file whole (its frame header can come after any amount of metadata) and inspect it. */
export function inspectJpegFile(file: string): JpegFrame | JpegProblem {
  const key = fileVersionKey(file);
  if (last?.key === key) return last.result;
  const result = inspectJpeg(readFileSync(file));
  last = { key, result };
  return result;
}
