import type { Root } from 'mdast';
import { headingSlugger } from '../../content/heading-slug.js';
import type { PaperSize } from '../../config/schema.js';
import { fontName, registerFonts } from './fonts.js';
import { endnotes } from './handlers/footnotes.js';
import { prepareImages } from './handlers/image.js';
import { renderBlocks } from './handlers/index.js';
import { Layout } from './layout.js';
import { CollectedPdf } from './output.js';
import { Tagger } from './tagging.js';
import { drawText, textWidth } from './text.js';
import type { PdfState } from './state.js';
import { PAPER, themeFor, type PdfTheme, type PrintVariant } from './theme.js';

export interface PdfOptions {
  paper: PaperSize;
  variant: PrintVariant;
  lang: string;
  title: string;
  author?: string | undefined;
  subject?: string | undefined;
  keywords?: readonly string[] | undefined;
  /** Fixed creation date: the same input gives the same bytes. */
  date: Date;
  /** Running header text on pages after the first. */
  header?: string | undefined;
  /** Footer text left of "Page X of Y" (the review line). */
  footer?: string | undefined;
  /** Folder relative image paths resolve against. */
  baseDir?: string | undefined;
  /** Images must lie inside this folder. */
  imageRoot?: string | undefined;
  /** URL printed as a QR code in the title block. */
  qrUrl?: string | undefined;
  /** The Markdown source the tree was parsed from, to print unknown directives as written. */
  source?: string | undefined;
  /** Told the page each heading lands on (for "see page N" in an answer key). */
  onHeading?: ((slug: string, page: number) => void) | undefined;
  /** The handout page of each section (heading slug), for the answer key's page references. */
  sectionPages?: ReadonlyMap<string, number> | undefined;
}

/** Break a " · "-separated line into lines no wider than `room` (the last may overflow only if one part is too long). */
function packFooter(footer: string, widthOf: (s: string) => number, room: number): string[] {
  const lines: string[] = [];
  for (const part of footer.split(' · ')) {
    const last = lines.at(-1);
    if (last !== undefined && widthOf(`${last} · ${part}`) <= room) lines[lines.length - 1] = `${last} · ${part}`;
    else lines.push(part);
  }
  return lines;
}

/** Shorten a one-line text with an ellipsis until it fits `room` (a running header may not wrap). */
function fitText(value: string, widthOf: (s: string) => number, room: number): string {
  if (widthOf(value) <= room) return value;
  const chars = [...value];
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (widthOf(`${chars.slice(0, mid).join('').trimEnd()}…`) <= room) low = mid;
    else high = mid - 1;
  }
  return `${chars.slice(0, low).join('').trimEnd()}…`;
}

/** Running header (pages 2+) and footer with "Page X of Y", drawn once page count is known. */
function drawFurniture(doc: PDFKit.PDFDocument, theme: PdfTheme, paper: { width: number; height: number }, options: PdfOptions): void {
  const range = doc.bufferedPageRange();
  const left = theme.margin.left;
  const width = paper.width - theme.margin.left - theme.margin.right;
  const size = theme.smallSize;
  const text = (value: string, x: number, y: number, font = fontName('text', 'regular')) => {
    drawText(doc, font, size, x, y, value, theme.colors.muted);
  };
  const regularWidth = (s: string) => textWidth(doc, fontName('text', 'regular'), size, s);
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.markContent('Artifact', { type: 'Pagination' });
    const pageLabel = `Page ${i + 1} of ${range.count}`;
    const labelWidth = textWidth(doc, fontName('text', 'bold'), size, pageLabel);
    // The footer sits on the bottom edge's safe area: last line 22 pt above it, rule above the first.
    const lines = options.footer ? packFooter(options.footer, regularWidth, width - labelWidth - size * 2) : [];
    const firstBaseline = paper.height - 22 - Math.max(0, lines.length - 1) * size * 1.3;
    const ruleY = firstBaseline - size * 1.4;
    doc.save().lineWidth(0.5).strokeColor(theme.colors.rule).moveTo(left, ruleY).lineTo(left + width, ruleY).stroke().restore();
    lines.forEach((line, n) => text(fitText(line, regularWidth, width - labelWidth - size * 2), left, firstBaseline + n * size * 1.3));
    text(pageLabel, left + width - labelWidth, firstBaseline, fontName('text', 'bold'));
    if (i > range.start && options.header) {
      const headerY = theme.margin.top / 2 + size / 2;
      text(fitText(options.header, regularWidth, width), left, headerY);
      doc.save().lineWidth(0.5).strokeColor(theme.colors.rule).moveTo(left, headerY + size * 0.6).lineTo(left + width, headerY + size * 0.6).stroke().restore();
    }
    doc.endMarkedContent();
  }
}

/**
 * Typeset a composed mdast tree as a PDF, drawing directly with pdfkit (no browser). Fonts are
 * embedded (never the standard 14), dates are fixed, so equal input gives equal bytes.
 */
export async function renderPdf(tree: Root, options: PdfOptions): Promise<Buffer> {
  const paper = PAPER[options.paper];
  const theme = themeFor(options.variant);
  const doc = new CollectedPdf({
    size: [paper.width, paper.height],
    margin: 0,
    bufferPages: true,
    pdfVersion: '1.7',
    // Tagged for screen readers (structure tree, artifacts) and marked as PDF/UA.
    tagged: true,
    subset: 'PDF/UA' as never,
    lang: options.lang,
    displayTitle: true,
    // No default font: pdfkit would otherwise load Helvetica, a standard-14 font.
    font: null as unknown as string,
    info: {
      Title: options.title,
      Author: options.author ?? '',
      Subject: options.subject ?? '',
      Keywords: (options.keywords ?? []).join(', '),
      Creator: 'careprint',
      Producer: 'careprint',
      CreationDate: options.date,
      ModDate: options.date,
    },
  });
  registerFonts(doc);
  doc.font(fontName('text', 'regular'));
  await prepareImages(tree, { baseDir: options.baseDir, imageRoot: options.imageRoot });

  const layout = new Layout(doc, theme, paper, () => undefined, (isDry) => new Tagger(doc, isDry));
  layout.tagger.begin();
  const state: PdfState = {
    doc,
    layout,
    theme,
    baseDir: options.baseDir,
    imageRoot: options.imageRoot,
    qrUrl: options.qrUrl,
    source: options.source,
    footnoteOrder: [],
    footnoteDefinitions: [],
    outline: [],
    tight: false,
    answerBox: undefined,
    slugOf: headingSlugger(),
    onHeading: options.onHeading,
    sectionPages: options.sectionPages,
  };
  renderBlocks(tree.children, state);
  endnotes(state);
  layout.tagger.finish();
  drawFurniture(doc, theme, paper, options);
  doc.end();
  return doc.bytes();
}
