import type { Blockquote } from 'mdast';
import { withSideBar } from '../decorations.js';
import type { PdfState } from '../state.js';
import { renderBlocks } from './index.js';

/**
 * Quotes inside quotes get a bar, an indent and space of their own up to this depth; deeper ones
 * are tagged as quotes but drawn in the innermost box. Each level once added all three, so quotes
 * nested 40 deep (within the nesting limit) spent a page on bars and space before their text.
 */
const MAX_DRAWN_QUOTE_DEPTH = 6;

/** How deep in quotes the block being drawn is (rendering is synchronous: one counter serves every document). */
let quoteDepth = 0;

export function blockquote(node: Blockquote, state: PdfState): void {
  const { layout, theme } = state;
  quoteDepth += 1;
  try {
    if (quoteDepth > MAX_DRAWN_QUOTE_DEPTH) {
      layout.tagger.within('BlockQuote', () => renderBlocks(node.children, state));
      return;
    }
    layout.space(theme.blockSpace);
    layout.tagger.within('BlockQuote', () =>
      withSideBar(state, theme.colors.rule, 3, () => layout.indented(theme.bodySize * 1.1, 0, () => renderBlocks(node.children, state))),
    );
  } finally {
    quoteDepth -= 1;
  }
}
