import type { Nodes, RootContent } from 'mdast';
import type { PdfState } from '../state.js';
import { blockquote } from './blockquote.js';
import { code } from './code.js';
import { containerDirective, leafDirective } from './directive.js';
import { footnoteDefinition } from './footnotes.js';
import { heading } from './heading.js';
import { list } from './list.js';
import { paragraph } from './paragraph.js';
import { table } from './table.js';
import { thematicBreak } from './thematic-break.js';

type Handler<T> = (node: T, state: PdfState) => void;
type Handlers = { [K in Nodes['type']]?: Handler<Extract<Nodes, { type: K }>> };

/** One handler per block node type (mdast-util-to-hast's layout). Unlisted types draw nothing. */
const HANDLERS: Handlers = {
  heading,
  paragraph,
  list,
  table,
  blockquote,
  code,
  thematicBreak,
  containerDirective,
  leafDirective,
  footnoteDefinition,
};

export function renderBlock(node: RootContent, state: PdfState): void {
  const handler = HANDLERS[node.type] as Handler<RootContent> | undefined;
  handler?.(node, state);
}

export function renderBlocks(nodes: readonly RootContent[], state: PdfState): void {
  for (const node of nodes) renderBlock(node, state);
}
