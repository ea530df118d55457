/**
 * A tiny JPEG writer for tests: images made of flat 8×8 blocks (each block one colour, so every
 * AC coefficient is zero and the encoding stays a few lines), baseline or progressive, grey,
 * YCbCr colour or Adobe CMYK, with an optional EXIF orientation. No tool on the machine writes
 * progressive or CMYK JPEGs (and jpeg-js only baseline YCbCr), and real decoders (poppler's, for
 * the PDFs) read these, which is the point: fixtures careprint must accept, made here.
 */

export interface JpegSpec {
  /** Pixels; blocks at the right and bottom edges are cut by the decoder. */
  width: number;
  height: number;
  /** 1 grey, 3 YCbCr (JFIF), 4 CMYK as Adobe writes it (inverted: 255 is no ink). */
  components: 1 | 3 | 4;
  /** Each component's sample (0–255) for the 8×8 block at (bx, by). */
  sample: (bx: number, by: number, component: number) => number;
  progressive?: boolean;
  /** An EXIF APP1 segment with this orientation (1–8). */
  orientation?: number;
}

const u16 = (n: number) => [(n >> 8) & 255, n & 255];
const segment = (marker: number, body: number[]) => [0xff, marker, ...u16(body.length + 2), ...body];

class Bits {
  bytes: number[] = [];
  private acc = 0;
  private count = 0;
  put(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.count === 8) this.flush();
    }
  }
  private flush(): void {
    this.bytes.push(this.acc);
    // 0xFF in entropy-coded data is followed by a stuffed zero.
    if (this.acc === 0xff) this.bytes.push(0);
    this.acc = 0;
    this.count = 0;
  }
  end(): number[] {
    // Pad the last byte with ones.
    while (this.count !== 0) this.put(1, 1);
    return this.bytes;
  }
}

/** DC: the twelve bit counts 0–11, each a 4-bit code equal to the count. AC: end-of-block only, code "0". */
const DC_TABLE = [0x00, ...[0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], ...Array.from({ length: 12 }, (_, i) => i)];
const AC_TABLE = [0x10, ...[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0x00];

function putDc(bits: Bits, diff: number): void {
  const size = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
  bits.put(size, 4);
  if (size > 0) bits.put(diff >= 0 ? diff : diff + (1 << size) - 1, size);
}

function exif(orientation: number): number[] {
  // Big-endian TIFF with one IFD entry: Orientation (0x0112), SHORT, 1 value.
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, ...u16(1), ...u16(0x0112), ...u16(3), 0, 0, 0, 1, ...u16(orientation), 0, 0, 0, 0, 0, 0];
  return segment(0xe1, [...Buffer.from('Exif\0\0', 'latin1'), ...tiff]);
}

export function writeJpeg(spec: JpegSpec): Buffer {
  const { width, height, components } = spec;
  const across = Math.ceil(width / 8);
  const down = Math.ceil(height / 8);
  const ids = Array.from({ length: components }, (_, i) => i + 1);
  // A flat block's DC coefficient is 8 × (sample − 128); every quantiser is 1.
  const dcOf = (bx: number, by: number, c: number) => 8 * (Math.round(spec.sample(bx, by, c)) - 128);
  const out: number[] = [0xff, 0xd8];
  if (components === 4) out.push(...segment(0xee, [...Buffer.from('Adobe', 'latin1'), ...u16(100), 0, 0, 0, 0, 0]));
  else out.push(...segment(0xe0, [...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  if (spec.orientation !== undefined) out.push(...exif(spec.orientation));
  out.push(...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]));
  out.push(...segment(spec.progressive ? 0xc2 : 0xc0, [8, ...u16(height), ...u16(width), components, ...ids.flatMap((id) => [id, 0x11, 0])]));
  out.push(...segment(0xc4, [...DC_TABLE, ...AC_TABLE]));
  const scan = (scanIds: number[], start: number, stop: number, data: number[]) =>
    out.push(...segment(0xda, [scanIds.length, ...scanIds.flatMap((id) => [id, 0x00]), start, stop, 0]), ...data);
  if (!spec.progressive) {
    const bits = new Bits();
    const previous = ids.map(() => 0);
    for (let by = 0; by < down; by++) {
      for (let bx = 0; bx < across; bx++) {
        ids.forEach((_, c) => {
          const dc = dcOf(bx, by, c);
          putDc(bits, dc - previous[c]!);
          previous[c] = dc;
          bits.put(0, 1); // end of block: every AC coefficient is zero
        });
      }
    }
    scan(ids, 0, 63, bits.end());
  } else {
    // The DC coefficients of all components in one interleaved scan, then each component's
    // AC coefficients (all zero: an end-of-block per block) in a scan of its own.
    const bits = new Bits();
    const previous = ids.map(() => 0);
    for (let by = 0; by < down; by++) {
      for (let bx = 0; bx < across; bx++) {
        ids.forEach((_, c) => {
          const dc = dcOf(bx, by, c);
          putDc(bits, dc - previous[c]!);
          previous[c] = dc;
        });
      }
    }
    scan(ids, 0, 0, bits.end());
    for (const id of ids) {
      const ac = new Bits();
      for (let i = 0; i < across * down; i++) ac.put(0, 1);
      scan([id], 1, 63, ac.end());
    }
  }
  out.push(0xff, 0xd9);
  return Buffer.from(out);
}

/** YCbCr (JFIF) samples of an RGB colour. */
export function ycbcr([r, g, b]: [number, number, number]): [number, number, number] {
  return [0.299 * r + 0.587 * g + 0.114 * b, 128 - 0.168736 * r - 0.331264 * g + 0.5 * b, 128 + 0.5 * r - 0.418688 * g - 0.081312 * b];
}
