import type { Parent, Root, Text } from 'mdast';
import { gfmAutolinkLiteralFromMarkdown } from 'mdast-util-gfm-autolink-literal';

/**
 * Template values (titles, summaries, questions, glossary terms, clinic details) never pass
 * through the Markdown parser. Each string of a template's data is held here and stands in the
 * rendered Markdown as a placeholder, its number between two private-use characters, which
 * micromark reads as ordinary letters; once the Markdown is parsed, every placeholder in the tree
 * becomes its value. So a value full of Markdown syntax, HTML or directives is plain text wherever
 * a template puts it — by construction, not by escaping each character that could open syntax —
 * and the parser reads a skeleton a fraction the length of the composed text: parsing the
 * escaped values was a quarter of the time a guide took to render.
 *
 * U+E000 and U+E001 are reserved in a template's own text.
 */
export const OPEN = '\uE000';
export const CLOSE = '\uE001';
export const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/**
 * GFM's web and email address autolinks are found in the parsed tree's text (mdast's transform,
 * not micromark's syntax), one text node at a time: run on each text node a value went into, an
 * address in a value is a link as it was when values were escaped into the Markdown.
 */
const linkAddresses = gfmAutolinkLiteralFromMarkdown().transforms?.[0] as ((tree: Parent) => void) | undefined;
if (!linkAddresses) throw new Error('careprint: mdast-util-gfm-autolink-literal no longer exposes its transform');

/** Every address the transform links has `@`, `://` or `www.` (web, email, mailto: and xmpp: alike): other text is left alone. */
const MAY_LINK = /@|:\/\/|www\./i;

/** A value as the template shows it: one line (line breaks become spaces), trimmed. */
export const oneLine = (value: string): string => value.replace(/\s*[\r\n]+\s*/g, ' ').trim();

export class TemplateValues {
  private readonly values: string[] = [];

  /**
   * The data with each non-empty string replaced by its placeholder (an empty one stays empty, so
   * `{{#if}}` still sees it as absent); arrays and plain objects are copied, other values kept.
   */
  hold<T>(value: T): T {
    if (typeof value === 'string') {
      const text = oneLine(value);
      if (text === '') return '' as T;
      this.values.push(text);
      return `${OPEN}${this.values.length - 1}${CLOSE}` as T;
    }
    if (Array.isArray(value)) return value.map((item: unknown) => this.hold(item)) as T;
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.hold(item);
      return out as T;
    }
    return value;
  }

  /** Put the values into a tree parsed from Markdown rendered with `hold`'s data (in place). */
  fill(tree: Root): Root {
    const replace = (text: string) => (text.includes(OPEN) ? text.replace(PLACEHOLDER, (whole, n: string) => this.values[Number(n)] ?? whole) : text);
    /** Text nodes (outside links) that received a value and may now hold an address, with their parents. */
    const toLink: Array<{ parent: Parent; node: Text }> = [];
    const visit = (node: Record<string, unknown>, inLink: boolean) => {
      const nodeInLink = inLink || node.type === 'link' || node.type === 'linkReference';
      for (const key in node) {
        if (key === 'position') continue;
        const item = node[key];
        if (typeof item === 'string') node[key] = replace(item);
        else if (Array.isArray(item)) {
          for (let i = 0; i < item.length; i++) {
            const child = item[i] as unknown;
            if (typeof child === 'string') item[i] = replace(child);
            else if (child !== null && typeof child === 'object') {
              const text = child as Text;
              const receivesValue = key === 'children' && text.type === 'text' && !nodeInLink && text.value.includes(OPEN);
              visit(child as Record<string, unknown>, nodeInLink);
              if (receivesValue && MAY_LINK.test(text.value)) toLink.push({ parent: node as unknown as Parent, node: text });
            }
          }
        } else if (item !== null && typeof item === 'object') visit(item as Record<string, unknown>, nodeInLink);
      }
    };
    visit(tree as unknown as Record<string, unknown>, false);
    for (const { parent, node } of toLink) {
      // The transform replaces within its tree's children: give it the one node, put back what it makes.
      const wrapper = { type: 'paragraph', children: [node] } as Parent;
      linkAddresses!(wrapper);
      parent.children.splice(parent.children.indexOf(node as never), 1, ...(wrapper.children as never[]));
    }
    return tree;
  }
}
