/**
 * What one file may cost to check. The 1 MiB size limit (read.ts) does not bound time: the
 * Markdown parser (micromark) does work in proportion to the whole document for every list item,
 * block quote, footnote, underlined heading and lazy line, and in proportion to a paragraph for
 * every emphasis or bracket character, so bodies well under 1 MiB took minutes and gigabytes
 * (issue 21; `npx tsx scripts/pathological.ts` measures each shape). These limits are counted in
 * one pass over the text before any parser sees it, and are far above what a real guide uses:
 * the sample guide (1,700 words) and a 5,800-word guide each use under 5% of every one
 * (tests/pathological.test.ts). What they cannot foresee, the parse's own deadline and memory
 * limit catch (src/pipeline/parse-thread.ts).
 */
import type { VFile } from 'vfile';
import { CST, Lexer } from 'yaml';
import { report, type Place } from '../diagnostics/report.js';

export const MARKDOWN_LIMITS = {
  /** Lines in one Markdown file: micromark spends 25-180 µs and 5-30 KB on each (measured: 20,000 table rows took 3.6 s and 620 MB). */
  lines: 15_000,
  /** Container levels one line opens (block quote markers, list markers, indentation / 2). */
  nesting: 100,
  /** Container levels summed over all lines: each is continued on every line it spans. */
  containerLines: 100_000,
  /**
   * List items, block quotes, footnote definitions, underlined (setext) headings and lazy lines,
   * times the file's lines: each such construct makes micromark copy or scan the whole document
   * so far (about 0.1 µs per construct and line: 4,000 one-item lists in 16,000 lines took 8.5 s).
   */
  blockWork: 10_000_000,
  /**
   * The squares of each paragraph's emphasis and bracket characters (`*`, `_`, `[`, `]`), summed:
   * an unmatched one makes micromark scan back over its whole paragraph (8,000 in one paragraph
   * took 1.75 s, 16,000 took 9 s).
   */
  inlineWork: 30_000_000,
  /**
   * Characters that may start inline markup (* _ [ ] ~ : < & @ ` ! and backslash) in the whole
   * file: each costs up to 30 µs to try (measured: 32,000 `:a[` took 1.9 s; 98,000 `*` and `_`
   * in 500 paragraphs, 2.5 s and 400 MB).
   */
  markup: 60_000,
  /**
   * Table cell separators (`|`) in the whole file: each cell is parsed as a paragraph of its own
   * (measured: 96,000 cells took 5.8 s and 1 GB; 20,000, 1.5 s).
   */
  tableCells: 15_000,
} as const;

export const YAML_LIMITS = {
  /** Keys, values and collections in one YAML text: a glossary of 5,000 terms has about 30,000. */
  nodes: 50_000,
  /** Collections inside collections: a quiz's options are 5 deep. */
  depth: 64,
} as const;

const count = (n: number) => n.toLocaleString('en-US');

export function reportTooComplex(file: VFile, reason: string, place: Place | undefined): void {
  report(file, 'file-too-complex', reason, place);
}

/** Why a text is over budget, and where. */
export interface Overrun {
  reason: string;
  place: Place;
}

const SPACE = 0x20;
const TAB = 0x09;
const GT = 0x3e;
const DASH = 0x2d;
const PLUS = 0x2b;
const STAR = 0x2a;
const DOT = 0x2e;
const RPAREN = 0x29;
const isBlankCode = (c: number) => c === SPACE || c === TAB || Number.isNaN(c);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** The container markers a line starts with: an over-estimate of the levels it opens or continues. */
interface Prefix {
  quotes: number;
  items: number;
  /** Columns of indentation among the markers (a tab counts 4). */
  columns: number;
  /** Where the line's own content starts. */
  rest: number;
  /** Where the estimate passed MARKDOWN_LIMITS.nesting, if it did. */
  deepAt: number | undefined;
}

/** The space that separates a marker from what follows is part of the marker, not indentation. */
const afterMarker = (line: string, i: number) => (line.charCodeAt(i) === SPACE ? i + 1 : i);

function prefixOf(line: string): Prefix {
  let i = 0;
  let quotes = 0;
  let items = 0;
  let columns = 0;
  let deepAt: number | undefined;
  for (;;) {
    const start = i;
    const c = line.charCodeAt(i);
    if (c === SPACE || c === TAB) {
      columns += c === TAB ? 4 : 1;
      i += 1;
    } else if (c === GT) {
      quotes += 1;
      i = afterMarker(line, i + 1);
    } else if ((c === DASH || c === PLUS || c === STAR) && isBlankCode(line.charCodeAt(i + 1))) {
      items += 1;
      i = afterMarker(line, i + 1);
    } else {
      let j = i;
      while (j < i + 9 && isDigit(line.charCodeAt(j))) j += 1;
      const after = line.charCodeAt(j);
      if (j === i || (after !== DOT && after !== RPAREN) || !isBlankCode(line.charCodeAt(j + 1))) break;
      items += 1;
      i = afterMarker(line, j + 1);
    }
    // At the marker (or space) that took the line past the limit.
    if (deepAt === undefined && quotes + items + Math.floor(columns / 2) > MARKDOWN_LIMITS.nesting) deepAt = start;
  }
  return { quotes, items, columns, rest: i, deepAt };
}

/** ASCII characters that may start inline markup (see MARKDOWN_LIMITS.markup). */
const MARKUP = Array.from({ length: 0x80 }, (_, c) => '*_[]~:<&@`!\\'.includes(String.fromCharCode(c)));

const SETEXT_UNDERLINE = /^(?:=+|-+)[ \t]*$/;
const FOOTNOTE_DEFINITION = /^\[\^[^\]\s]+\]:/;
const FENCE = /^(`{3,}|~{3,})/;

/** The costly block constructs of one line (see MARKDOWN_LIMITS.blockWork). */
type BlockKind = 'list items' | 'block quotes' | 'footnote definitions' | 'underlined headings' | 'lazy lines';

/** Counts made in one pass over a Markdown text's lines. */
class MarkdownTally {
  containerLines = 0;
  deepestLevels = 0;
  deepest: Overrun | undefined;
  /** Line of each costly block construct, in order, and how many of each kind. */
  readonly blockLines: number[] = [];
  readonly blockKinds = new Map<BlockKind, number>();
  inlineWork = 0;
  /** Characters that may start inline markup, in all. */
  markup = 0;
  /** Table cell separators (`|`), in all. */
  tableCells = 0;
  busiest = { count: 0, line: 1 };
  /** The open top-level code fence (its marker), whose lines are code: cheap, and not counted. */
  private fence: string | undefined;
  private previousBlank = true;
  private previousQuoted = false;
  /** The current run of non-blank lines has had a container line: later unmarked lines are lazy. */
  private inContainer = false;
  private paragraph = { count: 0, line: 1 };

  line(text: string, number: number): void {
    const prefix = prefixOf(text);
    const rest = text.slice(prefix.rest);
    if (this.inFence(prefix, rest)) return;
    const blank = rest.trim() === '';
    const levels = prefix.quotes + prefix.items + Math.floor(prefix.columns / 2);
    this.containerLines += levels;
    this.deepestLevels = Math.max(this.deepestLevels, levels);
    if (prefix.deepAt !== undefined && !this.deepest) {
      this.deepest = {
        reason: `This line opens about ${count(levels)} levels of block quotes and lists; careprint reads up to ${MARKDOWN_LIMITS.nesting} (and renders up to 32): flatten the block quotes or lists`,
        place: { start: { line: number, column: prefix.deepAt + 1 } },
      };
    }
    if (blank) {
      this.endParagraph();
      this.previousBlank = true;
      this.previousQuoted = false;
      this.inContainer = false;
      return;
    }
    // A list item, block quote, footnote definition or heading starts a new paragraph: inline
    // content is parsed (and scanned back over) one paragraph at a time.
    if (prefix.items > 0 || (prefix.quotes > 0 && !this.previousQuoted) || FOOTNOTE_DEFINITION.test(rest) || rest.startsWith('#')) this.endParagraph();
    this.blocks(prefix, rest, number);
    if (!this.previousBlank && SETEXT_UNDERLINE.test(rest)) this.endParagraph();
    else this.inline(rest, number);
    this.previousBlank = false;
    this.previousQuoted = prefix.quotes > 0;
  }

  end(): void {
    this.endParagraph();
  }

  /** Inside a top-level fenced code block (opened with no container marker), nothing is counted. */
  private inFence(prefix: Prefix, rest: string): boolean {
    const topLevel = prefix.quotes === 0 && prefix.items === 0 && prefix.columns < 4;
    if (this.fence !== undefined) {
      const closing = topLevel && rest.startsWith(this.fence) && /^([`~])\1*[ \t]*$/.test(rest);
      if (closing) this.fence = undefined;
      return true;
    }
    const open = topLevel ? FENCE.exec(rest) : null;
    if (open) {
      this.endParagraph();
      this.fence = open[1];
      this.previousBlank = true;
      this.inContainer = false;
      return true;
    }
    return false;
  }

  private blocks(prefix: Prefix, rest: string, number: number): void {
    const add = (kind: BlockKind, times = 1) => {
      for (let i = 0; i < times; i++) this.blockLines.push(number);
      this.blockKinds.set(kind, (this.blockKinds.get(kind) ?? 0) + times);
    };
    if (prefix.items > 0) add('list items', prefix.items);
    if (prefix.quotes > 0 && (this.previousBlank || !this.previousQuoted)) add('block quotes');
    if (FOOTNOTE_DEFINITION.test(rest)) add('footnote definitions');
    if (!this.previousBlank && SETEXT_UNDERLINE.test(rest)) add('underlined headings');
    const marked = prefix.quotes > 0 || prefix.items > 0 || FOOTNOTE_DEFINITION.test(rest);
    if (marked) this.inContainer = true;
    else if (this.inContainer && !this.previousBlank && prefix.columns < 2) add('lazy lines');
  }

  private inline(rest: string, number: number): void {
    if (this.paragraph.count === 0) this.paragraph.line = number;
    for (let i = 0; i < rest.length; i++) {
      const c = rest.charCodeAt(i);
      if (c === 0x7c) this.tableCells += 1;
      if (c >= 0x80 || !MARKUP[c]) continue;
      this.markup += 1;
      if (c === 0x2a || c === 0x5f || c === 0x5b || c === 0x5d) this.paragraph.count += 1;
    }
  }

  private endParagraph(): void {
    const { count: n, line } = this.paragraph;
    this.inlineWork += n * n;
    if (n > this.busiest.count) this.busiest = { count: n, line };
    this.paragraph = { count: 0, line: 1 };
  }
}

/** Lines of a text, counted without splitting it (a 1 MiB file may have half a million). */
function lineCount(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines += 1;
  return text.endsWith('\n') ? lines - 1 : lines;
}

function blockOverrun(tally: MarkdownTally, lines: number): Overrun | undefined {
  const found = tally.blockLines.length;
  if (found * lines <= MARKDOWN_LIMITS.blockWork) return undefined;
  const allowed = Math.floor(MARKDOWN_LIMITS.blockWork / lines);
  const kinds = [...tally.blockKinds].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${count(n)} ${kind}`);
  return {
    reason:
      `${count(found)} list items, block quotes, footnote definitions, underlined headings and lazy lines (${kinds.join(', ')}) in ${count(lines)} lines; ` +
      `careprint reads up to ${count(allowed)} in a file this long (each costs time in proportion to the file's length): split the guide, or join short list items and block quotes`,
    place: { start: { line: tally.blockLines[allowed] ?? 1, column: 1 } },
  };
}

/** One pass over a text's lines; stops at the first line nested past the limit. */
function tallyLines(text: string): MarkdownTally {
  const tally = new MarkdownTally();
  let number = 1;
  for (let start = 0; start <= text.length; number += 1) {
    const end = text.indexOf('\n', start);
    tally.line(text.slice(start, end < 0 ? text.length : end), number);
    if (tally.deepest || end < 0) break;
    start = end + 1;
  }
  tally.end();
  return tally;
}

/** What a Markdown text costs, in the units of MARKDOWN_LIMITS (for tests: how far a real guide is from each). */
export function markdownCost(text: string): Record<keyof typeof MARKDOWN_LIMITS, number> {
  const lines = lineCount(text);
  const tally = tallyLines(text);
  return {
    lines,
    nesting: tally.deepestLevels,
    containerLines: tally.containerLines,
    blockWork: tally.blockLines.length * lines,
    inlineWork: tally.inlineWork,
    markup: tally.markup,
    tableCells: tally.tableCells,
  };
}

/**
 * The first limit a Markdown text passes, or undefined when it is within budget. One pass over
 * at most MARKDOWN_LIMITS.lines lines, string operations only: a few milliseconds per 100 kB.
 */
export function markdownOverrun(text: string): Overrun | undefined {
  const lines = lineCount(text);
  if (lines > MARKDOWN_LIMITS.lines) {
    return {
      reason: `This file has ${count(lines)} lines; careprint reads up to ${count(MARKDOWN_LIMITS.lines)} lines in one Markdown file: split the guide`,
      place: { start: { line: MARKDOWN_LIMITS.lines + 1, column: 1 } },
    };
  }
  const tally = tallyLines(text);
  if (tally.deepest) return tally.deepest;
  if (tally.containerLines > MARKDOWN_LIMITS.containerLines) {
    return {
      reason: `Block quote markers, list markers and indentation add up to ${count(tally.containerLines)} levels over this file's lines; careprint reads up to ${count(MARKDOWN_LIMITS.containerLines)}: flatten the block quotes or lists, or split the guide`,
      place: { start: { line: 1, column: 1 } },
    };
  }
  const blocks = blockOverrun(tally, lines);
  if (blocks) return blocks;
  if (tally.tableCells > MARKDOWN_LIMITS.tableCells) {
    return {
      reason: `This file has ${count(tally.tableCells)} table cell separators (|); careprint reads up to ${count(MARKDOWN_LIMITS.tableCells)} in one file: split the guide, or the table`,
      place: { start: { line: 1, column: 1 } },
    };
  }
  if (tally.markup > MARKDOWN_LIMITS.markup) {
    return {
      reason: `This file has ${count(tally.markup)} characters that may start inline markup (* _ [ ] ~ : < & @ \` ! \\); careprint reads up to ${count(MARKDOWN_LIMITS.markup)} in one file: split the guide`,
      place: { start: { line: 1, column: 1 } },
    };
  }
  if (tally.inlineWork > MARKDOWN_LIMITS.inlineWork) {
    return {
      reason:
        `This paragraph has ${count(tally.busiest.count)} emphasis and bracket characters (* _ [ ]); careprint reads up to about ${count(Math.floor(Math.sqrt(MARKDOWN_LIMITS.inlineWork)))} in one paragraph, ` +
        `fewer when other paragraphs are busy too (each costs time in proportion to its paragraph): break it into shorter paragraphs, write literal ones as \\* \\_ \\[ \\], or split the guide`,
      place: { start: { line: tally.busiest.line, column: 1 } },
    };
  }
  return undefined;
}

/** YAML texts longer than this are lexed before parsing, to count their scalars (0.25 s per MiB). */
const YAML_LEX_BYTES = 128 * 1024;

/**
 * Where a YAML text passes its budget before it is parsed, or undefined. Flow collections (`[`,
 * `{`) nested too deep: the parser composes them recursively (500,000 nested `[` took 11 s and
 * 1 GB before it gave up). Too many scalars: a mapping of 100,000 short keys took 1.2 s and
 * 300 MB to compose before its nodes could be counted. Read with the parser's own lexer (a
 * bracket inside a quoted or plain scalar is not one), and only when the text is long or has
 * enough brackets to nest that deep at all.
 */
export function yamlOverrun(text: string): { offset: number; past: 'depth' | 'nodes' } | undefined {
  let brackets = 0;
  for (let i = 0; i < text.length && brackets <= YAML_LIMITS.depth; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) brackets += 1;
  }
  if (brackets <= YAML_LIMITS.depth && text.length <= YAML_LEX_BYTES) return undefined;
  let depth = 0;
  let scalars = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      depth += 1;
      if (depth > YAML_LIMITS.depth) return { offset, past: 'depth' };
    } else if (token === ']' || token === '}') depth -= 1;
    // A plain or block scalar follows the lexer's SCALAR marker; a quoted one is a token of its own.
    else if (token === CST.SCALAR || token.startsWith('"') || token.startsWith("'")) {
      scalars += 1;
      if (scalars > YAML_LIMITS.nodes) return { offset, past: 'nodes' };
    }
    // The lexer's markers for where a document, a flow collection's end or a scalar begins are
    // not text of the source.
    if (token !== CST.DOCUMENT && token !== CST.FLOW_END && token !== CST.SCALAR) offset += token.length;
  }
  return undefined;
}
