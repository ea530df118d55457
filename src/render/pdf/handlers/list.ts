import type { List, RootContent } from 'mdast';
import { fontName } from '../fonts.js';
import type { Marker } from '../layout.js';
import type { PdfState } from '../state.js';
import { renderBlocks } from './index.js';

const BULLETS = ['•', '–', '◦'];

type MarkerSpec = { kind: 'text'; text: string; font: string; x: number } | { kind: 'box'; checked: boolean; x: number; shape?: 'square' | 'round' };

/**
 * One list item, tagged LI > (Lbl, LBody): the marker is drawn on the baseline of the item's
 * first line and belongs to the label; the item's blocks are indented by `indent`.
 */
export function listItem(state: PdfState, marker: MarkerSpec, indent: number, body: () => void): void {
  const { layout, theme } = state;
  layout.tagger.within('LI', () => {
    const label = layout.tagger.create('Lbl', marker.kind === 'box' ? { alt: marker.shape === 'round' ? 'Answer box (tick one)' : marker.shape === 'square' ? 'Answer box (tick any)' : marker.checked ? 'Ticked box' : 'Empty box' } : {});
    const common = { size: theme.bodySize, struct: label };
    layout.pendingMarker = (marker.kind === 'text' ? { ...marker, ...common, color: theme.colors.text } : { ...marker, ...common }) as Marker;
    layout.tagger.within('LBody', () => layout.indented(indent, 0, body));
    layout.pendingMarker = undefined;
  });
}

/** Ordered (with `start`), bullet, nested and task lists. */
export function list(node: List, state: PdfState, depth = 0): void {
  const { layout, theme } = state;
  const start = node.start ?? 1;
  const last = start + node.children.length - 1;
  const regular = fontName('text', 'regular');
  const numberWidth = node.ordered ? layout.widthOf(`${last}.`, regular, theme.bodySize) : 0;
  const indent = Math.max(theme.listIndent, numberWidth + theme.bodySize * 0.6, state.answerBox ? theme.bodySize * 1.9 : 0);
  const savedTight = state.tight;
  layout.space(theme.blockSpace);
  layout.tagger.within('L', () => {
    node.children.forEach((item, index) => {
      state.tight = node.spread !== true;
      const x = layout.left;
      let marker: MarkerSpec;
      if (state.answerBox) marker = { kind: 'box', checked: false, x, shape: state.answerBox };
      else if (typeof item.checked === 'boolean') marker = { kind: 'box', checked: item.checked, x };
      else if (node.ordered) {
        const text = `${start + index}.`;
        marker = { kind: 'text', text, font: regular, x: x + indent - layout.widthOf(text, regular, theme.bodySize) - theme.bodySize * 0.4 };
      } else marker = { kind: 'text', text: BULLETS[depth % BULLETS.length]!, font: fontName('fallback', 'regular'), x: x + theme.bodySize * 0.3 };
      if (index > 0) layout.space(state.answerBox ? theme.bodySize * 0.55 : state.tight ? theme.bodySize * 0.2 : theme.blockSpace * 0.5);
      listItem(state, marker, indent, () => {
        for (const child of item.children as RootContent[]) {
          if (child.type === 'list') list(child, state, depth + 1);
          else renderBlocks([child], state);
        }
      });
    });
  });
  state.tight = savedTight;
}
