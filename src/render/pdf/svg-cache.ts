import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type SVGtoPDFFunction from 'svg-to-pdfkit';
import { isInternalImage } from '../../content/svg.js';
import { fontName, registerFonts } from './fonts.js';
import { CollectedPdf } from './output.js';
import { addToSubset, pdfNumber, type EmbeddedFont } from './text.js';

/**
 * svg-to-pdfkit is one 125 KB CommonJS file. Imported from ESM, Node first scans its source for
 * named exports, and in a worker running V8 single-threaded that scan took about a quarter of a
 * second of the worker's start (required, it is not scanned).
 */
const SVGtoPDF = createRequire(import.meta.url)('svg-to-pdfkit') as typeof SVGtoPDFFunction;

/**
 * SVG figures, converted once per process.
 *
 * svg-to-pdfkit parses the SVG and works out every path and label each time it draws, and a
 * guide's figure is drawn in each of its handouts (two papers, two print sizes): about 6% of a
 * build's CPU. A figure is converted once, into a scratch document with the same fonts, drawn at
 * its own origin; its operators are kept as a template whose labels are glyph ids instead of one
 * document's glyph codes. Every document, the first included, draws the figure from the template
 * (`q`, a translation, the operators, `Q`), adding the label glyphs to its own font subsets as
 * pdfkit's `encode` does: the bytes never depend on which document converted the figure.
 *
 * Only figures of plain paint are kept: paths, their colour and line style in a device colour
 * space, and text in careprint's fonts. A figure that needs a resource of its own (an image or
 * group, a gradient or pattern, a translucent graphics state) or a link is drawn by svg-to-pdfkit
 * straight into each document, as before.
 */

/** What a kept figure may contain: path construction, painting, clipping, line style, device colour, simple text. */
const PLAIN_OPERATORS = new Set([
  ...['m', 'l', 'c', 'v', 'y', 'h', 're'],
  ...['f', 'F', 'f*', 'S', 's', 'B', 'B*', 'b', 'b*', 'n', 'W', 'W*'],
  ...['q', 'Q', 'cm', 'w', 'J', 'j', 'M', 'i'],
  ...['g', 'G', 'rg', 'RG', 'k', 'K', 'cs', 'CS', 'sc', 'SC', 'scn', 'SCN'],
  ...['BT', 'ET', 'Tm', 'Tr'],
]);
const DEVICE_SPACES = new Set(['/DeviceRGB', '/DeviceGray', '/DeviceCMYK']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const GLYPH_CODES = /^<([0-9a-f]{4})+>$/i;

/**
 * Is this content only plain paint (see above)? Its only arrays may be dash patterns
 * (`[…] phase d`); a font is named only by `Tf` and must be one of `fonts`; a hex string is
 * only whole glyph codes, shown with `Tj`.
 */
export function isPlainPaint(content: string, fonts: ReadonlySet<string> = new Set()): boolean {
  const tokens = content.split(/\s+|(?=[[\]])|(?<=[[\]])/).filter((token) => token !== '');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '[') {
      let end = i + 1;
      while (end < tokens.length && NUMBER.test(tokens[end]!)) end++;
      if (tokens[end] !== ']' || !NUMBER.test(tokens[end + 1] ?? '') || tokens[end + 2] !== 'd') return false;
      i = end + 2;
    } else if (token.startsWith('/') && !DEVICE_SPACES.has(token)) {
      if (!fonts.has(token.slice(1)) || !NUMBER.test(tokens[i + 1] ?? '') || tokens[i + 2] !== 'Tf') return false;
      i += 2;
    } else if (token.startsWith('<')) {
      if (!GLYPH_CODES.test(token) || tokens[i + 1] !== 'Tj') return false;
      i += 1;
    } else if (!NUMBER.test(token) && !PLAIN_OPERATORS.has(token) && !DEVICE_SPACES.has(token)) {
      return false;
    }
  }
  return true;
}

interface DocInternals {
  page: {
    fonts: Record<string, unknown>;
    xobjects: Record<string, unknown>;
    ext_gstates: Record<string, unknown>;
    patterns: Record<string, unknown>;
    annotations: unknown[];
  };
  _fontFamilies: Record<string, EmbeddedFont>;
  addContent(data: string): unknown;
  _doOpacity(fill: number | null | undefined, stroke: number | null | undefined): unknown;
}

/** One glyph of a label: its id in the font, and what pdfkit records for its subset (width, Unicode). */
interface TemplateGlyph {
  id: number;
  width: number;
  codePoints: number[];
}

/** A converted figure: operators, with each label's glyph codes left as glyphs of a named font. */
interface Template {
  parts: Array<string | { font: string; glyph: TemplateGlyph }>;
  /** Fonts the labels use, in order of first use (each becomes a resource of the page it is drawn on). */
  fonts: string[];
}

/** Converted figures by size, font and SVG; null: not plain, drawn by svg-to-pdfkit each time. */
const KEPT = new Map<string, Template | null>();
const MAX_KEPT = 64;
let conversions = 0;

/** How many times svg-to-pdfkit has converted a figure for a document in this process (for tests; check's trials are not counted). */
export const svgConversions = () => conversions;

const fontsById = (doc: DocInternals) => new Map(Object.values(doc._fontFamilies).map((font) => [font.id, font]));

/**
 * Run svg-to-pdfkit on `doc` at the origin. svg-to-pdfkit sets an opacity with every colour, 1
 * included, and pdfkit makes each a graphics-state resource: careprint's pages are opaque, so
 * until some paint is translucent, an opacity of 1 changes nothing and is not written.
 */
function convert(doc: PDFKit.PDFDocument, svg: string, width: number, height: number, font: string): void {
  const internals = doc as unknown as DocInternals;
  const doOpacity = internals._doOpacity;
  let translucent = false;
  internals._doOpacity = function opacity(this: unknown, fill, stroke) {
    if (!translucent && (fill == null || fill >= 1) && (stroke == null || stroke >= 1)) return undefined;
    translucent = true;
    return doOpacity.call(this, fill, stroke);
  };
  try {
    SVGtoPDF(doc, svg, 0, 0, {
      width,
      height,
      preserveAspectRatio: 'xMinYMin meet',
      fontCallback: () => font,
      // Images only from inside the SVG: svg-to-pdfkit would otherwise hand any path or address
      // to pdfkit, which opens files anywhere on the machine (check refuses such figures).
      imageCallback: (link: string) => (isInternalImage(link) ? link.replace(/\s+/g, '') : ''),
      // What it cannot draw, check has already reported; nothing for the build's output.
      warningCallback: () => undefined,
    });
  } finally {
    // The prototype's method again.
    delete (internals as { _doOpacity?: unknown })._doOpacity;
  }
}

/** Convert a figure in a scratch document and make its template, or null when it is not plain paint. */
function templateOf(doc: PDFKit.PDFDocument, svg: string, width: number, height: number, font: string): Template | null {
  const page = (doc as unknown as { page: { width: number; height: number } }).page;
  const scratch = new CollectedPdf({ size: [page.width, page.height], margin: 0, font: null as unknown as string });
  registerFonts(scratch);
  const internals = scratch as unknown as DocInternals;
  const written: string[] = [];
  const addContent = internals.addContent;
  internals.addContent = function capture(this: unknown, data: string) {
    written.push(data);
    return addContent.call(this, data);
  };
  conversions += 1;
  convert(scratch, svg, width, height, font);
  const { xobjects, ext_gstates: states, patterns, annotations } = internals.page;
  if (Object.keys(xobjects).length + Object.keys(states).length + Object.keys(patterns).length + annotations.length > 0) return null;
  // As pdfkit writes them: each call's data and a newline.
  const content = written.join('\n');
  const fonts = fontsById(internals);
  if (!isPlainPaint(content, new Set(fonts.keys()))) return null;

  // Glyph codes of the scratch document's subsets back to glyph ids (and what encode recorded).
  const template: Template = { parts: [], fonts: [] };
  let current: EmbeddedFont | undefined;
  let last = 0;
  for (const match of content.matchAll(/\/(\S+) \S+ Tf|<([0-9a-f]+)> Tj/gi)) {
    if (match[1] !== undefined) {
      current = fonts.get(match[1]);
      if (current && !template.fonts.includes(current.id)) template.fonts.push(current.id);
      continue;
    }
    if (!current) return null;
    const start = match.index + 1;
    template.parts.push(content.slice(last, start));
    for (let i = 0; i < match[2]!.length; i += 4) {
      const code = parseInt(match[2]!.slice(i, i + 4), 16);
      template.parts.push({ font: current.id, glyph: { id: current.subset.glyphs[code]!, width: current.widths[code]!, codePoints: current.unicode[code]! } });
    }
    last = start + match[2]!.length;
  }
  template.parts.push(content.slice(last));
  return template;
}

/** Write a template into a document: its fonts on the page, each label glyph in the document's own subset. */
function drawTemplate(doc: PDFKit.PDFDocument, template: Template): void {
  const internals = doc as unknown as DocInternals;
  const fonts = fontsById(internals);
  for (const id of template.fonts) internals.page.fonts[id] ??= fonts.get(id)!.ref();
  let out = '';
  for (const part of template.parts) {
    out += typeof part === 'string' ? part : addToSubset(fonts.get(part.font)!, part.glyph.id, part.glyph.width, part.glyph.codePoints);
  }
  internals.addContent(out);
}

/** Trial results by SVG digest: check and the renderer ask about the same figures. */
const TRIED = new Map<string, string | undefined>();

/**
 * Why a figure cannot be drawn, or undefined when it can: it is converted once in a scratch
 * document at about the largest size a page gives a figure, exactly as the build converts it.
 * svg-to-pdfkit and pdfkit stop on what no allowlist can see in advance — transforms that
 * multiply into a coordinate past pdfkit's 1e21 limit under a gradient, an embedded image that
 * does not decode — so `check` draws every figure once, and the build never meets one it cannot.
 */
export function svgDrawProblem(svg: string): string | undefined {
  const key = createHash('sha256').update(svg).digest('base64');
  if (TRIED.has(key)) return TRIED.get(key);
  let problem: string | undefined;
  const scratch = new CollectedPdf({ size: [612, 1008], margin: 0, font: null as unknown as string });
  try {
    registerFonts(scratch);
    convert(scratch, svg, 600, 800, fontName('text', 'regular'));
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  if (TRIED.size >= MAX_KEPT) TRIED.clear();
  TRIED.set(key, problem);
  return problem;
}

/**
 * Draw an SVG with its top left corner at (x, y), scaled to width × height (keeping its aspect
 * ratio, aligned top left), text in `font`.
 */
export function drawSvg(doc: PDFKit.PDFDocument, svg: string, x: number, y: number, width: number, height: number, font: string): void {
  // By digest: a kept figure should not keep its SVG text alive too.
  const key = `${pdfNumber(width)} ${pdfNumber(height)} ${font} ${createHash('sha256').update(svg).digest('base64')}`;
  let template = KEPT.get(key);
  if (template === undefined) {
    template = templateOf(doc, svg, width, height, font);
    if (KEPT.size >= MAX_KEPT) KEPT.clear();
    KEPT.set(key, template);
  }
  doc.save();
  doc.translate(x, y);
  try {
    if (template) drawTemplate(doc, template);
    else {
      conversions += 1;
      convert(doc, svg, width, height, font);
    }
  } finally {
    doc.restore();
  }
}
