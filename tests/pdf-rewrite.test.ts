/**
 * Linked PDF leaflets are published only as pdf-lib writes them again from their pages
 * (src/content/pdf-document.ts). Whatever a source holds — scripts in compressed object streams,
 * page actions, annotations — the result holds the pages' text and none of it; damaged input is
 * a reason, never a throw; the same input gives the same bytes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { rewritePdf } from '../src/content/pdf-document.js';

const HOSTILE = readFileSync(path.join(import.meta.dirname, 'fixtures/hostile-files/guides/sample-guide/images/leaflet.pdf'));

/** A leaflet whose script sits in a compressed object stream, where no text scan of the file sees it. */
async function scriptInObjectStream(): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([300, 300]);
  page.drawText('Stretch twice a day', { x: 20, y: 150, font: await doc.embedFont(StandardFonts.Helvetica) });
  const script = doc.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of("app.alert('ran')") });
  doc.catalog.set(PDFName.of('OpenAction'), doc.context.register(script));
  page.node.set(PDFName.of('AA'), doc.context.obj({ O: doc.context.register(doc.context.obj({ S: 'JavaScript', JS: PDFString.of('1') })) }));
  return doc.save({ useObjectStreams: true });
}

async function readBack(data: Uint8Array) {
  const doc = await pdfjs.getDocument({ data: new Uint8Array(data), verbosity: 0 }).promise;
  const page = await doc.getPage(1);
  const text = (await page.getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join('');
  return { text, scripts: await doc.getJSActions(), openAction: await doc.getOpenAction(), annotations: await page.getAnnotations(), pageScripts: await page.getJSActions() };
}

describe('linked PDFs written again', () => {
  it.each([
    ['a script in a compressed object stream', scriptInObjectStream, 'Stretch twice a day'],
    ['an HTML polyglot with an open action, a page action, a document script and a link', async () => HOSTILE, 'Home plan: walk 10 minutes a day'],
  ])('%s: pdf.js reads the text back, and no script, open action or annotation', async (_name, make, text) => {
    const source = await make();
    expect((await readBack(source)).scripts ?? (await readBack(source)).openAction, 'the source has one').toBeTruthy();
    const result = await rewritePdf(source);
    if ('reason' in result) throw new Error(result.reason);
    const back = await readBack(result.data);
    expect(back.text).toContain(text);
    expect(back.scripts).toBeNull();
    expect(back.openAction).toBeNull();
    expect(back.annotations).toEqual([]);
    expect(back.pageScripts).toBeNull();
  });

  it('gives the same bytes for the same leaflet', async () => {
    const [a, b] = [await rewritePdf(HOSTILE), await rewritePdf(HOSTILE)];
    expect('data' in a && 'data' in b && Buffer.compare(a.data, b.data)).toBe(0);
  });

  it('answers damaged input with a reason, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: HOSTILE.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: HOSTILE.length }), async (at, byte, cut) => {
        const damaged = Buffer.from(HOSTILE.subarray(0, cut));
        if (at < damaged.length) damaged[at] = byte;
        const result = await rewritePdf(damaged);
        expect('reason' in result || result.data.length > 0).toBe(true);
      }),
      { numRuns: 150, seed: 21 },
    );
  });
});
