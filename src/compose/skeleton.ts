import type { Root } from 'mdast';
import { VFile } from 'vfile';
import { markdown } from '../pipeline/processor.js';
import { CLOSE, OPEN, PLACEHOLDER } from './values.js';

/**
 * A composed template's Markdown, parsed block by block, each block's parse kept for the next
 * output that has the same block.
 *
 * With its values held out (values.ts), a template's Markdown depends on the output's shape: how
 * many questions, options, references or glossary terms, which fields are set. Whole skeletons
 * rarely repeat across guides (one more glossary term changes the whole text), but their blocks
 * do: a question with four options, the title block, the small print. micromark takes several
 * milliseconds per kilobyte of directives and list items (a guide's skeletons took about a tenth
 * of its render time, measured), a copy of a parsed block a few microseconds.
 *
 * A block starts at a line that begins in the first column after a blank line, outside any
 * container directive, that is not a list item (which could continue the list above it). Such a
 * line starts a new top-level block in CommonMark, GFM and remark-directive alike, unless a
 * construct carries state across blank lines: fenced code and raw HTML (which may span blank
 * lines), link and footnote definitions (which are document-wide) and front matter. Text with any
 * of them is parsed whole, as is anything else not split: the split is an optimisation, and the
 * tree is the whole parse's, node for node and position for position (tests check it on the
 * CommonMark spec's examples).
 *
 * Placeholders (`\uE000n\uE001`) are renumbered within a block, keeping each one's width, so a
 * block reads the same, character for character, whatever values the output holds; the copy
 * puts the output's own numbers back.
 */

/** Constructs whose meaning crosses blank lines or the whole document: text with any is parsed whole. */
const UNSPLITTABLE = /^(?:---|\+\+\+)|\]:|\[\^|^[ \t>]*(?:`{3,}|~{3,}|<)/m;
/** A line that could continue a list above it (a bullet or ordered item marker). */
const LIST_ITEM = /^(?:[*+-]|\d{1,9}[.)])(?:[ \t]|\r?$)/;
/** A container directive's opening fence (colons then a name) or closing fence (colons alone). */
const CONTAINER_FENCE = /^ {0,3}(:{3,})(?:([A-Za-z])|[ \t]*\r?$)/;
const BLANK = /^[ \t]*\r?$/;

/** Offsets and 0-based line numbers where each block of `text` starts (the first is 0). */
export function blockStarts(text: string): Array<{ offset: number; line: number }> {
  const starts = [{ offset: 0, line: 0 }];
  if (UNSPLITTABLE.test(text)) return starts;
  /** Fence lengths of the open container directives, outermost first. */
  const open: number[] = [];
  let offset = 0;
  let previousBlank = false;
  for (let line = 0; offset < text.length; line++) {
    const end = text.indexOf('\n', offset);
    const content = text.slice(offset, end === -1 ? text.length : end);
    const first = content.charCodeAt(0);
    // Not a space, tab or carriage return: the line starts in the first column.
    const atMargin = content.length > 0 && first !== 32 && first !== 9 && first !== 13;
    if (line > 0 && previousBlank && open.length === 0 && atMargin && !LIST_ITEM.test(content)) starts.push({ offset, line });
    const fence = CONTAINER_FENCE.exec(content);
    if (fence) {
      const size = fence[1]!.length;
      if (fence[2]) open.push(size);
      else {
        // The outermost container the fence is long enough for closes, and every one inside it:
        // each container looks for its closing fence before its content does.
        const closes = open.findIndex((opened) => opened <= size);
        if (closes !== -1) open.length = closes;
      }
    }
    previousBlank = BLANK.test(content);
    if (end === -1) break;
    offset = end + 1;
  }
  return starts;
}

/** The block with its placeholders numbered from 0 in order (each as wide as before), and the numbers it had. */
function renumber(block: string): { key: string; numbers: string[] } | undefined {
  const numbers: string[] = [];
  let fits = true;
  const key = block.replace(PLACEHOLDER, (_whole, n: string) => {
    const local = String(numbers.length);
    numbers.push(n);
    if (local.length > n.length) fits = false;
    return `${OPEN}${local.padStart(n.length, '0')}${CLOSE}`;
  });
  return fits ? { key, numbers } : undefined;
}

type Point = { line: number; column: number; offset?: number | undefined };

/**
 * A deep copy of a parsed block's node, moved to where the block sits in the whole text, with
 * the block's local placeholder numbers turned back into the output's.
 */
function placed(value: unknown, lines: number, offset: number, numbers: readonly string[] | undefined): unknown {
  if (typeof value === 'string') {
    return numbers && value.includes(OPEN) ? value.replace(PLACEHOLDER, (whole, n: string) => (numbers[Number(n)] === undefined ? whole : `${OPEN}${numbers[Number(n)]}${CLOSE}`)) : value;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => placed(item, lines, offset, numbers));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'position' && item) {
      const { start, end } = item as { start: Point; end: Point };
      const move = (p: Point): Point => ({ line: p.line + lines, column: p.column, ...(p.offset === undefined ? {} : { offset: p.offset + offset }) });
      copy[key] = { start: move(start), end: move(end) };
    } else copy[key] = placed(item, lines, offset, numbers);
  }
  return copy;
}

/**
 * Parsed blocks by their renumbered text. Bounded (the oldest is dropped past the limit): the
 * 200-guide bench library's outputs are made of 70 distinct blocks (8 KB of Markdown in all).
 */
const BLOCKS = new Map<string, Root>();
const MAX_BLOCKS = 2048;

function parseBlock(path: string | undefined, key: string): Root {
  let tree = BLOCKS.get(key);
  if (!tree) {
    const file = new VFile({ path, value: key });
    tree = markdown.runSync(markdown.parse(file), file) as Root;
    if (BLOCKS.size >= MAX_BLOCKS) BLOCKS.delete(BLOCKS.keys().next().value!);
    BLOCKS.set(key, tree);
  }
  return tree;
}

/**
 * Parse a composed template's Markdown with the one processor: a fresh tree (the caller may
 * change it), the same as parsing `text` whole.
 */
export function parseSkeleton(path: string | undefined, text: string): Root {
  const starts = blockStarts(text);
  const root: Root = { type: 'root', children: [] };
  let from: Point | undefined;
  let to: Point | undefined;
  starts.forEach((start, i) => {
    const block = text.slice(start.offset, starts[i + 1]?.offset ?? text.length);
    const local = renumber(block);
    const tree = placed(parseBlock(path, local?.key ?? block), start.line, start.offset, local?.numbers) as Root;
    root.children.push(...tree.children);
    from ??= tree.position?.start;
    to = tree.position?.end;
  });
  if (from && to) root.position = { start: from, end: to };
  return root;
}
