/**
 * Alpha PNGs are split into colour and soft mask once per process (src/render/pdf/png-cache.ts)
 * instead of once per document by pdfkit. The page must look exactly as when pdfkit embeds the
 * image itself: both PDFs are rasterised by poppler and compared pixel for pixel.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { afterAll, describe, expect, it } from 'vitest';
import { drawPreparedPng, preparePng } from '../src/render/pdf/png-cache.js';
import { FIXTURES_DIR } from './helpers/fixtures.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-png-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const image = path.join(FIXTURES_DIR, 'render/images/checks.png');

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

describe('alpha PNGs decoded once per process', () => {
  it('draws the same pixels as pdfkit embedding the PNG itself, with a soft mask, in every document', async () => {
    await preparePng(image);
    const own = await pdfWith((doc) => doc.image(image, 20, 10, { width: 160, height: 120 }));
    const first = await pdfWith((doc) => expect(drawPreparedPng(doc, image, 20, 10, 160, 120)).toBe(true));
    const second = await pdfWith((doc) => {
      expect(drawPreparedPng(doc, image, 20, 10, 160, 120)).toBe(true);
      // Shown twice in one document: embedded once.
      expect(drawPreparedPng(doc, image, 20, 10, 160, 120)).toBe(true);
    });
    expect(raster(first).equals(raster(own))).toBe(true);
    expect(raster(second).equals(raster(own))).toBe(true);
    const list = execFileSync('pdfimages', ['-list', second], { encoding: 'utf8' });
    expect(list.split('\n').filter((l) => /\b(image|smask)\b/.test(l)).map((l) => l.trim().split(/\s+/)[2])).toEqual(['image', 'smask', 'image', 'smask']);
    expect(new Set(list.split('\n').slice(2).filter(Boolean).map((l) => l.trim().split(/\s+/)[10])).size).toBe(1);
  });

  it('leaves a PNG it did not prepare to pdfkit', async () => {
    await pdfWith((doc) => expect(drawPreparedPng(doc, path.join(FIXTURES_DIR, 'base/guides/sample-guide/images/pixel.png'), 0, 0, 10, 10)).toBe(false));
  });
});
