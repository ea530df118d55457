import type { Root } from 'mdast';
import GithubSlugger from 'github-slugger';
import { toString } from 'mdast-util-to-string';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { SAFE_PROTOCOLS } from '../../pipeline/rules/links.js';
import { remarkHtmlDirectives } from './directives.js';

const CLASSED = ['aside', 'section', 'header', 'div', 'details', 'p', 'span'];

/**
 * A strict sanitising schema: GitHub's defaults, minus every URL scheme but http(s), mailto and
 * tel, plus the class names our own directives set. Raw HTML never gets this far (remark-rehype
 * drops it); this is the second wall.
 */
export const SANITIZE_SCHEMA: SanitizeSchema = {
  ...defaultSchema,
  tagNames: [...(defaultSchema.tagNames ?? []), 'aside', 'header'],
  // remark-rehype already prefixes footnote ids; a second prefix would break their links.
  clobberPrefix: '',
  attributes: {
    ...defaultSchema.attributes,
    ...Object.fromEntries(CLASSED.map((tag) => [tag, [...(defaultSchema.attributes?.[tag] ?? []), 'className']])),
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
  .use(remarkRehype, { allowDangerousHtml: false })
  .use(rehypeSanitize, SANITIZE_SCHEMA)
  .use(rehypeStringify)
  .freeze();

/** Composed mdast → sanitised HTML fragment. */
export function mdastToHtml(tree: Root): string {
  const copy = structuredClone(tree);
  const hast = processor.runSync(copy);
  return processor.stringify(hast);
}
