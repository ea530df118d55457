import type { ThematicBreak } from 'mdast';
import type { PdfState } from '../state.js';

export function thematicBreak(_node: ThematicBreak, state: PdfState): void {
  const { layout, theme, doc } = state;
  layout.space(theme.blockSpace);
  layout.ensure(theme.bodySize);
  const y = layout.y + theme.bodySize / 2;
  layout.artifact(() => doc.save().lineWidth(1).strokeColor(theme.colors.rule).moveTo(layout.left, y).lineTo(layout.left + layout.width, y).stroke().restore());
  layout.y += theme.bodySize;
}
