import type { Code } from 'mdast';
import type { PdfState } from '../state.js';
import { bodyStyle } from '../inline.js';
import { faceOf } from '../inline.js';

/** Code blocks: monospaced, spaces kept, long lines wrapped rather than cut off. */
export function code(node: Code, state: PdfState): void {
  const { layout, theme, doc } = state;
  const style = bodyStyle(state, { mono: true, size: theme.codeSize });
  const runs = [{ text: node.value.replace(/\t/g, '    '), face: faceOf(style), mono: true, size: style.size, color: theme.colors.text }];
  const pad = theme.bodySize * 0.5;
  layout.space(theme.blockSpace);
  const height = layout.measure(() => layout.indented(pad, pad, () => layout.flow(runs, { preserveSpaces: true }))) + pad * 2;
  if (height <= layout.pageContentHeight) layout.ensure(height);
  if (height <= layout.remaining) {
    layout.artifact(() => doc.save().fillColor(theme.colors.codeBackground).rect(layout.left, layout.y, layout.width, height).fill().restore());
  }
  layout.y += pad;
  layout.tagger.within('Code', () => layout.indented(pad, pad, () => layout.flow(runs, { preserveSpaces: true })));
  layout.y += pad;
}
