import type { List } from 'mdast';
import { fontName } from '../fonts.js';
import type { PdfState } from '../state.js';
import { renderBlocks } from './index.js';

const BULLETS = ['•', '–', '◦'];

/** Ordered (with `start`), bullet, nested and task lists; markers sit on the first line's baseline. */
export function list(node: List, state: PdfState, depth = 0): void {
  const { layout, theme } = state;
  const start = node.start ?? 1;
  const last = start + node.children.length - 1;
  const numberWidth = node.ordered ? layout.widthOf(`${last}.`, fontName('text', 'regular'), theme.bodySize) : 0;
  const indent = Math.max(theme.listIndent, numberWidth + theme.bodySize * 0.6);
  const savedTight = state.tight;
  layout.space(theme.blockSpace);
  node.children.forEach((item, index) => {
    state.tight = node.spread !== true;
    const x = layout.left;
    if (typeof item.checked === 'boolean') {
      layout.pendingMarker = { kind: 'box', checked: item.checked, x, size: theme.bodySize };
    } else if (node.ordered) {
      const text = `${start + index}.`;
      const width = layout.widthOf(text, fontName('text', 'regular'), theme.bodySize);
      layout.pendingMarker = { kind: 'text', text, x: x + indent - width - theme.bodySize * 0.4, size: theme.bodySize, color: theme.colors.text, font: fontName('text', 'regular') };
    } else {
      layout.pendingMarker = { kind: 'text', text: BULLETS[depth % BULLETS.length]!, x: x + theme.bodySize * 0.3, size: theme.bodySize, color: theme.colors.text, font: fontName('fallback', 'regular') };
    }
    if (index > 0) layout.space(state.tight ? theme.bodySize * 0.2 : theme.blockSpace * 0.5);
    layout.indented(indent, 0, () => {
      for (const child of item.children) {
        if (child.type === 'list') list(child, state, depth + 1);
        else renderBlocks([child], state);
      }
    });
    layout.pendingMarker = undefined;
  });
  state.tight = savedTight;
}
