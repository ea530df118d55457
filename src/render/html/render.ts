import type { Root } from 'mdast';
import { headingSlugger } from '../../content/heading-slug.js';
import { toString } from 'mdast-util-to-string';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit, visit as visitHast } from 'unist-util-visit';
import { SAFE_PROTOCOLS } from '../../pipeline/rules/links.js';
import type { Element, Root as HastRoot } from 'hast';
import { toString as hastToString } from 'hast-util-to-string';
import { VFile } from 'vfile';
import type { GlossaryEntry } from '../../content/schemas.js';
import { remarkHtmlDirectives } from './directives.js';
import { remarkFigures, remarkGlossaryTerms, remarkToc } from './plugins.js';

const RELATIVE_ONLY = 'careprint-relative-only';
const CLASSED = ['aside', 'section', 'header', 'div', 'details', 'p', 'span', 'nav', 'dfn', 'abbr', 'figure'];

/**
 * A strict sanitising schema: GitHub's defaults, minus every URL scheme but http(s), mailto and
 * tel, plus the class names our own directives set. Raw HTML never gets this far (remark-rehype
 * drops it); this is the second wall.
 */
export const SANITIZE_SCHEMA: SanitizeSchema = {
  ...defaultSchema,
  tagNames: [...(defaultSchema.tagNames ?? []), 'aside', 'header', 'nav', 'figure', 'figcaption', 'dfn', 'abbr'],
  // remark-rehype already prefixes footnote ids; a second prefix would break their links.
  clobberPrefix: '',
  attributes: {
    ...defaultSchema.attributes,
    // Any class on these: GitHub's own narrower rule for a tag (section: only `footnotes`) is
    // dropped, as hast-util-sanitize applies the narrower of the two (exercise cards lost theirs).
    ...Object.fromEntries(
      CLASSED.map((tag) => [tag, [...(defaultSchema.attributes?.[tag] ?? []).filter((rule) => (Array.isArray(rule) ? rule[0] : rule) !== 'className'), 'className']]),
    ),
    nav: ['className', 'ariaLabelledBy'],
  },
  // An empty list would allow every scheme (hast-util-sanitize treats it as "unrestricted"):
  // images and long descriptions may only be relative paths, so their list names no real scheme.
  protocols: { ...defaultSchema.protocols, href: [...SAFE_PROTOCOLS], src: [RELATIVE_ONLY], cite: ['http', 'https'], longDesc: [RELATIVE_ONLY] },
};

/** Heading ids from the same slugger the checker uses, so `quiz.section` anchors resolve. */
function remarkHeadingIds() {
  return (tree: Root) => {
    const slugOf = headingSlugger();
    visit(tree, 'heading', (node) => {
      node.data = { ...node.data, hProperties: { ...(node.data?.hProperties ?? {}), id: slugOf(toString(node)) } };
    });
  };
}

/**
 * A task-list check box is a form control and needs an accessible name: the item's own text
 * (added after sanitising, from trusted code, so the schema need not allow aria-label).
 */
function rehypeTaskListLabels() {
  return (tree: HastRoot) => {
    visitHast(tree, 'element', (node: Element) => {
      if (node.tagName !== 'li' || !String(node.properties.className ?? '').includes('task-list-item')) return;
      const input = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'input');
      const paragraph = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'p');
      const owner = input ? node : paragraph;
      const box = input ?? paragraph?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'input');
      if (!box || !owner) return;
      const text = hastToString({ ...owner, children: owner.children.filter((c) => !(c.type === 'element' && (c.tagName === 'ul' || c.tagName === 'ol'))) }).trim();
      box.properties.ariaLabel = text || 'Checklist item';
    });
  };
}

/**
 * An image whose address the sanitiser removed (a `data:` or web URL) would be an empty `<img>`:
 * show its alt text instead, so nothing is lost and the HTML stays valid.
 */
function rehypeImagesWithoutSource() {
  return (tree: HastRoot) => {
    visitHast(tree, 'element', (node: Element, index, parent) => {
      if (node.tagName !== 'img' || node.properties.src || !parent || index === undefined) return undefined;
      const alt = String(node.properties.alt ?? '').trim();
      parent.children.splice(index, 1, ...(alt ? [{ type: 'text' as const, value: `[Image: ${alt}]` }] : []));
      return index;
    });
  };
}

const processor = unified()
  .use(remarkHtmlDirectives)
  .use(remarkHeadingIds)
  .use(remarkToc)
  .use(remarkFigures)
  .use(remarkGlossaryTerms)
  .use(remarkRehype, { allowDangerousHtml: false })
  .use(rehypeSanitize, SANITIZE_SCHEMA)
  .use(rehypeTaskListLabels)
  .use(rehypeImagesWithoutSource)
  .use(rehypeStringify)
  .freeze();

/** Composed mdast → sanitised HTML fragment; glossary terms used in it are marked up; `link` maps each link's address for the page. */
export function mdastToHtml(tree: Root, options: { glossary?: readonly GlossaryEntry[]; link?: (url: string) => string } = {}): string {
  const copy = structuredClone(tree);
  const { link } = options;
  if (link) {
    visit(copy, (node) => {
      if (node.type === 'link' || node.type === 'definition') node.url = link(node.url);
    });
  }
  const file = new VFile();
  file.data.glossary = options.glossary ?? [];
  const hast = processor.runSync(copy, file);
  return processor.stringify(hast, file);
}

declare module 'vfile' {
  interface DataMap {
    glossary: readonly GlossaryEntry[];
  }
}
