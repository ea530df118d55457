import type { FootnoteDefinition } from 'mdast';
import { fontName } from '../fonts.js';
import type { PdfState } from '../state.js';
import { renderBlocks } from './index.js';

/** Definitions are collected where they stand and printed as endnotes (see `endnotes`). */
export function footnoteDefinition(node: FootnoteDefinition, state: PdfState): void {
  state.footnoteDefinitions.set(node.identifier, node);
}

export function endnotes(state: PdfState): void {
  const { layout, theme } = state;
  const notes = state.footnoteOrder.map((id) => state.footnoteDefinitions.get(id)).filter((n): n is FootnoteDefinition => n !== undefined);
  if (notes.length === 0) return;
  renderBlocks([{ type: 'heading', depth: 2, children: [{ type: 'text', value: 'Notes' }] }], state);
  notes.forEach((note, index) => {
    const text = `${index + 1}.`;
    const width = layout.widthOf(text, fontName('text', 'regular'), theme.bodySize);
    layout.pendingMarker = { kind: 'text', text, x: layout.left + theme.listIndent - width - 5, size: theme.bodySize, color: theme.colors.text, font: fontName('text', 'regular') };
    layout.indented(theme.listIndent, 0, () => renderBlocks(note.children, state));
    layout.pendingMarker = undefined;
  });
}
