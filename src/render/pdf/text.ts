/**
 * Drawing and measuring one line of text in one font, straight to the page's content stream.
 *
 * careprint lays out every line itself, so pdfkit's `text()` (option handling, line wrapping,
 * measuring the string again, a save/transform/restore per call) is pure overhead on the hottest
 * path. This writes the same operators pdfkit's own fragment writer does — font resource, text
 * matrix, TJ with kerning adjustments, glyph offsets — and keeps pdfkit's subset bookkeeping
 * (`font.encode` records each glyph's width and Unicode for the ToUnicode map), so text still
 * extracts and tags exactly as before.
 */

interface GlyphPosition {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
  advanceWidth: number;
}

interface ShapedRun {
  glyphs: Array<{ id: number; advanceWidth: number; codePoints: number[] }>;
  positions: GlyphPosition[];
}

/** The parts of pdfkit's embedded font this module uses (pdfkit does not export the type). */
interface EmbeddedFont {
  id: string;
  ref(): unknown;
  /** One word (up to and including a following space), shaped, from the process-wide cache. */
  layoutCached(text: string): ShapedRun;
  subset: { includeGlyph(id: number): number };
  /** Per document: width and Unicode of each subset glyph (for the W array and ToUnicode map). */
  widths: number[];
  unicode: number[][];
  scale: number;
  widthOfString(text: string, size: number): number;
}

interface DocInternals {
  _fontFamilies: Record<string, EmbeddedFont | undefined>;
  page: { height: number; fonts: Record<string, unknown> };
  addContent(data: string): unknown;
}

function fontOf(doc: PDFKit.PDFDocument, name: string): EmbeddedFont {
  const font = (doc as unknown as DocInternals)._fontFamilies[name];
  if (!font) throw new Error(`careprint: font ${name} is not registered`);
  return font;
}

/** pdfkit's number format in content streams: at most six decimals, no exponent. */
function num(n: number): string {
  if (!(n > -1e21 && n < 1e21)) throw new Error(`careprint: unsupported number in PDF content: ${n}`);
  return String(Math.round(n * 1e6) / 1e6);
}

/**
 * Widths per font at 1 pt, for the whole process: a width depends only on the font and the
 * text (shaping is linear in size), and every document draws mostly the same words.
 */
const WIDTHS = new Map<string, Map<string, number>>();
const MAX_WIDTHS_PER_FONT = 200_000;

export function textWidth(doc: PDFKit.PDFDocument, font: string, size: number, text: string): number {
  let widths = WIDTHS.get(font);
  if (!widths || widths.size > MAX_WIDTHS_PER_FONT) {
    widths = new Map();
    WIDTHS.set(font, widths);
  }
  let unit = widths.get(text);
  if (unit === undefined) {
    unit = fontOf(doc, font).widthOfString(text, 1);
    widths.set(text, unit);
  }
  return unit * size;
}

/** Each document font's glyph codes: font glyph id → 4-digit hex of its id in the subset. */
const CODES = new WeakMap<EmbeddedFont, Map<number, string>>();

/**
 * The glyph codes and positions of `text`, as pdfkit's `font.encode` makes them (same word
 * splitting, same subset bookkeeping), without re-concatenating arrays per word or formatting
 * every glyph's code again.
 */
function encode(font: EmbeddedFont, text: string): { codes: string[]; positions: GlyphPosition[] } {
  let known = CODES.get(font);
  if (!known) {
    known = new Map();
    CODES.set(font, known);
  }
  const codes: string[] = [];
  const positions: GlyphPosition[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const last = i === text.length - 1;
    const char = text.charCodeAt(i);
    if (!last && char !== 32 && char !== 9) continue;
    const run = font.layoutCached(text.slice(start, i + 1));
    start = i + 1;
    for (let g = 0; g < run.glyphs.length; g++) {
      const glyph = run.glyphs[g]!;
      let code = known.get(glyph.id);
      if (code === undefined) {
        const gid = font.subset.includeGlyph(glyph.id);
        code = `0000${gid.toString(16)}`.slice(-4);
        font.widths[gid] ??= glyph.advanceWidth * font.scale;
        font.unicode[gid] ??= glyph.codePoints;
        known.set(glyph.id, code);
      }
      codes.push(code);
      positions.push(run.positions[g]!);
    }
  }
  return { codes, positions };
}

/**
 * Fill `text` in `font` at `size` with its alphabetic baseline at (x, baseline), in the current
 * fill colour. Coordinates are pdfkit's (origin top left).
 */
export function drawText(doc: PDFKit.PDFDocument, font: string, size: number, x: number, baseline: number, text: string): void {
  if (text.length === 0) return;
  const internals = doc as unknown as DocInternals;
  const embedded = fontOf(doc, font);
  const page = internals.page;
  if (page.fonts[embedded.id] == null) page.fonts[embedded.id] = embedded.ref();
  // pdfkit's page space is flipped (y down); text is drawn in an unflipped space.
  let cx = x;
  const y = page.height - baseline;
  const { codes: encoded, positions } = encode(embedded, text);
  const scale = size / 1000;
  const ops: string[] = ['q', `1 0 0 -1 0 ${num(page.height)} cm`, 'BT', `1 0 0 1 ${num(cx)} ${num(y)} Tm`, `/${embedded.id} ${num(size)} Tf`];
  const commands: string[] = [];
  let last = 0;
  let hadOffset = false;
  const addSegment = (cur: number) => {
    if (last < cur) {
      const pos = positions[cur - 1]!;
      commands.push(`<${encoded.slice(last, cur).join('')}> ${num(-(pos.xAdvance - pos.advanceWidth))}`);
    }
    last = cur;
  };
  const flush = (i: number) => {
    addSegment(i);
    if (commands.length > 0) {
      ops.push(`[${commands.join(' ')}] TJ`);
      commands.length = 0;
    }
  };
  let i = 0;
  for (; i < positions.length; i++) {
    const pos = positions[i]!;
    if (pos.xOffset || pos.yOffset) {
      // A mark positioned by the font (an accent placed over its base): its own text matrix.
      flush(i);
      ops.push(`1 0 0 1 ${num(cx + pos.xOffset * scale)} ${num(y + pos.yOffset * scale)} Tm`);
      flush(i + 1);
      hadOffset = true;
    } else {
      if (hadOffset) {
        ops.push(`1 0 0 1 ${num(cx)} ${num(y)} Tm`);
        hadOffset = false;
      }
      if (pos.xAdvance - pos.advanceWidth !== 0) addSegment(i + 1);
    }
    cx += pos.xAdvance * scale;
  }
  flush(i);
  ops.push('ET', 'Q');
  internals.addContent(ops.join('\n'));
}
