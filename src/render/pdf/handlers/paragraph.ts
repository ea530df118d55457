import type { Image, Paragraph } from 'mdast';
import { bodyStyle, inlineRuns } from '../inline.js';
import type { PdfState } from '../state.js';
import { blockImage } from './image.js';

export function paragraph(node: Paragraph, state: PdfState): void {
  const { layout, theme } = state;
  const meaningful = node.children.filter((child) => !(child.type === 'text' && child.value.trim() === ''));
  if (meaningful.length === 1 && meaningful[0]!.type === 'image') {
    blockImage(meaningful[0] as Image, state);
    return;
  }
  layout.space(state.tight ? theme.bodySize * 0.25 : theme.blockSpace);
  layout.tagger.within('P', () => layout.flow(inlineRuns(node.children, bodyStyle(state), state)));
}
