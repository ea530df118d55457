import type { Face } from '../../fonts/index.js';
import { segmentByFont } from './fonts.js';
import { drawText, measureText, textWidth } from './text.js';
import type { StructElement, Tagger } from './tagging.js';
import type { PdfTheme } from './theme.js';

/**
 * Font choices depend only on the (process-wide, parsed-once) fonts, so they are shared by every
 * document a process typesets (widths likewise, in text.ts).
 */
const FONT_CHOICE_CACHE = new Map<string, string>();

/** A styled piece of inline text, before line breaking. */
export interface Run {
  text: string;
  face: Face;
  mono?: boolean;
  /** Font size in points. */
  size: number;
  color: string;
  link?: string | undefined;
  /** Identity of the Markdown link this run belongs to (one Link element per link). */
  linkKey?: object | undefined;
  underline?: boolean;
  strike?: boolean;
  /** Raise above the baseline (footnote markers), in points. */
  raise?: number;
  /** A forced line break (Markdown hard break). */
  hardBreak?: boolean;
}

/**
 * Accents typed as separate marks (NFD: e + U+0323 + U+0302, as some keyboards and macOS copies
 * give them) composed into one letter where Unicode has it (ệ). A mark one font lacks was drawn
 * in the fallback font and the marks after it, back in the first font, with no letter to sit on:
 * the circumflex of "Việt" landed on the t. Text without marks is returned as it is.
 */
function composed(text: string): string {
  return /\p{M}/u.test(text) ? text.normalize('NFC') : text;
}

/** Part of a word in one font. Its size, colour, link and lines come from its run (shared, never copied per word). */
interface Piece {
  text: string;
  font: string;
  width: number;
  /** The real character behind a printed code point (tagged as ActualText). */
  actual: string | undefined;
  run: Run;
}

/** The fields of a run that `linesKey` covers: a field added to Run without a place in the key fails to compile. */
type KeyedRunField = 'text' | 'face' | 'mono' | 'size' | 'color' | 'link' | 'linkKey' | 'underline' | 'strike' | 'raise' | 'hardBreak';
const everyRunFieldKeyed: [Exclude<keyof Run, KeyedRunField>] extends [never] ? true : never = true;
void everyRunFieldKeyed;

/** A number for each Markdown link a key names (links are told apart by identity). */
const LINK_IDS = new WeakMap<object, number>();
let linkCount = 0;
const linkId = (key: object | undefined): string => {
  if (key === undefined) return '';
  let id = LINK_IDS.get(key);
  if (id === undefined) LINK_IDS.set(key, (id = ++linkCount));
  return String(id);
};

/**
 * What line breaking depends on: every field of every run (texts length-prefixed, so no two
 * lists of runs share a key), the width and the space rule. Font metrics are the process's own.
 */
function linesKey(runs: readonly Run[], maxWidth: number, preserveSpaces: boolean): string {
  let key = `${maxWidth}|${preserveSpaces ? 1 : 0}`;
  for (const r of runs) {
    key += `|${r.text.length}:${r.text}${r.face}/${r.mono ? 1 : 0}/${r.size}/${r.color}/${r.link?.length ?? -1}:${r.link ?? ''}/${linkId(r.linkKey)}/${r.underline ? 1 : 0}${r.strike ? 1 : 0}${r.hardBreak ? 1 : 0}/${r.raise ?? ''}`;
  }
  return key;
}

/** One word: pieces with no break opportunity between them ("**bold**ness" is one word). */
interface Word {
  pieces: Piece[];
  width: number;
  /** Width of the space before this word, if any. */
  spaceBefore: number;
  hardBreakBefore: boolean;
}

/** A set line: its pieces, and where each starts (parallel arrays: lines are made by the thousand). */
interface Line {
  pieces: Piece[];
  xs: number[];
  width: number;
  size: number;
}

export type Marker = ({ kind: 'text'; text: string; size: number; color: string; font: string; x: number } | { kind: 'box'; checked: boolean; x: number; size: number; shape?: 'square' | 'round' }) & {
  /** The list label element (Lbl) the marker belongs to. */
  struct?: StructElement | undefined;
};

/** A page-spanning decoration (a callout's side bar) told when its block crosses a page. */
export interface Decoration {
  onPageEnd(bottomY: number): void;
  onPageStart(topY: number): void;
}

export interface PageSize {
  width: number;
  height: number;
}

/**
 * The one layer between handlers and pdfkit. It owns the cursor, the text box, page breaks and
 * line breaking; handlers never touch pdfkit's own cursor or `continued` text. In dry mode it
 * measures without drawing (for keep-together decisions): the same code path, so a measured
 * height is the drawn height.
 */
export class Layout {
  y: number;
  dry = false;
  left: number;
  width: number;
  pendingMarker: Marker | undefined;
  /** While set, text is drawn as an artifact (a repeated table header is not new content). */
  artifactText = false;
  private measuring = false;
  private measureFromTop = false;
  readonly decorations: Decoration[] = [];
  readonly tagger: Tagger;
  private readonly fontCache = FONT_CHOICE_CACHE;
  /**
   * Lines already set in this document, by `linesKey`. A block kept together (a callout, a
   * question, a heading with what follows) is set once to measure it and again to draw it:
   * about half of a guide's 1,500 line-breaking calls repeat one before them (measured).
   */
  private readonly setLines = new Map<string, Line[]>();

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly theme: PdfTheme,
    readonly page: PageSize,
    private readonly onNewPage: () => void,
    createTagger: (isDry: () => boolean) => Tagger,
  ) {
    this.tagger = createTagger(() => this.dry);
    this.y = theme.margin.top;
    this.left = theme.margin.left;
    this.width = page.width - theme.margin.left - theme.margin.right;
    this.minimumWidth = this.width / 3;
  }

  /** The narrowest any indent may make the text box (see `indented`). */
  private readonly minimumWidth: number;

  get top(): number {
    return this.theme.margin.top;
  }
  get bottom(): number {
    return this.page.height - this.theme.margin.bottom;
  }
  get pageContentHeight(): number {
    return this.bottom - this.top;
  }
  get remaining(): number {
    return this.bottom - this.y;
  }
  get atPageTop(): boolean {
    // While measuring, "top of page" means: the block being measured starts at the top of one.
    if (this.measuring) return this.measureFromTop && this.y <= 0.01;
    return this.y <= this.top + 0.01;
  }

  newPage(): void {
    if (this.dry) return;
    for (const decoration of this.decorations) decoration.onPageEnd(this.y);
    this.doc.addPage({ size: [this.page.width, this.page.height], margins: { top: 0, bottom: 0, left: 0, right: 0 } });
    this.y = this.top;
    this.onNewPage();
    for (const decoration of this.decorations) decoration.onPageStart(this.y);
  }

  /** Start a new page unless `height` still fits on this one. */
  ensure(height: number): void {
    if (!this.dry && this.y + height > this.bottom + 0.01 && !this.atPageTop) this.newPage();
  }

  /**
   * Vertical space between blocks; swallowed at the top of a page, and before the first line of
   * a list item (the list already spaced the item).
   */
  space(height: number): void {
    if (!this.atPageTop && !this.pendingMarker) this.y += height;
  }

  /**
   * Run `draw` with the text box narrowed (indent from the left, and from the right). Indents stop
   * growing once a third of the page's text width is left: block quotes nested 40 deep (within
   * the nesting limit) once left no width at all, and their text was silently not printed.
   */
  indented<T>(left: number, right: number, draw: () => T): T {
    const saved = { left: this.left, width: this.width };
    const room = Math.max(0, this.width - this.minimumWidth);
    const share = left + right > room ? room / (left + right) : 1;
    this.left += left * share;
    this.width -= (left + right) * share;
    try {
      return draw();
    } finally {
      this.left = saved.left;
      this.width = saved.width;
    }
  }

  /**
   * Run `draw` in an exact part of the text box: `width` points from `left` points in. For boxes
   * the caller has fitted itself, such as a table's cells, which must stay between the borders
   * drawn for them (`indented` would widen a narrow column's text past its borders).
   */
  column<T>(left: number, width: number, draw: () => T): T {
    const saved = { left: this.left, width: this.width };
    this.left += left;
    this.width = Math.max(0, width);
    try {
      return draw();
    } finally {
      this.left = saved.left;
      this.width = saved.width;
    }
  }

  /** Height that `draw` would take, measured without drawing or breaking pages. */
  measure(draw: () => void): number {
    const saved = { y: this.y, dry: this.dry, marker: this.pendingMarker, measuring: this.measuring, fromTop: this.measureFromTop };
    this.measureFromTop = this.atPageTop;
    this.measuring = true;
    this.dry = true;
    this.y = 0;
    try {
      draw();
      return this.y;
    } finally {
      this.y = saved.y;
      this.dry = saved.dry;
      this.pendingMarker = saved.marker;
      this.measuring = saved.measuring;
      this.measureFromTop = saved.fromTop;
    }
  }

  widthOf(text: string, font: string, size: number): number {
    return textWidth(this.doc, font, size, text);
  }

  private piecesOf(run: Run, text: string): Piece[] {
    return segmentByFont(text, run.mono ? 'mono' : 'text', run.face, this.fontCache).map((segment) => ({
      text: segment.text,
      font: segment.font,
      width: this.widthOf(segment.text, segment.font, run.size),
      actual: segment.missing,
      run,
    }));
  }

  /** Split runs into words at whitespace; whitespace collapses to one space, as on the web. */
  private words(runs: readonly Run[], preserveSpaces: boolean): Word[] {
    const words: Word[] = [];
    let current: Word | undefined;
    let pendingSpace = 0;
    let pendingBreak = false;
    for (const run of runs) {
      if (run.hardBreak) {
        current = undefined;
        pendingBreak = true;
        pendingSpace = 0;
        continue;
      }
      // Split with a capturing group: odd parts are the separators (whitespace, or a newline).
      const text = composed(run.text);
      const parts = preserveSpaces ? text.split(/(\n)/) : text.split(/(\s+)/);
      for (let k = 0; k < parts.length; k++) {
        const part = parts[k]!;
        if (part === '') continue;
        if (k % 2 === 1) {
          if (preserveSpaces) pendingBreak = true;
          else pendingSpace = this.widthOf(' ', segmentByFont(' ', run.mono ? 'mono' : 'text', run.face, this.fontCache)[0]?.font ?? 'text-regular', run.size);
          current = undefined;
          continue;
        }
        const pieces = this.piecesOf(run, part);
        const width = pieces.reduce((sum, p) => sum + p.width, 0);
        if (current && pendingSpace === 0 && !pendingBreak) {
          current.pieces.push(...pieces);
          current.width += width;
        } else {
          current = { pieces, width, spaceBefore: pendingSpace, hardBreakBefore: pendingBreak };
          words.push(current);
        }
        pendingSpace = 0;
        pendingBreak = false;
      }
    }
    return words;
  }

  /**
   * Cut a word wider than the line into chunks that fit (long URLs, long compounds, a pasted
   * hash). Each chunk is measured as the string it will be drawn as (kerning included), so a chunk
   * never comes out wider than measured. The search for a chunk's length gallops up from a guess
   * (the word's average character width) and then halves, so it only ever measures strings about
   * a line long: searching the whole rest of a 30,000-character word for every chunk took minutes
   * and gigabytes. Probe strings are measured without the width cache, which keeps only what is drawn.
   */
  private splitWord(word: Word, maxWidth: number): Word[] {
    const chunks: Word[] = [];
    let chunk: Word = { pieces: [], width: 0, spaceBefore: word.spaceBefore, hardBreakBefore: word.hardBreakBefore };
    for (const piece of word.pieces) {
      const chars = [...piece.text];
      const size = piece.run.size;
      const fits = (from: number, count: number, room: number) => measureText(this.doc, piece.font, size, chars.slice(from, from + count).join('')) <= room;
      const average = chars.length > 0 ? piece.width / chars.length : 0;
      let start = 0;
      while (start < chars.length) {
        const left = chars.length - start;
        const room = maxWidth - chunk.width;
        // The most characters that fit: `low` fits (0 always does), `high` is known not to (or is past the end).
        let low = 0;
        let high = left + 1;
        let guess = Math.max(1, Math.min(left, average > 0 ? Math.floor(room / average) : left));
        while (guess < high && fits(start, guess, room)) {
          low = guess;
          guess = Math.min(high, guess * 2);
        }
        if (guess < high) high = guess;
        while (high - low > 1) {
          const mid = low + Math.floor((high - low) / 2);
          if (fits(start, mid, room)) low = mid;
          else high = mid;
        }
        // A line always takes at least one character, however narrow it is.
        const take = low === 0 && chunk.pieces.length === 0 ? 1 : low;
        if (take === 0) {
          chunks.push(chunk);
          chunk = { pieces: [], width: 0, spaceBefore: 0, hardBreakBefore: true };
          continue;
        }
        const text = chars.slice(start, start + take).join('');
        const width = this.widthOf(text, piece.font, size);
        chunk.pieces.push({ ...piece, text, width });
        chunk.width += width;
        start += take;
        if (start < chars.length) {
          chunks.push(chunk);
          chunk = { pieces: [], width: 0, spaceBefore: 0, hardBreakBefore: true };
        }
      }
    }
    if (chunk.pieces.length) chunks.push(chunk);
    return chunks;
  }

  /** Break runs into lines (the same lines for the same runs and width: see `setLines`). Read-only. */
  private lines(runs: readonly Run[], maxWidth: number, preserveSpaces: boolean): readonly Line[] {
    const key = linesKey(runs, maxWidth, preserveSpaces);
    let lines = this.setLines.get(key);
    if (!lines) {
      lines = this.breakLines(runs, maxWidth, preserveSpaces);
      this.setLines.set(key, lines);
    }
    return lines;
  }

  private breakLines(runs: readonly Run[], maxWidth: number, preserveSpaces: boolean): Line[] {
    const lines: Line[] = [];
    let line: Line = { pieces: [], xs: [], width: 0, size: 0 };
    const push = () => {
      lines.push(line);
      line = { pieces: [], xs: [], width: 0, size: 0 };
    };
    const place = (word: Word, gap: number) => {
      let x = line.width + gap;
      for (const piece of word.pieces) {
        line.pieces.push(piece);
        line.xs.push(x);
        x += piece.width;
        line.size = Math.max(line.size, piece.run.size);
      }
      line.width = x;
    };
    const queue = this.words(runs, preserveSpaces);
    for (let i = 0; i < queue.length; i++) {
      const word = queue[i]!;
      if (word.hardBreakBefore && (line.pieces.length > 0 || lines.length > 0 || i > 0)) push();
      const gap = line.pieces.length > 0 ? word.spaceBefore : 0;
      if (line.width + gap + word.width <= maxWidth + 0.01) {
        place(word, gap);
      } else if (word.width > maxWidth) {
        const [first, ...rest] = this.splitWord(word, maxWidth);
        if (line.pieces.length) push();
        if (first) place({ ...first, hardBreakBefore: false }, 0);
        queue.splice(i + 1, 0, ...rest);
      } else {
        push();
        place(word, 0);
      }
    }
    if (line.pieces.length || lines.length === 0) push();
    return lines;
  }

  /** Width the runs take on one unbroken line (for aligning short table cells). */
  naturalWidth(runs: readonly Run[]): number {
    return this.lines(runs, Number.POSITIVE_INFINITY, false)[0]?.width ?? 0;
  }

  /**
   * Set a paragraph of runs in the current box, breaking pages between lines. Returns the
   * number of lines. A pending list marker is drawn on the first line's baseline.
   */
  flow(runs: readonly Run[], options: { preserveSpaces?: boolean; minSize?: number } = {}): number {
    const lines = this.lines(runs, this.width, options.preserveSpaces ?? false);
    for (const line of lines) {
      const size = Math.max(line.size, options.minSize ?? 0, this.theme.bodySize * 0.5);
      const height = size * this.theme.lineHeight;
      this.ensure(height);
      const baseline = this.y + (height - size) / 2 + size * 0.8;
      if (!this.dry) {
        if (this.pendingMarker) {
          const marker = this.pendingMarker;
          this.tagger.mark(() => this.drawMarker(marker, baseline), marker.struct);
        }
        this.drawLine(line, baseline, size);
      }
      this.pendingMarker = undefined;
      this.y += height;
    }
    return lines.length;
  }

  /** Paint decoration that carries no content (boxes, rules, backgrounds) as an artifact. */
  artifact(draw: () => void): void {
    if (!this.dry) this.tagger.artifact(draw);
  }

  /**
   * Draw one line: consecutive pieces of the same owner (the current element, or one link) are
   * one marked-content sequence; a link's pieces also get one clickable annotation.
   */
  private drawLine(line: Line, baseline: number, size: number): void {
    const { pieces, xs } = line;
    let i = 0;
    while (i < pieces.length) {
      const key = pieces[i]!.run.linkKey;
      let j = i;
      while (j < pieces.length && pieces[j]!.run.linkKey === key) j++;
      const from = i;
      const to = j;
      const draw = () => {
        this.drawMerged(line, from, to, baseline);
        this.drawTextLines(line, from, to, baseline);
      };
      if (this.artifactText) this.tagger.artifact(draw);
      else if (key) {
        const owner = this.tagger.linkFor(key);
        this.tagger.mark(draw, owner);
        const url = pieces[from]!.run.link;
        if (url) {
          const x0 = this.left + xs[from]!;
          const width = xs[to - 1]! + pieces[to - 1]!.width - xs[from]!;
          this.doc.link(x0, baseline - size, width, size * 1.25, url, owner ? ({ structParent: owner } as object) : {});
        }
      } else this.tagger.mark(draw);
      i = j;
    }
  }

  /**
   * Draw pieces [from, to) of a line, joining neighbours that share a font, size, colour and
   * raise (words and the one space between them) into one text operation: far fewer operators,
   * the same placement.
   */
  private drawMerged(line: Line, from: number, to: number, baseline: number): void {
    const { pieces, xs } = line;
    let k = from;
    while (k < to) {
      const first = pieces[k]!;
      const style = first.run;
      let text = first.text;
      let end = xs[k]! + first.width;
      let m = k + 1;
      if (first.actual === undefined) {
        const space = this.widthOf(' ', first.font, style.size);
        for (; m < to; m++) {
          const next = pieces[m]!;
          if (next.actual !== undefined || next.font !== first.font || next.run.size !== style.size || next.run.color !== style.color || (next.run.raise ?? 0) !== (style.raise ?? 0)) break;
          const gap = xs[m]! - end;
          const joiner = Math.abs(gap) < 0.01 ? '' : Math.abs(gap - space) < 0.01 ? ' ' : undefined;
          if (joiner === undefined) break;
          text += joiner + next.text;
          end = xs[m]! + next.width;
        }
      }
      this.drawPiece(first, text, xs[k]!, baseline);
      k = m;
    }
  }

  private drawPiece(piece: Piece, text: string, x: number, baseline: number): void {
    if (piece.actual !== undefined) this.doc.markContent('Span', { actual: piece.actual });
    const color = piece.actual !== undefined ? this.theme.colors.muted : piece.run.color;
    drawText(this.doc, piece.font, piece.run.size, this.left + x, baseline - (piece.run.raise ?? 0), text, color);
    if (piece.actual !== undefined) this.doc.endMarkedContent();
  }

  /**
   * Underline and strike-through, one stroke per run of pieces (spaces included, so a link is
   * underlined as a whole). pdfkit's own options misplace the lines with an alphabetic baseline.
   */
  private drawTextLines(line: Line, from: number, to: number, baseline: number): void {
    const { pieces, xs } = line;
    for (const kind of ['underline', 'strike'] as const) {
      let k = from;
      while (k < to) {
        if (!pieces[k]!.run[kind]) {
          k++;
          continue;
        }
        let m = k;
        while (m + 1 < to && pieces[m + 1]!.run[kind] && pieces[m + 1]!.run.color === pieces[k]!.run.color) m++;
        const { size, color } = pieces[k]!.run;
        const raise = pieces[k]!.run.raise ?? 0;
        const y = kind === 'underline' ? baseline - raise + size * 0.14 : baseline - raise - size * 0.3;
        this.doc
          .save()
          .lineWidth(Math.max(0.5, size * 0.06))
          .strokeColor(color)
          .moveTo(this.left + xs[k]!, y)
          .lineTo(this.left + xs[m]! + pieces[m]!.width, y)
          .stroke()
          .restore();
        k = m + 1;
      }
    }
  }

  private drawMarker(marker: Marker, baseline: number): void {
    if (marker.kind === 'text') {
      drawText(this.doc, marker.font, marker.size, marker.x, baseline, marker.text, marker.color);
    } else {
      const side = marker.size * (marker.shape ? 1.05 : 0.8);
      const top = baseline - side * 0.9;
      this.doc.save().lineWidth(1.2).strokeColor(this.theme.colors.text);
      if (marker.shape === 'round') this.doc.circle(marker.x + side / 2, top + side / 2, side / 2).stroke();
      else this.doc.rect(marker.x, top, side, side).stroke();
      if (marker.checked) {
        this.doc
          .moveTo(marker.x + side * 0.2, top + side * 0.55)
          .lineTo(marker.x + side * 0.42, top + side * 0.8)
          .lineTo(marker.x + side * 0.82, top + side * 0.2)
          .stroke();
      }
      this.doc.restore();
    }
  }
}
