import type { Heading } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { bodyStyle, inlineRuns } from '../inline.js';
import type { PdfState } from '../state.js';

/** Headings: bold, sized by depth, never the last line on a page, and a bookmark each. */
export function heading(node: Heading, state: PdfState): void {
  const { layout, theme } = state;
  const size = theme.headingSizes[node.depth - 1] ?? theme.bodySize;
  const runs = inlineRuns(node.children, bodyStyle(state, { bold: true, size }), state);
  layout.space(size * (node.depth <= 2 ? 0.9 : 0.7));
  // Keep with next: the heading plus two body lines must fit, or the heading moves on.
  const height = layout.measure(() => layout.flow(runs));
  layout.ensure(height + theme.bodySize * theme.lineHeight * 2);
  if (!layout.dry) {
    addBookmark(node, state);
    state.onHeading?.(state.slugOf(toString(node)), state.doc.bufferedPageRange().count);
  }
  layout.tagger.within(`H${node.depth}`, () => layout.flow(runs));
  layout.y += size * 0.25;
}

function addBookmark(node: Heading, state: PdfState): void {
  const { outline } = state;
  while (outline.length && outline.at(-1)!.depth >= node.depth) outline.pop();
  const parent = outline.at(-1)?.item ?? state.doc.outline;
  const item = parent.addItem(toString(node));
  outline.push({ depth: node.depth, item });
}
