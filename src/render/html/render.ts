import type { Root } from 'mdast';
import GithubSlugger from 'github-slugger';
import { toString } from 'mdast-util-to-string';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { SAFE_PROTOCOLS } from '../../pipeline/rules/links.js';
import { VFile } from 'vfile';
import type { GlossaryEntry } from '../../content/schemas.js';
import { remarkHtmlDirectives } from './directives.js';
import { remarkFigures, remarkGlossaryTerms, remarkToc } from './plugins.js';

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
    ...Object.fromEntries(CLASSED.map((tag) => [tag, [...(defaultSchema.attributes?.[tag] ?? []), 'className']])),
    nav: ['className', 'ariaLabelledBy'],
  },
  protocols: { ...defaultSchema.protocols, href: [...SAFE_PROTOCOLS], src: [], cite: ['http', 'https'], longDesc: [] },
};

/** Heading ids from the same slugger the checker uses, so `quiz.section` anchors resolve. */
function remarkHeadingIds() {
  return (tree: Root) => {
    const slugger = new GithubSlugger();
    visit(tree, 'heading', (node) => {
      node.data = { ...node.data, hProperties: { ...(node.data?.hProperties ?? {}), id: slugger.slug(toString(node)) } };
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
  .use(rehypeStringify)
  .freeze();

/** Composed mdast → sanitised HTML fragment; glossary terms used in it are marked up. */
export function mdastToHtml(tree: Root, options: { glossary?: readonly GlossaryEntry[] } = {}): string {
  const copy = structuredClone(tree);
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
