import type { FootnoteDefinition } from 'mdast';
import { fontName } from '../fonts.js';
import type { PdfState } from '../state.js';
import { renderBlocks } from './index.js';
import { listItem } from './list.js';

/** Definitions are collected where they stand and printed as endnotes (see `endnotes`). */
export function footnoteDefinition(node: FootnoteDefinition, state: PdfState): void {
  state.footnoteDefinitions.push(node);
}

/**
 * The notes after the body, numbered in order of first reference; a note nothing refers to is
 * still printed (after the others) rather than silently dropped.
 */
export function endnotes(state: PdfState): void {
  const { layout, theme } = state;
  // The first definition of a label is the one its references point to (as in CommonMark).
  const referenced = state.footnoteOrder.map((id) => state.footnoteDefinitions.find((n) => n.identifier === id)).filter((n): n is FootnoteDefinition => n !== undefined);
  const unreferenced = state.footnoteDefinitions.filter((n) => !referenced.includes(n));
  const notes = [...referenced, ...unreferenced];
  if (notes.length === 0) return;
  renderBlocks([{ type: 'heading', depth: 2, children: [{ type: 'text', value: 'Notes' }] }], state);
  const regular = fontName('text', 'regular');
  layout.tagger.within('L', () => {
    notes.forEach((note, index) => {
      const text = `${index + 1}.`;
      const x = layout.left + theme.listIndent - layout.widthOf(text, regular, theme.bodySize) - 5;
      listItem(state, { kind: 'text', text, font: regular, x }, theme.listIndent, () => renderBlocks(note.children, state));
    });
  });
}
