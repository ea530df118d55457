/**
 * Drawing and measuring one line of text in one font, straight to the page's content stream.
 *
 * careprint lays out every line itself, so pdfkit's `text()` (option handling, line wrapping,
 * measuring the string again, a save/transform/restore per call) is pure overhead on the hottest
 * path. This writes one text object per call: the fill colour, a text matrix that undoes pdfkit's
 * flipped page space, the font, and a TJ array with the kerning adjustments (a glyph the font
 * offsets gets a matrix of its own). It keeps pdfkit's subset bookkeeping (`font.encode` records
 * each glyph's width and Unicode for the ToUnicode map), so text extracts and tags as pdfkit's would.
 *
 * Each call is a few hundred bytes of a handout's content streams, dozens of times a page:
 * pdfkit's way (`/DeviceRGB cs`, three 17-digit fractions and `scn`, then `q`, a flipping `cm`,
 * the text object and `Q`) took twice the bytes to say the same, and every byte is built,
 * converted and deflated.
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
export interface EmbeddedFont {
  id: string;
  ref(): unknown;
  /** One word (up to and including a following space), shaped, from the process-wide cache. */
  layoutCached(text: string): ShapedRun;
  /** The same, shaped afresh and not cached (positions in 1/1000 of the font size). */
  layoutRun(text: string): ShapedRun & { advanceWidth: number };
  /** fontkit's subset: `glyphs[code]` is the font's glyph id behind a subset code. */
  subset: { includeGlyph(id: number): number; glyphs: number[] };
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
export function pdfNumber(n: number): string {
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

/**
 * The width of one word (no space or tab) at `size`, shaped afresh and kept nowhere: for strings
 * measured once, such as a long word's trial chunks, which would only crowd the shaping caches
 * (and the shaping record the build keeps). The same shaping pdfkit's cached path does.
 */
export function measureText(doc: PDFKit.PDFDocument, font: string, size: number, text: string): number {
  return (fontOf(doc, font).layoutRun(text).advanceWidth * size) / 1000;
}

/** Each document font's glyph codes: font glyph id → 4-digit hex of its id in the subset. */
const CODES = new WeakMap<EmbeddedFont, Map<number, string>>();

function codesOf(font: EmbeddedFont): Map<number, string> {
  let known = CODES.get(font);
  if (!known) {
    known = new Map();
    CODES.set(font, known);
  }
  return known;
}

/**
 * Add a glyph to a document font's subset as pdfkit's `encode` does, recording its width (in the
 * font's PDF units) and Unicode for the W array and ToUnicode map; its 4-digit hex code.
 */
export function addToSubset(font: EmbeddedFont, id: number, width: number, codePoints: number[]): string {
  const gid = font.subset.includeGlyph(id);
  font.widths[gid] ??= width;
  font.unicode[gid] ??= codePoints;
  return `0000${gid.toString(16)}`.slice(-4);
}

/** The glyph's code in this document's subset, adding it on first use (`known`: the codes so far; `width` in the font's PDF units). */
function codeOf(font: EmbeddedFont, known: Map<number, string>, id: number, width: number, codePoints: number[]): string {
  let code = known.get(id);
  if (code === undefined) {
    code = addToSubset(font, id, width, codePoints);
    known.set(id, code);
  }
  return code;
}

/** The words of `text` as pdfkit's `font.encode` shapes them: split after each space or tab. */
function wordsOf(text: string): string[] {
  const words: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (i !== text.length - 1 && char !== 32 && char !== 9) continue;
    words.push(text.slice(start, i + 1));
    start = i + 1;
  }
  return words;
}

/** `rg` operators by colour (`#rgb` or `#rrggbb`): a document sets a handful of colours thousands of times. */
const FILL_OPERATORS = new Map<string, string>();

/**
 * The operator that sets the fill colour. Four decimals keep every 8-bit channel exact
 * (k/255 rounded to 1e-4 is within 0.013 of k on the 0–255 scale); `rg` is DeviceRGB, as pdfkit's
 * `/DeviceRGB cs … scn` is.
 */
function fillOperator(color: string): string {
  let operator = FILL_OPERATORS.get(color);
  if (operator === undefined) {
    const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1];
    if (!hex) throw new Error(`careprint: text colour ${color} is not #rgb or #rrggbb`);
    const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
    const channels = [0, 2, 4].map((i) => String(Math.round((parseInt(full.slice(i, i + 2), 16) / 255) * 1e4) / 1e4));
    operator = `${channels.join(' ')} rg`;
    FILL_OPERATORS.set(color, operator);
  }
  return operator;
}

/**
 * The operators that open a line of text: the fill colour, the pen at (x, baseline) with the text
 * matrix flipped back upright (pdfkit's page space has y growing down), the font. Text objects
 * cannot nest `q`/`Q`: the colour stays set after the line, as pdfkit's `fillColor` would leave it.
 */
const textStart = (color: string, font: EmbeddedFont, size: number, x: number, baseline: number) =>
  `BT\n${fillOperator(color)}\n1 0 0 -1 ${pdfNumber(x)} ${pdfNumber(baseline)} Tm\n/${font.id} ${pdfNumber(size)} Tf`;

/** One word's part of a TJ array, in one document's glyph codes. */
interface WordCode {
  /** Hex codes up to and including each kerned glyph, and that glyph's adjustment (as written). */
  heads: string[];
  adjusts: readonly string[];
  /** Hex codes after the last kerned glyph. */
  tail: string;
  /** A glyph is offset by the font: the word needs its own text matrices. */
  offset: boolean;
}

/**
 * A word as shaped in one font, the same in every document: its glyphs (one object shape, with
 * the width in the font's PDF units), the index of each glyph the font kerns with its adjustment
 * as written, and whether a glyph is offset. Each document only maps the glyphs to its subset's
 * codes (the per-document part): reading fontkit's positions and formatting the adjustments for
 * every document cost more than the mapping (measured: most of `drawText`'s own time).
 */
interface WordShape {
  glyphs: Array<{ id: number; width: number; codePoints: number[] }>;
  kerned: number[];
  adjusts: string[];
  offset: boolean;
}

/** Word shapes per font name, for the whole process; bounded like fonts.ts's shaped words (each is a few hundred bytes). */
const WORD_SHAPES = new Map<string, Map<string, WordShape>>();
const MAX_SHAPES_PER_FONT = 100_000;

function wordShape(name: string, font: EmbeddedFont, word: string): WordShape {
  let shapes = WORD_SHAPES.get(name);
  if (!shapes || shapes.size > MAX_SHAPES_PER_FONT) {
    shapes = new Map();
    WORD_SHAPES.set(name, shapes);
  }
  let shape = shapes.get(word);
  if (shape) return shape;
  const run = font.layoutCached(word);
  shape = { glyphs: [], kerned: [], adjusts: [], offset: false };
  for (let g = 0; g < run.glyphs.length; g++) {
    const glyph = run.glyphs[g]!;
    const pos = run.positions[g]!;
    shape.glyphs.push({ id: glyph.id, width: glyph.advanceWidth * font.scale, codePoints: glyph.codePoints });
    if (pos.xOffset || pos.yOffset) shape.offset = true;
    const adjust = pos.xAdvance - pos.advanceWidth;
    if (adjust !== 0) {
      shape.kerned.push(g);
      shape.adjusts.push(pdfNumber(-adjust));
    }
  }
  shapes.set(word, shape);
  return shape;
}

/** Each document font's words as TJ parts: words repeat on every page of a document. */
const WORD_CODES = new WeakMap<EmbeddedFont, Map<string, WordCode>>();

function wordCode(name: string, font: EmbeddedFont, known: Map<number, string>, words: Map<string, WordCode>, word: string): WordCode {
  let code = words.get(word);
  if (code) return code;
  const shape = wordShape(name, font, word);
  code = { heads: [], adjusts: shape.adjusts, tail: '', offset: shape.offset };
  let hex = '';
  let next = 0;
  for (let g = 0; g < shape.glyphs.length; g++) {
    // Codes are assigned (subset glyphs added) in text order, as pdfkit does.
    const glyph = shape.glyphs[g]!;
    hex += codeOf(font, known, glyph.id, glyph.width, glyph.codePoints);
    if (shape.kerned[next] === g) {
      code.heads.push(hex);
      hex = '';
      next += 1;
    }
  }
  code.tail = hex;
  words.set(word, code);
  return code;
}

/**
 * Fill `text` in `font` at `size` and `color` with its alphabetic baseline at (x, baseline).
 * Coordinates are pdfkit's (origin top left).
 *
 * Words (split after each space or tab, as pdfkit shapes them) are encoded once per document
 * and joined; text with a glyph the font offsets takes the glyph-by-glyph path.
 */
export function drawText(doc: PDFKit.PDFDocument, font: string, size: number, x: number, baseline: number, text: string, color: string): void {
  if (text.length === 0) return;
  const internals = doc as unknown as DocInternals;
  const embedded = fontOf(doc, font);
  const page = internals.page;
  if (page.fonts[embedded.id] == null) page.fonts[embedded.id] = embedded.ref();
  const known = codesOf(embedded);
  let words = WORD_CODES.get(embedded);
  if (!words) {
    words = new Map();
    WORD_CODES.set(embedded, words);
  }
  let array = '';
  let hex = '';
  for (const word of wordsOf(text)) {
    const code = wordCode(font, embedded, known, words, word);
    if (code.offset) {
      // Every glyph so far already has its code: the slow path assigns the rest in order.
      drawGlyphByGlyph(internals, embedded, size, x, baseline, text, color);
      return;
    }
    for (let k = 0; k < code.heads.length; k++) {
      array += `${array ? ' ' : ''}<${hex}${code.heads[k]}> ${code.adjusts[k]}`;
      hex = '';
    }
    hex += code.tail;
  }
  // The last glyph is unkerned when codes are left over: its adjustment is written as 0.
  if (hex) array += `${array ? ' ' : ''}<${hex}> 0`;
  let out = textStart(color, embedded, size, x, baseline);
  if (array) out += `\n[${array}] TJ`;
  internals.addContent(`${out}\nET`);
}

/**
 * The operators pdfkit writes for a line of text: one TJ array whose hex strings break after each
 * glyph the font kerns (with the kerning as the adjustment), and a text matrix of its own for a
 * glyph the font offsets (a mark placed over its base). Built as one string, glyph by glyph.
 */
function drawGlyphByGlyph(internals: DocInternals, embedded: EmbeddedFont, size: number, x: number, baseline: number, text: string, color: string): void {
  const known = codesOf(embedded);
  let cx = x;
  const scale = size / 1000;
  let out = textStart(color, embedded, size, cx, baseline);
  /** The TJ array being built (its elements), and the hex string being built. */
  let array = '';
  let hex = '';
  let last: GlyphPosition | undefined;
  const endString = (adjust: number) => {
    array += `${array ? ' ' : ''}<${hex}> ${pdfNumber(-adjust)}`;
    hex = '';
  };
  const endArray = () => {
    if (hex && last) endString(last.xAdvance - last.advanceWidth);
    if (array) out += `\n[${array}] TJ`;
    array = '';
  };
  let hadOffset = false;
  for (const run of wordsOf(text).map((word) => embedded.layoutCached(word))) {
    for (let g = 0; g < run.glyphs.length; g++) {
      const pos = run.positions[g]!;
      const glyph = run.glyphs[g]!;
      hex += codeOf(embedded, known, glyph.id, glyph.advanceWidth * embedded.scale, glyph.codePoints);
      if (pos.xOffset || pos.yOffset) {
        // The glyph alone, at its offset position, between two TJ arrays.
        const code = hex.slice(-4);
        hex = hex.slice(0, -4);
        endArray();
        // The page's y grows down: a glyph raised by the font moves up, to a smaller y.
        out += `\n1 0 0 -1 ${pdfNumber(cx + pos.xOffset * scale)} ${pdfNumber(baseline - pos.yOffset * scale)} Tm`;
        hex = code;
        last = pos;
        endArray();
        hadOffset = true;
      } else {
        if (hadOffset) {
          // The array is empty here: the matrix goes back to the pen position before this glyph.
          out += `\n1 0 0 -1 ${pdfNumber(cx)} ${pdfNumber(baseline)} Tm`;
          hadOffset = false;
        }
        last = pos;
        if (pos.xAdvance - pos.advanceWidth !== 0) endString(pos.xAdvance - pos.advanceWidth);
      }
      cx += pos.xAdvance * scale;
    }
  }
  endArray();
  internals.addContent(`${out}\nET`);
}
