/**
 * The PDF handouts, read back with pdf.js as a reader's software would: text in reading order,
 * the tagged structure, embedded fonts, page sizes, type sizes, margins and reproducibility.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Root } from 'mdast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { loadContent } from '../src/content/load.js';
import { parseMarkdown } from '../src/pipeline/processor.js';
import { renderFile } from '../src/render-file.js';
import { PAPER, themeFor } from '../src/render/pdf/theme.js';
import { VFile } from 'vfile';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { readPdf, structureNodes, type ReadPdf } from './helpers/pdf-read.js';
import { decodeQr, rasterPage } from './helpers/raster.js';
import { missingInOrder, visibleChunks } from './helpers/text.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CONTENT = path.join(ROOT, 'content');
const SLUG = 'iliopsoas-pain-running';
const KITCHEN_SINK = path.join(ROOT, 'tests/fixtures/render/kitchen-sink.md');


function modalSize(pdf: ReadPdf): number {
  const weight = new Map<number, number>();
  for (const page of pdf.pages) for (const item of page.items) if (!item.artifact && item.str.trim()) weight.set(Math.round(item.size * 10) / 10, (weight.get(Math.round(item.size * 10) / 10) ?? 0) + item.str.length);
  return [...weight.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

/** Glyphs drawn outside the text block horizontally, or within 18 pt of the page edge. */
function outsideMargins(pdf: ReadPdf, margin: { left: number; right: number }): string[] {
  const bad: string[] = [];
  pdf.pages.forEach((page, n) => {
    for (const item of page.items) {
      if (!item.str.trim()) continue;
      const right = item.x + item.width;
      if (item.x < margin.left - 0.5 || right > page.width - margin.right + 0.5 || item.y < 18 || item.y > page.height - 18) {
        bad.push(`page ${n + 1}: "${item.str}" at x=${item.x.toFixed(1)}..${right.toFixed(1)}, y=${item.y.toFixed(1)}`);
      }
    }
  });
  return bad;
}

let tmp: string;
let out: string;
const pdfs = new Map<string, ReadPdf>();
const pdfOf = async (name: string) => {
  let pdf = pdfs.get(name);
  if (!pdf) {
    pdf = await readPdf(await readFile(path.join(out, 'pdf', name)));
    pdfs.set(name, pdf);
  }
  return pdf;
};

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'careprint-pdf-'));
  out = path.join(tmp, 'dist');
  const result = await build(CONTENT, { out, cwd: ROOT, today: '2026-11-27' });
  expect(result.ok).toBe(true);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the sample handout', () => {
  it('contains all the text of the guide, in reading order, in every variant', async () => {
    const content = await loadContent(CONTENT, { cwd: ROOT });
    const guide = content.guides.find((g) => g.slug === SLUG)!;
    const chunks = visibleChunks(guide.tree!, String(guide.file.value));
    expect(chunks.length).toBeGreaterThan(50);
    for (const name of ['handout.a4', 'handout.letter', 'handout-large.a4', 'handout-large.letter']) {
      const pdf = await pdfOf(`${SLUG}.en.${name}.pdf`);
      expect(missingInOrder(chunks, pdf.contentText), name).toEqual([]);
    }
  });

  it('is a tagged PDF whose structure tree has the roles a screen reader needs', async () => {
    const pdf = await pdfOf(`${SLUG}.en.handout.a4.pdf`);
    const roles = new Set(structureNodes(pdf).map((n) => n.role));
    for (const role of ['Document', 'H1', 'H2', 'P', 'L', 'LI', 'Lbl', 'LBody', 'Table', 'TR', 'TH', 'TD', 'Link', 'Figure']) {
      expect(roles.has(role), role).toBe(true);
    }
    const figures = structureNodes(pdf).filter((n) => n.role === 'Figure');
    for (const figure of figures) expect(figure.alt?.trim(), 'every figure has alt text').toBeTruthy();
  });

  it('marks the running header and the footer as artifacts, and tags all body text', async () => {
    const pdf = await pdfOf(`${SLUG}.en.handout.a4.pdf`);
    for (const page of pdf.pages) {
      const furniture = page.items.filter((i) => /^Page \d+ of \d+$/.test(i.str.trim()) || i.str.includes('Next review due'));
      expect(furniture.length).toBeGreaterThan(0);
      for (const item of furniture) expect(item.artifact, item.str).toBe(true);
    }
    const headings = pdf.pages.flatMap((p) => p.items).filter((i) => i.str.includes('What is the iliopsoas?'));
    expect(headings.length).toBeGreaterThan(0);
    for (const item of headings) expect(item.artifact).toBe(false);
  });

  it('embeds every font it uses, none of them a standard-14 font', async () => {
    for (const name of ['handout.a4', 'handout-large.letter']) {
      const pdf = await pdfOf(`${SLUG}.en.${name}.pdf`);
      for (const font of pdf.fonts) {
        expect(font.embedded, font.name).toBe(true);
        expect(font.name.replace(/^[A-Z]{6}\+/, ''), font.name).not.toMatch(/^(Helvetica|Times|Courier|Symbol|ZapfDingbats)/);
      }
    }
  });

  it('sets body text at 12 pt or more, and at 16 pt or more in large print', async () => {
    expect(modalSize(await pdfOf(`${SLUG}.en.handout.a4.pdf`))).toBeGreaterThanOrEqual(12);
    expect(modalSize(await pdfOf(`${SLUG}.en.handout-large.a4.pdf`))).toBeGreaterThanOrEqual(16);
    const large = await pdfOf(`${SLUG}.en.handout-large.a4.pdf`);
    const standard = await pdfOf(`${SLUG}.en.handout.a4.pdf`);
    expect(large.pages.length).toBeGreaterThan(standard.pages.length);
  });

  it('uses the right page size for A4 and US Letter', async () => {
    for (const [paper, size] of Object.entries(PAPER)) {
      for (const variant of ['handout', 'handout-large']) {
        const pdf = await pdfOf(`${SLUG}.en.${variant}.${paper}.pdf`);
        for (const page of pdf.pages) {
          expect(page.width).toBeCloseTo(size.width, 1);
          expect(page.height).toBeCloseTo(size.height, 1);
        }
      }
    }
  });

  it('draws no glyph outside the page margins on any page', async () => {
    for (const [variant, theme] of [
      ['handout', themeFor('standard')],
      ['handout-large', themeFor('large')],
    ] as const) {
      for (const paper of ['a4', 'letter']) {
        const pdf = await pdfOf(`${SLUG}.en.${variant}.${paper}.pdf`);
        expect(outsideMargins(pdf, theme.margin), `${variant}.${paper}`).toEqual([]);
      }
    }
  });

  it('keeps body text inside the text block and the header and footer outside it', async () => {
    for (const [variant, theme] of [
      ['handout', themeFor('standard')],
      ['handout-large', themeFor('large')],
    ] as const) {
      const pdf = await pdfOf(`${SLUG}.en.${variant}.a4.pdf`);
      const bad = pdf.pages.flatMap((page, n) =>
        page.items
          .filter((item) => item.str.trim())
          .filter((item) => {
            // pdf.js y is the baseline, measured up from the bottom edge.
            const inBlock = item.y >= theme.margin.bottom - 0.5 && item.y + item.size * 0.8 <= page.height - theme.margin.top + 0.5;
            const furniture = item.artifact && /Page \d+ of \d+|Last reviewed|Next review due|^Version |^Iliopsoas pain while running$/.test(item.str.trim());
            return furniture ? inBlock : !item.artifact && !inBlock;
          })
          .map((item) => `${variant} page ${n + 1}: "${item.str}" (${item.artifact ? 'furniture inside' : 'body outside'} the text block) y=${item.y.toFixed(1)}`),
      );
      expect(bad).toEqual([]);
    }
  });

  it('never leaves a heading as the last line of a page', async () => {
    const content = await loadContent(CONTENT, { cwd: ROOT });
    const headings = new Set(content.guides.find((g) => g.slug === SLUG)!.headings.map((h) => h.text.trim()));
    for (const name of ['handout.a4', 'handout.letter', 'handout-large.a4', 'handout-large.letter']) {
      const pdf = await pdfOf(`${SLUG}.en.${name}.pdf`);
      pdf.pages.slice(0, -1).forEach((page, n) => {
        const body = page.items.filter((i) => !i.artifact && i.str.trim());
        expect(headings.has(body.at(-1)!.str.trim()), `${name} page ${n + 1} ends with heading "${body.at(-1)!.str}"`).toBe(false);
      });
    }
  });

  it('carries a QR code to the guide page (base URL from careprint.yaml) with its address as alt text', async () => {
    const content = await loadContent(CONTENT, { cwd: ROOT });
    const expected = new URL(`${SLUG}/`, content.config.base_url).href;
    const pdf = await pdfOf(`${SLUG}.en.handout.a4.pdf`);
    const figure = structureNodes(pdf).find((n) => n.role === 'Figure' && n.alt?.includes('QR code'));
    expect(figure?.alt).toContain(expected);
    expect(pdf.pages[0]!.text).toContain('Scan to read online');
  });

  it("draws a QR code that scans as the guide page's address, on both papers and in both print sizes", async () => {
    const content = await loadContent(CONTENT, { cwd: ROOT });
    const expected = new URL(`${SLUG}/`, content.config.base_url).href;
    for (const name of ['handout.a4', 'handout.letter', 'handout-large.a4', 'handout-large.letter']) {
      // The first page as it prints (150 dpi), decoded as a phone would, text and all around it.
      const page = await rasterPage(path.join(out, 'pdf', `${SLUG}.en.${name}.pdf`), 1, 150);
      expect(decodeQr(page), name).toBe(expected);
    }
  });

  it('shows the title in the window, declares its language and bookmarks every heading', async () => {
    const bytes = (await readFile(path.join(out, 'pdf', `${SLUG}.en.handout.a4.pdf`))).toString('latin1');
    expect(bytes).toMatch(/\/DisplayDocTitle true/);
    expect(bytes).toMatch(/\/Lang \(en\)/);
    const pdf = await pdfOf(`${SLUG}.en.handout.a4.pdf`);
    expect(pdf.outline).toContain('When to get help');
    expect(pdf.info.Title).toBe('Iliopsoas pain while running');
    expect(pdf.info.Subject).toBeTruthy();
  });

  it('gives byte-identical PDFs for the same input with SOURCE_DATE_EPOCH, in another folder', async () => {
    const previous = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = '1767225600'; // 2026-01-01T00:00:00Z
    try {
      const a = path.join(tmp, 'epoch-a');
      const b = path.join(tmp, 'nested', 'epoch-b');
      await build(CONTENT, { out: a, cwd: ROOT, today: '2026-11-27' });
      await build(CONTENT, { out: b, cwd: tmp, today: '2026-11-27' });
      const name = `${SLUG}.en.handout.a4.pdf`;
      const [one, two] = await Promise.all([readFile(path.join(a, 'pdf', name)), readFile(path.join(b, 'pdf', name))]);
      expect(one.equals(two)).toBe(true);
      expect((await readPdf(one)).info.CreationDate).toBe('D:20260101000000Z');
    } finally {
      if (previous === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = previous;
    }
  });
});

describe('careprint render on a file with every Markdown construct', () => {
  let pdf: ReadPdf;
  let tree: Root;
  let source: string;
  beforeAll(async () => {
    const result = await renderFile(KITCHEN_SINK, { to: 'pdf', cwd: ROOT });
    expect(result.file.messages.filter((m) => m.fatal)).toEqual([]);
    pdf = await readPdf(result.data!);
    source = await readFile(KITCHEN_SINK, 'utf8');
    tree = parseMarkdown(new VFile({ value: source }), source)!;
  });

  it('prints all of its text in reading order', () => {
    expect(missingInOrder(visibleChunks(tree, source), pdf.contentText)).toEqual([]);
  });

  it('prints each link URL after link text that differs from it, and not twice when they match', () => {
    expect(pdf.text).toContain('link whose text differs (https://example.org/differs)');
    expect(pdf.text).toContain('call us (+441234567890)');
    expect(pdf.text.match(/https:\/\/example\.org\/bare/g)).toHaveLength(1);
  });

  it('numbers ordered lists from their start, puts footnotes at the end as notes', () => {
    expect(pdf.text).toMatch(/7\. ?Seventh starts this list/);
    expect(pdf.text).toMatch(/8\. ?Eighth follows/);
    const notes = pdf.text.lastIndexOf('Notes');
    expect(notes).toBeGreaterThan(pdf.text.indexOf('Text after the page break'));
    expect(pdf.text.indexOf('The first footnote text.')).toBeGreaterThan(notes);
  });

  it('tags PNG, JPEG and SVG images as figures with their alt text, and the callouts with their labels', () => {
    const alts = structureNodes(pdf)
      .filter((n) => n.role === 'Figure')
      .map((n) => n.alt);
    expect(alts).toEqual(
      expect.arrayContaining(['A checkerboard of blue and white squares', 'A blue gradient photograph', 'A person lifting one knee beside a wall', 'A person lifting one knee']),
    );
    for (const label of ['Red flags: get help', 'Tip', 'Warning', 'Exercise: Standing knee lift']) expect(pdf.text).toContain(label);
    const roles = new Set(structureNodes(pdf).map((n) => n.role));
    for (const role of ['H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BlockQuote', 'Code', 'Table', 'TH', 'TD', 'Link']) expect(roles.has(role), role).toBe(true);
  });

  it('breaks long words and URLs instead of running off the page, and honours the page break', () => {
    expect(outsideMargins(pdf, themeFor('standard').margin)).toEqual([]);
    const last = pdf.pages.at(-1)!;
    const breakPage = pdf.pages.findIndex((p) => p.text.includes('Text after the page break'));
    const exercisePage = pdf.pages.findIndex((p) => p.text.includes('Lower it again'));
    expect(breakPage).toBeGreaterThan(exercisePage);
    expect(last.text).toContain('Notes');
  });

  it('keeps an exercise card on one page', () => {
    const pages = pdf.pages.map((p, i) => [i, p.text] as const).filter(([, text]) => text.includes('Exercise: Standing knee lift') || text.includes('Lower it again'));
    expect(new Set(pages.map(([i]) => i)).size).toBe(1);
  });

  it('prints a large-print variant at 16 pt or more', async () => {
    const large = await readPdf((await renderFile(KITCHEN_SINK, { to: 'pdf', cwd: ROOT, variant: 'large', paper: 'letter' })).data!);
    expect(modalSize(large)).toBeGreaterThanOrEqual(16);
    expect(large.pages[0]!.width).toBeCloseTo(612, 1);
    expect(outsideMargins(large, themeFor('large').margin)).toEqual([]);
  });
});

describe('a paragraph that repeats', () => {
  it('is set anew wherever its style differs, and each copy of a link keeps a Link element of its own', async () => {
    // Lines are set once per document for the same runs and width (a callout is set to measure it
    // and again to draw it): the same words in another face, or another copy of a link, must not
    // come out as the first copy.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'careprint-repeat-'));
    try {
      const words = 'Rest the hip for two days.';
      const link = 'Read [the exercise sheet](https://example.org/sheet) before you start.';
      const file = path.join(dir, 'repeat.md');
      await writeFile(file, `# Repeat\n\n${words}\n\n**${words}**\n\n*${words}*\n\n${link}\n\n:::tip\n${link}\n:::\n\n${link}\n`);
      const data = (await renderFile(file, { to: 'pdf', cwd: dir })).data!;
      const pdf = await readPdf(data);
      const widths = pdf.pages[0]!.items.filter((item) => item.str === words).map((item) => item.width.toFixed(2));
      expect(widths).toHaveLength(3);
      expect(new Set(widths).size, 'regular, bold and italic widths').toBe(3);

      const doc = await pdfjs.getDocument({ data: new Uint8Array(data), verbosity: 0 }).promise;
      const page = await doc.getPage(1);
      type Node = { role?: string; type?: string; children?: Node[] };
      const links: Node[] = [];
      const walk = (node: Node) => (node.role === 'Link' ? links.push(node) : node.children?.forEach(walk));
      walk((await page.getStructTree()) as Node);
      const annotations = (await page.getAnnotations()).filter((a: { subtype: string }) => a.subtype === 'Link') as Array<{ rect: number[]; structParent: number }>;
      await doc.destroy();
      expect(links).toHaveLength(3);
      for (const element of links) {
        expect(element.children?.filter((c) => c.type === 'content').length, 'its marked text').toBeGreaterThan(0);
        expect(element.children?.filter((c) => c.type === 'object').length, 'its annotation').toBe(1);
      }
      expect(new Set(annotations.map((a) => a.rect.join(','))).size).toBe(3);
      expect(new Set(annotations.map((a) => a.structParent)).size).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
