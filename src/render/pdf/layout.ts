import type { Face } from '../../fonts/index.js';
import { segmentByFont } from './fonts.js';
import { drawText, textWidth } from './text.js';
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

interface Piece {
  text: string;
  font: string;
  size: number;
  width: number;
  color: string;
  link: string | undefined;
  linkKey: object | undefined;
  /** The real character behind a printed code point (tagged as ActualText). */
  actual: string | undefined;
  underline: boolean;
  strike: boolean;
  raise: number;
}

/** One word: pieces with no break opportunity between them ("**bold**ness" is one word). */
interface Word {
  pieces: Piece[];
  width: number;
  /** Width of the space before this word, if any. */
  spaceBefore: number;
  hardBreakBefore: boolean;
}

interface Line {
  items: Array<{ piece: Piece; x: number }>;
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
  }

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

  /** Run `draw` with the text box narrowed (indent from the left, and from the right). */
  indented<T>(left: number, right: number, draw: () => T): T {
    const saved = { left: this.left, width: this.width };
    this.left += left;
    this.width -= left + right;
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
      size: run.size,
      width: this.widthOf(segment.text, segment.font, run.size),
      color: run.color,
      link: run.link,
      linkKey: run.linkKey,
      actual: segment.missing,
      underline: run.underline ?? false,
      strike: run.strike ?? false,
      raise: run.raise ?? 0,
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
      const parts = preserveSpaces ? run.text.split(/(\n)/) : run.text.split(/(\s+)/);
      for (const part of parts) {
        if (part === '') continue;
        if (preserveSpaces ? part === '\n' : /^\s+$/.test(part)) {
          if (preserveSpaces) pendingBreak = true;
          else pendingSpace = this.widthOf(' ', this.piecesOf(run, ' ')[0]?.font ?? 'text-regular', run.size);
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
   * Cut a word wider than the line into chunks that fit (long URLs, long compounds). Each chunk
   * is measured as the string it will be drawn as (kerning included), by binary search on its
   * length, so a chunk never comes out wider than measured.
   */
  private splitWord(word: Word, maxWidth: number): Word[] {
    const chunks: Word[] = [];
    let chunk: Word = { pieces: [], width: 0, spaceBefore: word.spaceBefore, hardBreakBefore: word.hardBreakBefore };
    for (const piece of word.pieces) {
      let chars = [...piece.text];
      while (chars.length > 0) {
        const room = maxWidth - chunk.width;
        let low = 0;
        let high = chars.length;
        while (low < high) {
          const mid = Math.ceil((low + high) / 2);
          if (this.widthOf(chars.slice(0, mid).join(''), piece.font, piece.size) <= room) low = mid;
          else high = mid - 1;
        }
        // A line always takes at least one character, however narrow it is.
        const take = low === 0 && chunk.pieces.length === 0 ? 1 : low;
        if (take === 0) {
          chunks.push(chunk);
          chunk = { pieces: [], width: 0, spaceBefore: 0, hardBreakBefore: true };
          continue;
        }
        const text = chars.slice(0, take).join('');
        const width = this.widthOf(text, piece.font, piece.size);
        chunk.pieces.push({ ...piece, text, width });
        chunk.width += width;
        chars = chars.slice(take);
        if (chars.length > 0) {
          chunks.push(chunk);
          chunk = { pieces: [], width: 0, spaceBefore: 0, hardBreakBefore: true };
        }
      }
    }
    if (chunk.pieces.length) chunks.push(chunk);
    return chunks;
  }

  private lines(runs: readonly Run[], maxWidth: number, preserveSpaces: boolean): Line[] {
    const lines: Line[] = [];
    let line: Line = { items: [], width: 0, size: 0 };
    const push = () => {
      lines.push(line);
      line = { items: [], width: 0, size: 0 };
    };
    const place = (word: Word, gap: number) => {
      let x = line.width + gap;
      for (const piece of word.pieces) {
        line.items.push({ piece, x });
        x += piece.width;
        line.size = Math.max(line.size, piece.size);
      }
      line.width = x;
    };
    const queue = this.words(runs, preserveSpaces);
    for (let i = 0; i < queue.length; i++) {
      const word = queue[i]!;
      if (word.hardBreakBefore && (line.items.length > 0 || lines.length > 0 || i > 0)) push();
      const gap = line.items.length > 0 ? word.spaceBefore : 0;
      if (line.width + gap + word.width <= maxWidth + 0.01) {
        place(word, gap);
      } else if (word.width > maxWidth) {
        const [first, ...rest] = this.splitWord(word, maxWidth);
        if (line.items.length) push();
        if (first) place({ ...first, hardBreakBefore: false }, 0);
        queue.splice(i + 1, 0, ...rest);
      } else {
        push();
        place(word, 0);
      }
    }
    if (line.items.length || lines.length === 0) push();
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
    let i = 0;
    while (i < line.items.length) {
      const key = line.items[i]!.piece.linkKey;
      let j = i;
      while (j < line.items.length && line.items[j]!.piece.linkKey === key) j++;
      const group = line.items.slice(i, j);
      const draw = () => {
        for (const { piece, x } of this.mergeForDrawing(group)) this.drawPiece(piece, x, baseline);
        this.drawTextLines(group, baseline);
      };
      if (this.artifactText) this.tagger.artifact(draw);
      else if (key) {
        const owner = this.tagger.linkFor(key);
        this.tagger.mark(draw, owner);
        const first = group[0]!;
        const last = group.at(-1)!;
        const url = first.piece.link;
        if (url) {
          const x0 = this.left + first.x;
          const width = last.x + last.piece.width - first.x;
          this.doc.link(x0, baseline - size, width, size * 1.25, url, owner ? ({ structParent: owner } as object) : {});
        }
      } else this.tagger.mark(draw);
      i = j;
    }
  }

  /**
   * Join neighbouring pieces that share a font, size and colour (words and the one space
   * between them) into one text operation: far fewer pdfkit calls, the same placement.
   */
  private mergeForDrawing(group: Line['items']): Line['items'] {
    const merged: Line['items'] = [];
    for (const item of group) {
      const last = merged.at(-1);
      const same =
        last &&
        last.piece.font === item.piece.font &&
        last.piece.size === item.piece.size &&
        last.piece.color === item.piece.color &&
        last.piece.raise === item.piece.raise &&
        last.piece.actual === undefined &&
        item.piece.actual === undefined;
      if (same) {
        const end = last.x + last.piece.width;
        const space = this.widthOf(' ', last.piece.font, last.piece.size);
        const joiner = Math.abs(item.x - end) < 0.01 ? '' : Math.abs(item.x - end - space) < 0.01 ? ' ' : undefined;
        if (joiner !== undefined) {
          merged[merged.length - 1] = { x: last.x, piece: { ...last.piece, text: last.piece.text + joiner + item.piece.text, width: item.x + item.piece.width - last.x } };
          continue;
        }
      }
      merged.push(item);
    }
    return merged;
  }

  private drawPiece(piece: Piece, x: number, baseline: number): void {
    if (piece.actual !== undefined) this.doc.markContent('Span', { actual: piece.actual });
    this.doc.fillColor(piece.actual !== undefined ? this.theme.colors.muted : piece.color);
    drawText(this.doc, piece.font, piece.size, this.left + x, baseline - piece.raise, piece.text);
    if (piece.actual !== undefined) this.doc.endMarkedContent();
  }

  /**
   * Underline and strike-through, one stroke per run of pieces (spaces included, so a link is
   * underlined as a whole). pdfkit's own options misplace the lines with an alphabetic baseline.
   */
  private drawTextLines(group: Line['items'], baseline: number): void {
    for (const kind of ['underline', 'strike'] as const) {
      let k = 0;
      while (k < group.length) {
        if (!group[k]!.piece[kind]) {
          k++;
          continue;
        }
        let m = k;
        while (m + 1 < group.length && group[m + 1]!.piece[kind] && group[m + 1]!.piece.color === group[k]!.piece.color) m++;
        const first = group[k]!;
        const last = group[m]!;
        const { size, raise, color } = first.piece;
        const y = kind === 'underline' ? baseline - raise + size * 0.14 : baseline - raise - size * 0.3;
        this.doc
          .save()
          .lineWidth(Math.max(0.5, size * 0.06))
          .strokeColor(color)
          .moveTo(this.left + first.x, y)
          .lineTo(this.left + last.x + last.piece.width, y)
          .stroke()
          .restore();
        k = m + 1;
      }
    }
  }

  private drawMarker(marker: Marker, baseline: number): void {
    if (marker.kind === 'text') {
      this.doc.fillColor(marker.color);
      drawText(this.doc, marker.font, marker.size, marker.x, baseline, marker.text);
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
