/**
 * PNGs are decoded and split into colour and soft mask once per process (src/render/pdf/png-cache.ts)
 * instead of once per document by pdfkit. The page must look exactly as when pdfkit embeds the
 * image itself (both PDFs rasterised by poppler and compared pixel for pixel), and the kinds of
 * PNG pdfkit cannot print (palette transparency, 16-bit alpha: it decodes them after the document
 * is finished) must print with the right colours, read back from poppler's raster.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { drawPreparedPng, preparePng } from '../src/render/pdf/png-cache.js';
import { renderFile } from '../src/render-file.js';
import { readPdf } from './helpers/pdf-read.js';
import { FIXTURES_DIR } from './helpers/fixtures.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-png-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const image = path.join(work, 'translucent.png');
{
  // 8-bit RGBA whose alpha runs from clear to opaque across the image, over colour stripes.
  const png = new PNG({ width: 40, height: 30 });
  for (let y = 0; y < 30; y++) {
    for (let x = 0; x < 40; x++) {
      const i = (y * 40 + x) * 4;
      png.data.set([x % 8 < 4 ? 20 : 230, (y * 8) % 256, 120, Math.round((x / 39) * 255)], i);
    }
  }
  writeFileSync(image, PNG.sync.write(png));
}

async function pdfWith(draw: (doc: PDFKit.PDFDocument) => void): Promise<string> {
  const doc = new PDFDocument({ size: [200, 160], margin: 0, info: { CreationDate: new Date(0) } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => doc.on('end', resolve));
  // A coloured background, so the soft mask decides what shows through.
  doc.rect(0, 0, 200, 160).fill('#cc3300');
  draw(doc);
  doc.end();
  await done;
  const file = path.join(work, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, Buffer.concat(chunks));
  return file;
}

const raster = (pdf: string) => {
  execFileSync('pdftoppm', ['-png', '-r', '72', '-singlefile', pdf, pdf]);
  return readFileSync(`${pdf}.png`);
};

describe('PNGs decoded once per process', () => {
  it('draws the same pixels as pdfkit embedding the PNG itself, with a soft mask, in every document', async () => {
    preparePng(image);
    const own = await pdfWith((doc) => doc.image(image, 20, 10, { width: 160, height: 120 }));
    const first = await pdfWith((doc) => expect(drawPreparedPng(doc, image, 20, 10, 160, 120)).toBe(true));
    const second = await pdfWith((doc) => {
      expect(drawPreparedPng(doc, image, 20, 10, 160, 120)).toBe(true);
      // Shown twice in one document (the second time off the page, so the raster stays comparable): embedded once.
      expect(drawPreparedPng(doc, image, 300, 10, 160, 120)).toBe(true);
    });
    expect(raster(first).equals(raster(own))).toBe(true);
    expect(raster(second).equals(raster(own))).toBe(true);
    const list = execFileSync('pdfimages', ['-list', second], { encoding: 'utf8' });
    expect(list.split('\n').filter((l) => /\b(image|smask)\b/.test(l)).map((l) => l.trim().split(/\s+/)[2])).toEqual(['image', 'smask', 'image', 'smask']);
    expect(new Set(list.split('\n').slice(2).filter(Boolean).map((l) => l.trim().split(/\s+/)[10])).size).toBe(1);
  });

  it('draws an opaque PNG as pdfkit does, with no soft mask', async () => {
    const pixel = path.join(FIXTURES_DIR, 'base/guides/sample-guide/images/pixel.png');
    preparePng(pixel);
    const own = await pdfWith((doc) => doc.image(pixel, 20, 10, { width: 160, height: 120 }));
    const ours = await pdfWith((doc) => expect(drawPreparedPng(doc, pixel, 20, 10, 160, 120)).toBe(true));
    expect(raster(ours).equals(raster(own))).toBe(true);
    expect(execFileSync('pdfimages', ['-list', ours], { encoding: 'utf8' })).not.toMatch(/smask/);
  });

  it('draws nothing for a PNG it was not asked to prepare (the caller prepares first)', async () => {
    await pdfWith((doc) => expect(drawPreparedPng(doc, path.join(FIXTURES_DIR, 'render/images/gradient.jpg'), 0, 0, 10, 10)).toBe(false));
  });
});

/** The colour poppler prints at the centre of source pixel (x, y) of an image drawn over the whole page. */
async function coloursOf(image: string, size: number, points: Array<[number, number]>): Promise<string[]> {
  preparePng(image);
  const pdf = await pdfWith((doc) => expect(drawPreparedPng(doc, image, 0, 0, 200, 160)).toBe(true));
  const page = PNG.sync.read(raster(pdf));
  return points.map(([x, y]) => {
    const px = Math.floor(((x + 0.5) * page.width) / size);
    const py = Math.floor(((y + 0.5) * page.height) / size);
    const i = (py * page.width + px) * 4;
    return [...page.data.subarray(i, i + 3)].map((v) => v.toString(16).padStart(2, '0')).join('');
  });
}

describe('PNGs pdfkit cannot print', () => {
  // The page behind the image is #cc3300: a transparent pixel shows it.
  it('prints palette transparency: the transparent entry shows the page, the opaque one its colour', async () => {
    const image = path.join(FIXTURES_DIR, 'render/images/palette-transparent.png');
    expect(await coloursOf(image, 8, [[0, 0], [1, 0], [2, 5], [7, 7]])).toEqual(['cc3300', '00ff00', 'cc3300', '00ff00']);
  });

  it('prints 16-bit RGBA: opaque blue on the left, transparent on the right', async () => {
    const image = path.join(FIXTURES_DIR, 'render/images/rgba-16bit.png');
    expect(await coloursOf(image, 8, [[0, 0], [3, 7], [4, 0], [7, 7]])).toEqual(['0000ff', '0000ff', 'cc3300', 'cc3300']);
  });

  it('prints a 4-bit palette whose rows end mid-byte', async () => {
    const image = path.join(FIXTURES_DIR, 'render/images/palette-4bit.png');
    expect(await coloursOf(image, 7, [[0, 0], [1, 0], [6, 6], [5, 6], [6, 0]])).toEqual(['0000ff', 'ffff00', '0000ff', 'ffff00', '0000ff']);
  });

  it('renders a handout showing each of them, and one whose PNG is damaged prints its alt text instead', async () => {
    const dir = mkdtempSync(path.join(work, 'doc-'));
    for (const name of ['palette-transparent.png', 'rgba-16bit.png', 'palette-4bit.png']) {
      writeFileSync(path.join(dir, name), readFileSync(path.join(FIXTURES_DIR, 'render/images', name)));
    }
    writeFileSync(path.join(dir, 'damaged.png'), readFileSync(path.join(FIXTURES_DIR, 'render/images/palette-4bit.png')).subarray(0, 50));
    writeFileSync(
      path.join(dir, 'doc.md'),
      '# Images\n\n![Palette](palette-transparent.png)\n\n![Deep](rgba-16bit.png)\n\n![Four bit](palette-4bit.png)\n\n![The damaged diagram](damaged.png)\n\n![Four bit again](palette-4bit.png?v=2#top)\n',
    );
    const result = await renderFile('doc.md', { to: 'pdf', cwd: dir });
    expect(result.data).toBeDefined();
    const file = path.join(dir, 'doc.pdf');
    writeFileSync(file, result.data!);
    const images = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).split('\n').filter((l) => /\b(image|smask)\b/.test(l));
    // Three images, two of them with transparency; none for the damaged file; the first again
    // for an address with a query and a fragment (the file is what check resolves).
    expect(images.map((l) => l.trim().split(/\s+/)[2])).toEqual(['image', 'smask', 'image', 'smask', 'image', 'image']);
    const text = (await readPdf(result.data!)).text;
    expect(text).toContain('The damaged diagram');
    expect(text).not.toContain('Four bit again');
  });

  it('prints a reference-style image as its picture, on the handout and the web page', async () => {
    const dir = mkdtempSync(path.join(work, 'doc-'));
    writeFileSync(path.join(dir, 'diagram.png'), readFileSync(path.join(FIXTURES_DIR, 'render/images/palette-4bit.png')));
    writeFileSync(path.join(dir, 'doc.md'), '# Images\n\n![The hip joint][hip]\n\nText.\n\n[hip]: diagram.png "The hip"\n');
    const pdf = await renderFile('doc.md', { to: 'pdf', cwd: dir });
    const file = path.join(dir, 'doc.pdf');
    writeFileSync(file, pdf.data!);
    // It printed its alt text and no picture.
    expect(execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).split('\n').filter((l) => /\bimage\b/.test(l))).toHaveLength(1);
    expect((await readPdf(pdf.data!)).contentText).not.toMatch(/The hip joint Text/);
    const html = await renderFile('doc.md', { to: 'html', cwd: dir });
    expect(String(html.data)).toMatch(/<img[^>]*src="diagram\.png"[^>]*alt="The hip joint"|<img[^>]*alt="The hip joint"[^>]*src="diagram\.png"/);
  });
});
