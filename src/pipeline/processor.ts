import type { Root } from 'mdast';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { VFile } from 'vfile';
import { report } from '../diagnostics/report.js';

/**
 * The one Markdown processor: every guide, every composed template and every ad-hoc file goes
 * through it, so all outputs agree on what the Markdown means. Frozen: nobody can add a plugin
 * to it at run time.
 */
export const markdown = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).use(remarkDirective).freeze();

/**
 * Deeper trees than this are refused: renderers recurse per level, and nothing an editor writes
 * for patients needs more (remark itself overflows the stack at ~2,000 nested quotes).
 */
export const MAX_NESTING_DEPTH = 32;

function deepestNode(tree: Root): { depth: number; node: { position?: Root['position'] } } {
  let best = { depth: 0, node: tree as { position?: Root['position'] } };
  const stack: Array<{ node: { children?: unknown[]; position?: Root['position'] }; depth: number }> = [{ node: tree, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (depth > best.depth) best = { depth, node };
    for (const child of node.children ?? []) stack.push({ node: child as { children?: unknown[] }, depth: depth + 1 });
  }
  return best;
}

/** Parse Markdown, or report why it cannot be (stack overflow, nesting past the limit). */
export function parseMarkdown(file: VFile, text: string): Root | undefined {
  let tree: Root;
  try {
    tree = markdown.parse({ value: text, path: file.path } as never) as Root;
    tree = markdown.runSync(tree, file) as Root;
  } catch (error) {
    if (error instanceof RangeError) {
      report(file, 'md-nesting-depth', 'Markdown is nested too deeply to parse: flatten the block quotes or lists', undefined);
      return undefined;
    }
    throw error;
  }
  const deepest = deepestNode(tree);
  // Each block level costs two tree levels (container + paragraph), so compare generously.
  if (deepest.depth > MAX_NESTING_DEPTH * 2) {
    report(file, 'md-nesting-depth', `Markdown is nested ${deepest.depth} levels deep; careprint renders up to ${MAX_NESTING_DEPTH * 2}`, deepest.node.position ?? undefined);
    return undefined;
  }
  return tree;
}
