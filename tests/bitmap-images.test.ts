/**
 * Bitmaps `check` accepts are bitmaps `build` prints (issue 21, "hostile files"): a JPEG is
 * walked whole, segment by segment (src/content/jpeg.ts), and must agree with what pdfkit reads
 * from it; a PNG's image data must hold every row its header declares (src/content/png.ts),
 * which pngjs does not ask; no bitmap may be too large on a side or in area, decided from its
 * header before anything is decoded (src/content/images.ts). The rule fixtures
 * (tests/fixtures/rules/md-image-*-jpeg-*, md-image-*-png-*) show each found case at its line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import PDFDocument from 'pdfkit';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { imageInfo, imageProblem, MAX_IMAGE_SIDE } from '../src/content/images.js';
import { inspectJpeg, isJpegProblem, type JpegFrame, type JpegProblem } from '../src/content/jpeg.js';
import { decodePng, pngProblem } from '../src/content/png.js';
import { renderFile } from '../src/render-file.js';
import { FIXTURES_DIR } from './helpers/fixtures.js';
import { readPdf } from './helpers/pdf-read.js';
import { writeJpeg, ycbcr, type JpegSpec } from './helpers/jpeg-writer.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-bitmaps-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const KINDS = path.join(FIXTURES_DIR, 'valid/jpeg-kinds/guides/sample-guide/images');

const red = ycbcr([220, 30, 30]);
const blue = ycbcr([30, 60, 220]);
const halves = (bx: number, c: number) => (bx < 2 ? red : blue)[c]!;
const SPECS: Record<string, JpegSpec> = {
  grey: { width: 30, height: 20, components: 1, sample: (bx, by) => 40 + 30 * ((bx + by) % 4) },
  colour: { width: 32, height: 16, components: 3, sample: (bx, _by, c) => halves(bx, c) },
  cmyk: { width: 32, height: 16, components: 4, sample: (bx, _by, c) => (c === (bx < 2 ? 1 : 0) ? 0 : 255) },
  progressive: { width: 32, height: 16, components: 3, progressive: true, sample: (bx, _by, c) => halves(bx, c) },
  'progressive grey': { width: 9, height: 17, components: 1, progressive: true, sample: (bx) => 60 + 100 * bx },
  turned: { width: 32, height: 16, components: 3, orientation: 6, sample: (bx, _by, c) => halves(bx, c) },
};
const jpegs = Object.fromEntries(Object.entries(SPECS).map(([name, spec]) => [name, writeJpeg(spec)]));

const problem = (bytes: Buffer) => {
  const result = inspectJpeg(bytes);
  return isJpegProblem(result) ? result : undefined;
};
const frameOf = (bytes: Buffer): JpegFrame => {
  const result = inspectJpeg(bytes);
  if (isJpegProblem(result)) throw new Error(`refused: ${result.reason}`);
  return result;
};

/** A JPEG's segments up to and including each scan's data, to take apart and put together. */
interface Segment {
  marker: number;
  body: Buffer;
  /** A scan's entropy-coded data. */
  data?: Buffer;
}
function segments(bytes: Buffer): Segment[] {
  const out: Segment[] = [];
  let pos = 2;
  for (;;) {
    const marker = bytes[pos + 1]!;
    if (marker === 0xd9) return out;
    const length = bytes.readUInt16BE(pos + 2);
    const segment: Segment = { marker, body: bytes.subarray(pos + 4, pos + 2 + length) };
    pos += 2 + length;
    if (marker === 0xda) {
      let end = pos;
      while (!(bytes[end] === 0xff && bytes[end + 1] !== 0 && (bytes[end + 1]! < 0xd0 || bytes[end + 1]! > 0xd7))) end++;
      segment.data = bytes.subarray(pos, end);
      pos = end;
    }
    out.push(segment);
  }
}
function join(list: Segment[], tail: number[] = [0xff, 0xd9]): Buffer {
  const parts = list.flatMap((s) => {
    const head = Buffer.from([0xff, s.marker, 0, 0]);
    head.writeUInt16BE(s.body.length + 2, 2);
    return [head, s.body, s.data ?? Buffer.alloc(0)];
  });
  return Buffer.concat([Buffer.from([0xff, 0xd8]), ...parts, Buffer.from(tail)]);
}
const edit = (bytes: Buffer, change: (list: Segment[]) => Segment[]) => join(change(segments(bytes)));

interface PdfkitJpeg {
  width: number;
  height: number;
  bits: number;
  colorSpace: string | undefined;
  orientation: number;
}
const pdfkitDoc = new PDFDocument();
/** The JPEG as pdfkit's own reader reads it (it embeds the file from this, never decoding it). */
const pdfkitReads = (bytes: Buffer) => (pdfkitDoc as unknown as { openImage(data: Buffer): PdfkitJpeg }).openImage(bytes);

describe('JPEG: the whole marker structure, as pdfkit and a PDF viewer read it', () => {
  it('accepts baseline grey, colour and CMYK and progressive JPEGs, with the size pdfkit reads', () => {
    for (const [name, bytes] of Object.entries(jpegs)) {
      const frame = frameOf(bytes);
      const spec = SPECS[name]!;
      expect({ name, width: frame.width, height: frame.height, components: frame.components, progressive: frame.progressive }).toEqual({
        name,
        width: spec.width,
        height: spec.height,
        components: spec.components,
        progressive: spec.progressive ?? false,
      });
      const pdfkit = pdfkitReads(bytes);
      expect([pdfkit.width, pdfkit.height, pdfkit.orientation]).toEqual([frame.width, frame.height, frame.orientation]);
    }
    expect(frameOf(readFileSync(path.join(FIXTURES_DIR, 'render/images/gradient.jpg')))).toMatchObject({ width: 240, height: 160, components: 3 });
  });

  it('refuses a file that is only a header, or that has a segment of length 0 or 1 (pdfkit threw "Invalid JPEG." in the build)', () => {
    const good = jpegs.grey!;
    expect(problem(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]))?.reason).toMatch(/APP0 segment .* runs past the end of the file/);
    expect(problem(Buffer.from([0xff, 0xd8, 0xff]))?.kind).toBe('damaged');
    expect(problem(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))?.reason).toMatch(/no frame header/);
    for (const length of [0, 1]) {
      const inserted = Buffer.concat([good.subarray(0, 2), Buffer.from([0xff, 0xe1, 0, length]), good.subarray(2)]);
      expect(problem(inserted)?.reason).toMatch(new RegExp(`APP1 segment \\(0xFFE1\\) at byte 2 gives a length of ${length}`));
      // The frame header's own length: pdfkit still read a size from it, a viewer nothing.
      const frame = Buffer.from(good);
      frame.writeUInt16BE(length, good.indexOf(Buffer.from([0xff, 0xc0])) + 2);
      expect(problem(frame)?.reason).toMatch(/frame header segment \(0xFFC0\) .* gives a length of/);
    }
  });

  it('refuses a JPEG cut short anywhere', () => {
    for (const bytes of [jpegs.progressive!, jpegs.cmyk!]) {
      for (let length = 0; length < bytes.length; length++) expect(problem(bytes.subarray(0, length)), `cut at ${length}`).toBeDefined();
    }
  });

  it('refuses what PDF viewers do not decode: arithmetic, lossless or hierarchical coding, 12-bit samples, two components', () => {
    const frameAt = (bytes: Buffer) => bytes.indexOf(Buffer.from([0xff, 0xc0]));
    for (const [marker, words] of [
      [0xc9, 'arithmetic coding'],
      [0xc3, 'lossless coding'],
      [0xc5, 'hierarchical coding'],
    ] as const) {
      const bytes = Buffer.from(jpegs.grey!);
      bytes[frameAt(bytes) + 1] = marker;
      expect(problem(bytes)).toEqual({ kind: 'unsupported', reason: `it uses ${words}` });
    }
    const deep = Buffer.from(jpegs.grey!);
    deep[frameAt(deep) + 4] = 12;
    expect(problem(deep)).toEqual({ kind: 'unsupported', reason: 'it has 12-bit samples; PDF takes 8-bit JPEGs only' });
    const two = edit(jpegs.colour!, (list) =>
      list.map((s) => (s.marker === 0xc0 ? { marker: 0xc0, body: Buffer.concat([s.body.subarray(0, 5), Buffer.from([2]), s.body.subarray(6, 12)]) } : s)),
    );
    expect(problem(two)?.kind).toBe('unsupported');
    expect(problem(two)?.reason).toMatch(/2 colour components/);
  });

  it('refuses structural damage a viewer trips over: missing tables, a component never scanned, an empty scan, a second frame', () => {
    const without = (marker: number) => edit(jpegs.colour!, (list) => list.filter((s) => s.marker !== marker));
    expect(problem(without(0xc4))?.reason).toMatch(/needs DC Huffman table 0/);
    expect(problem(without(0xdb))?.reason).toMatch(/needs quantisation table 0/);
    expect(problem(without(0xc0))?.reason).toMatch(/scan comes before the frame header/);
    expect(problem(without(0xda))?.reason).toMatch(/no image data/);
    const twoOfThree = edit(jpegs.colour!, (list) =>
      list.map((s) => (s.marker === 0xda ? { ...s, body: Buffer.from([2, 1, 0x00, 2, 0x00, 0, 63, 0]) } : s)),
    );
    expect(problem(twoOfThree)?.reason).toMatch(/colour component 3 is never scanned/);
    const noData = edit(jpegs.colour!, (list) => list.map((s) => (s.marker === 0xda ? { ...s, data: Buffer.alloc(0) } : s)));
    expect(problem(noData)?.reason).toMatch(/has no image data/);
    const twice = edit(jpegs.colour!, (list) => [...list.filter((s) => s.marker === 0xc0), ...list]);
    expect(problem(twice)?.reason).toMatch(/second frame header/);
    const badScan = edit(jpegs.progressive!, (list) => list.map((s) => (s.marker === 0xda && s.body[0] === 1 ? { ...s, body: Buffer.from([1, 1, 0x00, 0, 63, 0]) } : s)));
    expect(problem(badScan)?.reason).toMatch(/progressive scan covers coefficients 0–63/);
    const noEnd = jpegs.colour!.subarray(0, jpegs.colour!.length - 2);
    expect(problem(noEnd)?.reason).toMatch(/cut short/);
  });

  it('refuses fill bytes where pdfkit reads, and accepts them after the first scan, and bytes after the end marker', () => {
    const good = jpegs.colour!;
    const filled = Buffer.concat([good.subarray(0, 2), Buffer.from([0xff]), good.subarray(2)]);
    expect(problem(filled)?.reason).toMatch(/fill bytes/);
    const list = segments(good);
    expect(frameOf(join(list, [0xff, 0xff, 0xd9]))).toMatchObject({ width: 32 });
    expect(frameOf(Buffer.concat([good, Buffer.from('a preview image a phone appended')]))).toMatchObject({ width: 32 });
  });

  it('reads what pdfkit reads from any JPEG it accepts, and never throws (mutated files)', () => {
    const sources = Object.values(jpegs);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.nat({ max: sources.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (which, changes) => {
        let bytes = Buffer.from(sources[which]!);
        for (const change of changes) {
          const at = change.at % (bytes.length + 1);
          if (change.kind === 'set' && at < bytes.length) bytes[at] = change.value;
          else if (change.kind === 'cut') bytes = bytes.subarray(0, at);
          else if (change.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(change.bytes), bytes.subarray(at)]);
          else if (change.kind === 'remove') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + change.count)]);
        }
        const result: JpegFrame | JpegProblem = inspectJpeg(bytes);
        if (isJpegProblem(result)) return;
        accepted++;
        const pdfkit = pdfkitReads(bytes);
        const colorSpace = { 1: 'DeviceGray', 3: 'DeviceRGB', 4: 'DeviceCMYK' }[result.components];
        expect([pdfkit.width, pdfkit.height, pdfkit.bits, pdfkit.colorSpace, pdfkit.orientation]).toEqual([result.width, result.height, 8, colorSpace, result.orientation]);
      }),
      { numRuns: 2000, seed: 21 },
    );
    // Changes inside the image data or a table's values keep a file whole: some were accepted.
    expect(accepted).toBeGreaterThan(50);
  });

  it('finds the frame header after 64 KB of metadata, and gives a file stored on its side its upright size', () => {
    expect(imageInfo(path.join(KINDS, 'progressive.jpg'))).toEqual({ format: 'jpeg', width: 32, height: 16 });
    expect(imageInfo(path.join(KINDS, 'turned.jpg'))).toEqual({ format: 'jpeg', width: 16, height: 32 });
    expect(imageInfo(path.join(KINDS, 'cmyk.jpg'))).toEqual({ format: 'jpeg', width: 32, height: 16 });
    for (const name of ['progressive.jpg', 'turned.jpg', 'cmyk.jpg']) expect(imageProblem(path.join(KINDS, name))).toBeUndefined();
  });
});

/** Pixels of the first page of a PDF, as poppler draws it at 72 dpi. */
function raster(pdf: Buffer): PNG {
  const file = path.join(work, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-png', '-r', '72', '-f', '1', '-l', '1', '-singlefile', file, file]);
  return PNG.sync.read(readFileSync(`${file}.png`));
}

/** The box holding every pixel near a colour. */
function boxOf(page: PNG, [r, g, b]: [number, number, number]) {
  let top = Infinity;
  let left = Infinity;
  let bottom = -Infinity;
  let right = -Infinity;
  for (let y = 0; y < page.height; y++) {
    for (let x = 0; x < page.width; x++) {
      const i = (y * page.width + x) * 4;
      if (Math.abs(page.data[i]! - r) + Math.abs(page.data[i + 1]! - g) + Math.abs(page.data[i + 2]! - b) > 40) continue;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
  }
  return { top, left, bottom, right, width: right - left + 1, height: bottom - top + 1 };
}

describe('JPEGs check accepts print', () => {
  it('prints progressive and CMYK JPEGs, and a damaged one as its alt text', async () => {
    const dir = mkdtempSync(path.join(work, 'doc-'));
    for (const name of ['progressive.jpg', 'cmyk.jpg']) writeFileSync(path.join(dir, name), readFileSync(path.join(KINDS, name)));
    writeFileSync(path.join(dir, 'header.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]));
    writeFileSync(path.join(dir, 'doc.md'), '# Photos\n\n![Progressive](progressive.jpg)\n\n![Inks](cmyk.jpg)\n\n![The cut photo](header.jpg)\n');
    const result = await renderFile('doc.md', { to: 'pdf', cwd: dir });
    const file = path.join(dir, 'doc.pdf');
    writeFileSync(file, result.data!);
    const images = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => /\bimage\b/.test(l))
      .map((l) => l.trim().split(/\s+/));
    // page num type width height color comp bpc enc
    expect(images.map((c) => [c[3], c[4], c[5], c[8]])).toEqual([
      ['32', '16', 'rgb', 'jpeg'],
      ['32', '16', 'cmyk', 'jpeg'],
    ]);
    expect((await readPdf(result.data!)).text).toContain('The cut photo');
    const page = raster(result.data!);
    expect(boxOf(page, [220, 30, 30]).width).toBeGreaterThan(10);
  });

  it('prints a photo stored on its side upright, in a box of its upright shape (EXIF orientation 6)', async () => {
    const dir = mkdtempSync(path.join(work, 'doc-'));
    writeFileSync(path.join(dir, 'turned.jpg'), readFileSync(path.join(KINDS, 'turned.jpg')));
    writeFileSync(path.join(dir, 'doc.md'), '# Photo\n\n![A red square above a blue one](turned.jpg)\n');
    const result = await renderFile('doc.md', { to: 'pdf', cwd: dir });
    const page = raster(result.data!);
    const top = boxOf(page, [220, 30, 30]);
    const bottom = boxOf(page, [30, 60, 220]);
    // Stored 32×16, red left and blue right; turned a quarter clockwise, red is on top and the
    // picture is twice as tall as wide (it was drawn squashed into a 2:1 wide box before).
    expect(top.bottom).toBeLessThan(bottom.top);
    expect(Math.abs(top.left - bottom.left)).toBeLessThanOrEqual(1);
    const height = bottom.bottom - top.top + 1;
    expect(height / top.width).toBeGreaterThan(1.8);
    expect(height / top.width).toBeLessThan(2.2);
  });
});

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}
function ihdr(width: number, height: number, depth = 8, colorType = 0, interlace = 0): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.set([depth, colorType, 0, 0, interlace], 8);
  return chunk('IHDR', data);
}
const png = (header: Buffer, ...idat: Buffer[]) => Buffer.concat([SIGNATURE, header, ...idat.map((d) => chunk('IDAT', d)), chunk('IEND', Buffer.alloc(0))]);
let fileCount = 0;
function file(bytes: Buffer, extension = '.png'): string {
  const name = path.join(work, `image-${fileCount++}${extension}`);
  writeFileSync(name, bytes);
  return name;
}

describe('PNG: every row the header declares, before pngjs decodes it', () => {
  // 5000×5000 grey rows: a filter byte and 5000 samples each.
  const rows = Buffer.alloc(5000 * 5001, 0x80);
  for (let y = 0; y < 5000; y++) rows[y * 5001] = 0;

  it('refuses image data cut short, or complete but short, which pngjs filled with black', () => {
    const cut = file(png(ihdr(5000, 5000), deflateSync(rows).subarray(0, 300)));
    expect(pngProblem(cut)).toBe('its compressed image data stops early: the file is cut short');
    const short = file(png(ihdr(5000, 5000), deflateSync(rows.subarray(0, 5001 * 3))));
    expect(pngProblem(short)).toBe('its image data holds 15003 of the 25005000 bytes its 5000×5000 size needs');
    expect(imageProblem(short)).toEqual({ rule: 'md-image-format', reason: expect.stringMatching(/^is a damaged PNG file \(its image data holds 15003 of/) });
    // What pngjs alone made of it: a whole image.
    expect(PNG.sync.read(readFileSync(short)).data.length).toBe(5000 * 5000 * 4);
  });

  it('refuses image data that fails its checksum, and accepts more data than the rows need', () => {
    const small = Buffer.from([0, 10, 20, 30, 0, 40, 50, 60]);
    const stream = deflateSync(small);
    const broken = Buffer.from(stream);
    broken[broken.length - 1]! ^= 0xff;
    expect(pngProblem(file(png(ihdr(3, 2), broken)))).toMatch(/^its compressed image data cannot be read \(incorrect data check\)/);
    const more = file(png(ihdr(3, 2), deflateSync(Buffer.concat([small, Buffer.from([0, 1, 2, 3])]))));
    expect(pngProblem(more)).toBeUndefined();
    expect([...decodePng(more).rgba.subarray(0, 4)]).toEqual([10, 10, 10, 255]);
  });

  it('reads an interlaced PNG whole, and refuses one cut short', () => {
    const value = (x: number, y: number) => 10 * x + 100 * y;
    // Adam7 passes over 5×3: 1: 1×1, 2: 1×1 (x 4), 3: none (y 4), 4: 1×1 (x 2), 5: 3×1 (y 2), 6: 2×2, 7: 5×1.
    const passes = Buffer.from([
      0, value(0, 0),
      0, value(4, 0),
      0, value(2, 0),
      0, value(0, 2), value(2, 2), value(4, 2),
      0, value(1, 0), value(3, 0), 0, value(1, 2), value(3, 2),
      0, value(0, 1), value(1, 1), value(2, 1), value(3, 1), value(4, 1),
    ]);
    const whole = file(png(ihdr(5, 3, 8, 0, 1), deflateSync(passes)));
    expect(pngProblem(whole)).toBeUndefined();
    const decoded = decodePng(whole);
    const grey = Array.from({ length: 15 }, (_, i) => decoded.rgba[i * 4]);
    expect(grey).toEqual(Array.from({ length: 15 }, (_, i) => value(i % 5, Math.floor(i / 5))));
    const cut = file(png(ihdr(5, 3, 8, 0, 1), deflateSync(passes.subarray(0, passes.length - 6))));
    expect(pngProblem(cut)).toMatch(/holds 16 of the 22 bytes/);
  });

  it('refuses a PNG whose chunks run past its end, without IEND, with data after it, or with an impossible header', () => {
    const good = png(ihdr(2, 1), deflateSync(Buffer.from([0, 1, 2])));
    expect(pngProblem(file(good))).toBeUndefined();
    expect(pngProblem(file(good.subarray(0, good.length - 12)))).toBe('it stops before its IEND chunk: the file is cut short');
    expect(pngProblem(file(good.subarray(0, 48)))).toBe('its IDAT chunk runs past the end of the file: the file is cut short');
    expect(pngProblem(file(Buffer.concat([good, Buffer.from('more')])))).toBe('it has data after its IEND chunk');
    expect(pngProblem(file(png(chunk('tEXt', Buffer.from('a\0b')), ihdr(2, 1))))).toMatch(/^it does not start with a PNG signature and an IHDR/);
    const badChecksum = Buffer.from(good);
    badChecksum[32]! ^= 0xff;
    expect(pngProblem(file(badChecksum))).toBe('its IHDR chunk fails its checksum (CRC)');
    expect(pngProblem(file(png(ihdr(2, 1, 4, 2), deflateSync(Buffer.from([0, 1, 2, 3])))))).toBe('its header gives colour type 2 with bit depth 4, which PNG does not have');
    expect(pngProblem(file(png(ihdr(0, 1), deflateSync(Buffer.from([0])))))).toBe('its header gives a size of 0×1 pixels');
    expect(pngProblem(file(Buffer.concat([SIGNATURE, ihdr(2, 1), chunk('IEND', Buffer.alloc(0))])))).toBe('it has no image data (no IDAT chunk)');
  });

  it('reads a PNG replaced by another of the same size (an editor saving by rename) again', () => {
    const target = path.join(work, 'replaced.png');
    const good = png(ihdr(2, 1), deflateSync(Buffer.from([0, 1, 2])));
    writeFileSync(target, good);
    expect(pngProblem(target)).toBeUndefined();
    const damaged = Buffer.from(good);
    damaged[damaged.length - 20]! ^= 0xff;
    writeFileSync(`${target}.new`, damaged);
    renameSync(`${target}.new`, target);
    expect(pngProblem(target)).toBeDefined();
  });
});

describe('bitmap size: checked from the header, before anything is decoded', () => {
  const header = (width: number, height: number) => file(Buffer.concat([SIGNATURE, ihdr(width, height)]));

  it('refuses a side over the limit whatever the area, and an area over 25 megapixels', () => {
    expect(imageProblem(header(1, 25_000_000))).toEqual({
      rule: 'md-image-size',
      reason: `is 1×25,000,000 pixels; no side may be over ${MAX_IMAGE_SIDE.toLocaleString('en-US')} pixels: crop it or scale it down (a handout page is about 2,500 pixels wide at 300 dpi)`,
    });
    expect(imageProblem(header(10_001, 1))?.rule).toBe('md-image-size');
    expect(imageProblem(header(5001, 5000))?.rule).toBe('md-image-size');
    // Within both limits: the header alone is then a damaged file, not a size problem.
    expect(imageProblem(header(10_000, 2500))?.rule).toBe('md-image-format');
  });

  it('refuses a whole 1×25,000,000 PNG in well under a second (decoding it took 40 s and 3 GB)', () => {
    const strip = file(png(ihdr(1, 25_000_000), deflateSync(Buffer.alloc(50_000_000), { level: 1 })));
    const start = performance.now();
    expect(imageProblem(strip)?.rule).toBe('md-image-size');
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('refuses a JPEG over the limits, its size read from a frame header anywhere in the file', () => {
    const wide = Buffer.from(jpegs.grey!);
    const at = wide.indexOf(Buffer.from([0xff, 0xc0]));
    wide.writeUInt16BE(12_000, at + 7);
    expect(imageProblem(file(wide, '.jpg'))?.reason).toMatch(/^is 12,000×20 pixels; no side may be over 10,000 pixels/);
    wide.writeUInt16BE(6000, at + 7);
    wide.writeUInt16BE(6000, at + 5);
    expect(imageProblem(file(wide, '.jpeg'))).toEqual({ rule: 'md-image-size', reason: 'is 6000×6000 pixels; scale it down to at most 25 megapixels (about 5000×5000)' });
  });
});
