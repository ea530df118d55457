import type { Definition, Image, Root } from 'mdast';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { markdownOverrun, reportTooComplex } from '../content/budget.js';
import { report } from '../diagnostics/report.js';

/**
 * A reference-style image (`![alt][ref]` with `[ref]: images/x.png` elsewhere) becomes the plain
 * image it stands for, where it stands: the image rules, the PDF and the site all know images by
 * their own node, and a reference slipped past each (an SVG's script published unchecked, the
 * picture missing from the handout). The first definition of a label wins, as in CommonMark;
 * micromark makes a reference node only for a defined label.
 */
function resolveImageReferences() {
  return (tree: Root) => {
    const definitions = new Map<string, Definition>();
    visit(tree, 'definition', (node) => {
      if (!definitions.has(node.identifier)) definitions.set(node.identifier, node);
    });
    if (definitions.size === 0) return;
    visit(tree, 'imageReference', (node, index, parent) => {
      const definition = definitions.get(node.identifier);
      if (!definition || !parent || index === undefined) return;
      const image: Image = { type: 'image', url: definition.url, title: definition.title ?? null, alt: node.alt ?? '', ...(node.position ? { position: node.position } : {}) };
      parent.children[index] = image;
      return SKIP;
    });
  };
}

/**
 * The one Markdown processor: every guide, every composed template and every ad-hoc file goes
 * through it, so all outputs agree on what the Markdown means. Frozen: nobody can add a plugin
 * to it at run time.
 */
export const markdown = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).use(remarkDirective).use(resolveImageReferences).freeze();

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

/**
 * remark-directive reads a colon followed by a tab as a text directive named after the tab and
 * what follows ("Time:<tab>10 minutes" became the directive "\t10"), though a directive's name
 * must start with a letter: text pasted from a spreadsheet or a word processor looks just like
 * that. Such a "directive" is put back as the text it was written as.
 */
function restoreTabbedColons(tree: Root, text: string): void {
  const stack: Array<{ children?: Array<{ type: string; name?: string; position?: Root['position'] }> }> = [tree as never];
  while (stack.length) {
    const parent = stack.pop()!;
    const children = parent.children;
    if (!children) continue;
    let restored = false;
    for (let i = 0; i < children.length; i++) {
      const node = children[i]!;
      const start = node.position?.start.offset;
      const end = node.position?.end.offset;
      if (node.type === 'textDirective' && !/^[A-Za-z]/.test(node.name ?? '') && start !== undefined && end !== undefined) {
        children[i] = { type: 'text', value: text.slice(start, end), position: node.position } as never;
        restored = true;
      } else stack.push(node as never);
    }
    if (!restored) continue;
    // Neighbouring text nodes read as one again (renderers and rules expect merged text).
    for (let i = children.length - 1; i > 0; i--) {
      const before = children[i - 1] as { type: string; value?: string; position?: Root['position'] };
      const after = children[i] as { type: string; value?: string; position?: Root['position'] };
      if (before.type === 'text' && after.type === 'text') {
        before.value = `${before.value ?? ''}${after.value ?? ''}`;
        if (before.position && after.position) before.position = { start: before.position.start, end: after.position.end };
        children.splice(i, 1);
      }
    }
  }
}

/**
 * Parse Markdown, or report why it cannot be: over the budget counted before parsing
 * (content/budget.ts: the parser's time grows faster than the text), a stack overflow, nesting
 * past the limit.
 */
export function parseMarkdown(file: VFile, text: string): Root | undefined {
  const overrun = markdownOverrun(text);
  if (overrun) {
    reportTooComplex(file, overrun.reason, overrun.place);
    return undefined;
  }
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
  restoreTabbedColons(tree, text);
  const deepest = deepestNode(tree);
  // Each block level costs two tree levels (container + paragraph), so compare generously.
  if (deepest.depth > MAX_NESTING_DEPTH * 2) {
    report(file, 'md-nesting-depth', `Markdown is nested ${deepest.depth} levels deep; careprint renders up to ${MAX_NESTING_DEPTH * 2}`, deepest.node.position ?? undefined);
    return undefined;
  }
  return tree;
}
