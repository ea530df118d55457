import SVGtoPDF from 'svg-to-pdfkit';
import { pdfNumber } from './text.js';

/**
 * SVG figures, converted once per process.
 *
 * svg-to-pdfkit parses the SVG and works out every path each time it draws, and a guide's figure
 * is drawn in each of its handouts (two papers, two print sizes): that was about 6% of a build's
 * CPU. A figure drawn at the origin of its own coordinate space (`q`, a translation, the figure,
 * `Q`) gives the same operators wherever it lands, so they are kept and written again for the
 * next document that draws the same SVG at the same size, byte for byte as svg-to-pdfkit wrote them.
 *
 * Only plain vector paint is kept: operators that draw paths and set their colour and line style
 * in a device colour space. Anything that names a resource of its document (a font, an image or
 * group, a gradient or pattern, a graphics state for opacity), marks content or adds a link is
 * drawn by svg-to-pdfkit every time, as before.
 */

/** What a kept figure may contain: path construction, painting, clipping, line style, device colour. */
const PLAIN_OPERATORS = new Set([
  ...['m', 'l', 'c', 'v', 'y', 'h', 're'],
  ...['f', 'F', 'f*', 'S', 's', 'B', 'B*', 'b', 'b*', 'n', 'W', 'W*'],
  ...['q', 'Q', 'cm', 'w', 'J', 'j', 'M', 'i'],
  ...['g', 'G', 'rg', 'RG', 'k', 'K', 'cs', 'CS', 'sc', 'SC', 'scn', 'SCN'],
]);
const DEVICE_SPACES = new Set(['/DeviceRGB', '/DeviceGray', '/DeviceCMYK']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** Is this content only plain vector paint (see above)? Its only arrays may be dash patterns (`[…] phase d`). */
export function isPlainPaint(content: string): boolean {
  const tokens = content.split(/\s+|(?=[[\]])|(?<=[[\]])/).filter((token) => token !== '');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '[') {
      let end = i + 1;
      while (end < tokens.length && NUMBER.test(tokens[end]!)) end++;
      if (tokens[end] !== ']' || !NUMBER.test(tokens[end + 1] ?? '') || tokens[end + 2] !== 'd') return false;
      i = end + 2;
      continue;
    }
    if (!NUMBER.test(token) && !PLAIN_OPERATORS.has(token) && !DEVICE_SPACES.has(token)) return false;
  }
  return true;
}

const KEPT = new Map<string, string>();
const MAX_KEPT = 64;
let conversions = 0;

/** How many times svg-to-pdfkit has converted a figure in this process (for tests). */
export const svgConversions = () => conversions;

interface PageResources {
  fonts: Record<string, unknown>;
  xobjects: Record<string, unknown>;
  ext_gstates: Record<string, unknown>;
  patterns: Record<string, unknown>;
  colorSpaces?: Record<string, unknown>;
  annotations: unknown[];
}

const resourceCount = (page: PageResources) =>
  Object.keys(page.fonts).length +
  Object.keys(page.xobjects).length +
  Object.keys(page.ext_gstates).length +
  Object.keys(page.patterns).length +
  Object.keys(page.colorSpaces ?? {}).length +
  page.annotations.length;

/**
 * Draw an SVG with its top left corner at (x, y), scaled to width × height (keeping its aspect
 * ratio, aligned top left), text in `font`.
 */
export function drawSvg(doc: PDFKit.PDFDocument, svg: string, x: number, y: number, width: number, height: number, font: string): void {
  const key = `${pdfNumber(width)} ${pdfNumber(height)} ${font}\n${svg}`;
  doc.save();
  doc.translate(x, y);
  try {
    drawAtOrigin(doc, svg, width, height, font, key);
  } finally {
    doc.restore();
  }
}

function drawAtOrigin(doc: PDFKit.PDFDocument, svg: string, width: number, height: number, font: string, key: string): void {
  const kept = KEPT.get(key);
  if (kept !== undefined) {
    doc.addContent(kept);
  } else {
    const internals = doc as unknown as {
      page: PageResources;
      addContent(data: string): unknown;
      _doOpacity(fill: number | null | undefined, stroke: number | null | undefined): unknown;
    };
    const page = internals.page;
    const before = resourceCount(page);
    const written: string[] = [];
    const addContent = internals.addContent;
    internals.addContent = function capture(this: unknown, data: string) {
      written.push(data);
      return addContent.call(this, data);
    };
    // svg-to-pdfkit sets an opacity with every colour, 1 included, and pdfkit makes each a
    // graphics-state resource. careprint's pages are opaque, so until some paint in the figure is
    // translucent, an opacity of 1 changes nothing: it is not written (and the figure stays plain).
    const doOpacity = internals._doOpacity;
    let translucent = false;
    internals._doOpacity = function opacity(this: unknown, fill, stroke) {
      if (!translucent && (fill == null || fill >= 1) && (stroke == null || stroke >= 1)) return undefined;
      translucent = true;
      return doOpacity.call(this, fill, stroke);
    };
    conversions += 1;
    try {
      SVGtoPDF(doc, svg, 0, 0, { width, height, preserveAspectRatio: 'xMinYMin meet', fontCallback: () => font });
    } finally {
      // The prototype's methods again.
      delete (internals as { addContent?: unknown }).addContent;
      delete (internals as { _doOpacity?: unknown })._doOpacity;
    }
    // pdfkit writes each call's data and a newline: joined the same way, one write gives the same bytes.
    const content = written.join('\n');
    if (internals.page === page && resourceCount(page) === before && isPlainPaint(content)) {
      if (KEPT.size >= MAX_KEPT) KEPT.clear();
      KEPT.set(key, content);
    }
  }
}
