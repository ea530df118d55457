import type { Nodes } from 'mdast';
import { familyFor } from '../../src/fonts/index.js';
import { codePointLabel } from '../../src/render/pdf/fonts.js';

export const squash = (s: string) => s.replace(/\s+/g, '');

/** Text as careprint prints it: a character no embedded font has is printed as its code point. */
function printed(text: string): string {
  return [...text].map((char) => (/\s/.test(char) || familyFor(char.codePointAt(0)!, 'text', 'regular') !== undefined ? char : codePointLabel(char))).join('');
}

const KNOWN_DIRECTIVES = new Set(['red-flags', 'tip', 'warning', 'exercise', 'pagebreak']);

/**
 * The text a reader should find, in order: the text and code of the Markdown (raw HTML is
 * removed; footnotes are printed as endnotes, so their text comes last; directives careprint
 * does not know are printed as written).
 */
export function visibleChunks(tree: Nodes, source: string): string[] {
  const chunks: string[] = [];
  const notes: Nodes[] = [];
  const walk = (node: Nodes) => {
    switch (node.type) {
      case 'footnoteDefinition':
        notes.push(node);
        return;
      case 'yaml':
      case 'html':
      case 'definition':
        return;
      case 'text':
      case 'inlineCode':
      case 'code':
        chunks.push(node.value);
        return;
      case 'image':
        return;
      case 'table': {
        // GFM: a row's cells past the header's are ignored (left out of every output).
        const columns = node.children[0]?.children.length ?? 0;
        for (const row of node.children) for (const cell of row.children.slice(0, columns)) walk(cell);
        return;
      }
      case 'textDirective':
      case 'leafDirective': {
        if (KNOWN_DIRECTIVES.has(node.name)) return;
        const { start, end } = node.position ?? {};
        chunks.push(start?.offset !== undefined && end?.offset !== undefined ? source.slice(start.offset, end.offset) : node.name);
        return;
      }
      default:
        if ('children' in node) for (const child of node.children) walk(child as Nodes);
    }
  };
  walk(tree);
  for (const note of notes) walk({ ...note, type: 'blockquote' } as Nodes);
  return chunks.map((chunk) => squash(printed(chunk))).filter(Boolean);
}

/** Each chunk must appear in the PDF's text after the previous one: same text, same order. */
export function missingInOrder(chunks: string[], pdfText: string): string[] {
  const text = squash(pdfText);
  const missing: string[] = [];
  let cursor = 0;
  for (const chunk of chunks) {
    const at = text.indexOf(chunk, cursor);
    if (at < 0) missing.push(chunk);
    else cursor = at + chunk.length;
  }
  return missing;
}

