import type { Blockquote } from 'mdast';
import { withSideBar } from '../decorations.js';
import type { PdfState } from '../state.js';
import { renderBlocks } from './index.js';

export function blockquote(node: Blockquote, state: PdfState): void {
  const { layout, theme } = state;
  layout.space(theme.blockSpace);
  layout.tagger.within('BlockQuote', () =>
    withSideBar(state, theme.colors.rule, 3, () => layout.indented(theme.bodySize * 1.1, 0, () => renderBlocks(node.children, state))),
  );
}
