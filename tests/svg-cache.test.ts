/**
 * SVG figures are converted once per process and their operators written again for the next
 * document that draws them (src/render/pdf/svg-cache.ts). What a reader sees must not depend on
 * whether a figure came from there: each kind of SVG is drawn in two documents in a row, and
 * poppler's rasters of the two must agree pixel for pixel and show the figure. Only plain figures
 * (paths and labels) may be reused; one with a gradient, opacity or a link is converted every time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFile } from '../src/render-file.js';
import { registerFonts, fontName } from '../src/render/pdf/fonts.js';
import { CollectedPdf } from '../src/render/pdf/output.js';
import { drawSvg, isPlainPaint, svgConversions } from '../src/render/pdf/svg-cache.js';
import { rasterPage } from './helpers/raster.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-svg-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="150" viewBox="0 0 300 150">${body}</svg>`;

const FIGURES: Record<string, { svg: string; reused: boolean }> = {
  'plain paths, dashes and colours': {
    svg: svg(
      '<rect x="10" y="10" width="120" height="60" fill="#0b5394"/><path d="M150 10 C200 80 250 0 290 140" stroke="#a4161a" stroke-width="5" stroke-dasharray="8 4" fill="none"/><circle cx="70" cy="110" r="30" fill="none" stroke="black" stroke-width="3"/>',
    ),
    reused: true,
  },
  'a label': { svg: svg('<line x1="10" y1="100" x2="290" y2="100" stroke="#555" stroke-width="3"/><text x="10" y="80" font-size="40" fill="#1a1a1a">Hip 90° bend</text>'), reused: true },
  'a gradient': {
    svg: svg('<defs><linearGradient id="g"><stop offset="0" stop-color="#a4161a"/><stop offset="1" stop-color="#0b5394"/></linearGradient></defs><rect width="300" height="150" fill="url(#g)"/>'),
    reused: false,
  },
  'opacity': { svg: svg('<rect width="200" height="120" fill="#2e7d32" opacity="0.5"/><rect x="100" y="30" width="190" height="110" fill="#0b5394" fill-opacity="0.4"/>'), reused: false },
  'a link': { svg: svg('<a href="https://example.org/figure"><rect width="200" height="100" fill="#1a1a1a"/></a>'), reused: false },
};

let counter = 0;
/** Page 1 as poppler rasterises it, and the addresses of its links as pdf.js reads them. */
async function rasterOf(markdown: string) {
  const name = `doc-${counter++}`;
  const file = path.join(work, `${name}.md`);
  writeFileSync(file, markdown);
  const result = await renderFile(file, { to: 'pdf', cwd: work });
  const pdf = path.join(work, `${name}.pdf`);
  writeFileSync(pdf, result.data!);
  const doc = await pdfjs.getDocument({ data: new Uint8Array(result.data!), verbosity: 0 }).promise;
  const links = (await (await doc.getPage(1)).getAnnotations()).map((a: { url?: string }) => a.url);
  return { ...(await rasterPage(pdf, 1, 72)), links };
}

const inkOf = (page: { pixels: Uint8Array }) => page.pixels.reduce((n, grey) => n + (grey < 200 ? 1 : 0), 0);

describe('SVG figures drawn again from the cache', () => {
  it('finds plain vector paint, and nothing that names a resource, marks content or shows text', () => {
    const fonts = new Set(['F1']);
    expect(isPlainPaint('q\n1 0 0 1 60 80 cm\n/DeviceRGB cs\n0 0 1 scn\n10 10 m\n20 20 l\nh\nf\n[6 3] 0 d\n2 w\n0 0 5 5 re\nS\nQ', fonts)).toBe(true);
    expect(isPlainPaint('BT\n/F1 14 Tf\n1 0 0 -1 10 20 Tm\n0 Tr\n<0003> Tj\n<0004> Tj\nET', fonts)).toBe(true);
    for (const content of ['/Gs1 gs', 'BT /F1 12 Tf (x) Tj ET', 'BT /F2 12 Tf <0001> Tj ET', 'BT /F1 12 Tf <01> Tj ET', '/Pattern cs /P1 scn', '/X1 Do', '/Sh1 sh', '/Span <</MCID 1>> BDC', '[6 3] 0 j', '[/a] 0 d']) {
      expect(isPlainPaint(content, fonts), content).toBe(false);
    }
  });

  const blank = rasterOf('# Figure\n\nNo figure here.\n');
  for (const [name, figure] of Object.entries(FIGURES)) {
    it(`draws ${name} the same in a second document${figure.reused ? ', reused' : ', converted in each'}`, async () => {
      const file = `figure-${name.replace(/\W+/g, '-')}.svg`;
      writeFileSync(path.join(work, file), figure.svg);
      const markdown = `# Figure\n\nNo figure here.\n\n![A test figure](${file})\n`;
      const before = svgConversions();
      const first = await rasterOf(markdown);
      const second = await rasterOf(markdown);
      // Reused: converted once. Otherwise: once on trial (not plain), then once per document.
      expect(svgConversions() - before).toBe(figure.reused ? 1 : 3);
      expect(Buffer.compare(Buffer.from(second.pixels), Buffer.from(first.pixels)), 'the second document looks like the first').toBe(0);
      expect(second.links, 'and links where the first does').toEqual(first.links);
      expect(inkOf(first) - inkOf(await blank), 'the figure is drawn').toBeGreaterThan(500);
    });
  }

  it("writes a reused label in each document's own glyph codes: it reads the same after other text", async () => {
    writeFileSync(path.join(work, 'label.svg'), FIGURES['a label']!.svg);
    const texts = [];
    for (const before of ['', 'Zebra quokka wax jumps; vexing fjord bugs!\n\n']) {
      const file = path.join(work, `label-${texts.length}.md`);
      writeFileSync(file, `${before}![A labelled figure](label.svg)\n`);
      const doc = await pdfjs.getDocument({ data: new Uint8Array((await renderFile(file, { to: 'pdf', cwd: work })).data!), verbosity: 0 }).promise;
      const content = await (await doc.getPage(1)).getTextContent();
      texts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
    }
    for (const text of texts) expect(text.replace(/\s+/g, '')).toContain('Hip90°bend');
  });
});

describe('images inside an SVG figure', () => {
  it('draws an image embedded in the SVG and never opens one the SVG names by path', async () => {
    const embedded = readFileSync(path.join(import.meta.dirname, 'fixtures/render/images/palette-4bit.png')).toString('base64');
    const outside = path.join(import.meta.dirname, 'fixtures/render/images/checks.png');
    const figure = svg(
      `<image x="0" y="0" width="100" height="100" href="data:image/png;base64,${embedded}"/><image x="150" y="0" width="100" height="100" href="${outside}"/><image x="150" y="50" width="100" height="100" href="file://${outside}"/>`,
    );
    const doc = new CollectedPdf({ size: [400, 300], margin: 0, font: null as unknown as string });
    registerFonts(doc);
    drawSvg(doc, figure, 20, 20, 300, 150, fontName('text', 'regular'));
    doc.end();
    const file = path.join(work, 'images-in-svg.pdf');
    writeFileSync(file, doc.bytes());
    const images = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    // The embedded PNG only (no transparency, so no soft mask): checks.png, 240×160, is not in the file.
    expect(images.map((line) => line.trim().split(/\s+/).slice(2, 5).join(' '))).toEqual(['image 7 7']);
  });
});
