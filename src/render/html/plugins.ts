import type { Heading, List, ListItem, Nodes, Paragraph, PhrasingContent, Root, RootContent, Text } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { SKIP, visit } from 'unist-util-visit';
import type { GlossaryEntry } from '../../content/schemas.js';

/**
 * `::careprint-toc` → a "Contents" navigation of the page's section headings (levels 2–3), with
 * links to the ids the heading-id plugin gave them.
 */
export function remarkToc() {
  return (tree: Root) => {
    const index = tree.children.findIndex((node) => node.type === 'leafDirective' && node.name === 'careprint-toc');
    if (index < 0) return;
    const headings = tree.children.slice(index + 1).filter((node): node is Heading => node.type === 'heading' && (node.depth === 2 || node.depth === 3));
    const item = (heading: Heading): ListItem => ({
      type: 'listItem',
      spread: false,
      children: [{ type: 'paragraph', children: [{ type: 'link', url: `#${String(heading.data?.hProperties?.id ?? '')}`, children: [{ type: 'text', value: toString(heading) }] }] }],
    });
    const top: List = { type: 'list', ordered: false, spread: false, children: [] };
    for (const heading of headings) {
      if (heading.depth === 2 || top.children.length === 0) top.children.push(item(heading));
      else {
        const parent = top.children.at(-1)!;
        let sub = parent.children.find((child): child is List => child.type === 'list');
        if (!sub) {
          sub = { type: 'list', ordered: false, spread: false, children: [] };
          parent.children.push(sub);
        }
        sub.children.push(item(heading));
      }
    }
    const nav = {
      type: 'containerDirective',
      name: 'careprint-toc',
      attributes: {},
      data: { hName: 'nav', hProperties: { className: ['toc'], ariaLabelledBy: 'toc-title' } },
      children: [
        { type: 'paragraph', data: { hProperties: { id: 'toc-title', className: ['toc-title'] } }, children: [{ type: 'strong', children: [{ type: 'text', value: 'Contents' }] }] },
        top,
      ],
    } as unknown as RootContent;
    tree.children.splice(index, 1, ...(headings.length ? [nav] : []));
  };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Mark the first use of each glossary term in the guide body as a definition (`<dfn>` carrying
 * the plain-language definition as its title; `<abbr>` for an acronym), so a reader can hover
 * or long-press it; the full list stays in the glossary section.
 */
export function remarkGlossaryTerms() {
  return (tree: Root, file: { data: { glossary?: readonly GlossaryEntry[] } }) => {
    const pending = new Map<string, GlossaryEntry>();
    for (const entry of file.data.glossary ?? []) for (const name of [entry.term, ...entry.aliases]) pending.set(name.toLowerCase(), entry);
    if (pending.size === 0) return;
    const names = [...pending.keys()].sort((a, b) => b.length - a.length);
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(${names.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'iu');
    const done = new Set<GlossaryEntry>();
    visit(tree, (node: Nodes, index, parent) => {
      // Not in headings, links, code, the title block, or the glossary itself.
      if (node.type === 'heading' || node.type === 'link' || node.type === 'inlineCode' || node.type === 'code') return SKIP;
      if ((node.type === 'containerDirective' || node.type === 'leafDirective') && node.name.startsWith('careprint-')) return SKIP;
      if (node.type !== 'text' || !parent || index === undefined) return undefined;
      const match = pattern.exec(node.value);
      if (!match) return undefined;
      const entry = pending.get(match[1]!.toLowerCase())!;
      if (done.has(entry)) return undefined;
      done.add(entry);
      const before = node.value.slice(0, match.index);
      const word = match[1]!;
      const after = node.value.slice(match.index + word.length);
      const acronym = /^[A-Z]{2,}$/.test(word);
      const marked = {
        type: 'emphasis',
        data: { hName: acronym ? 'abbr' : 'dfn', hProperties: { title: entry.definition, className: ['term'] } },
        children: [{ type: 'text', value: word }],
      } as unknown as PhrasingContent;
      const replacement: PhrasingContent[] = [...(before ? [{ type: 'text', value: before } as Text] : []), marked, ...(after ? [{ type: 'text', value: after } as Text] : [])];
      (parent.children as PhrasingContent[]).splice(index, 1, ...replacement);
      // Continue after the marked term, so the rest of this text is still searched.
      return index + replacement.length - (after ? 1 : 0);
    });
  };
}

/**
 * A paragraph holding only an image becomes a figure; the image's title ("![alt](src "Caption")")
 * becomes its visible caption.
 */
export function remarkFigures() {
  return (tree: Root) => {
    visit(tree, 'paragraph', (node: Paragraph) => {
      const content = node.children.filter((child) => !(child.type === 'text' && child.value.trim() === ''));
      const image = content[0];
      if (content.length !== 1 || image?.type !== 'image') return;
      node.data = { ...node.data, hName: 'figure' };
      if (image.title) {
        node.children = [image, { type: 'emphasis', data: { hName: 'figcaption' }, children: [{ type: 'text', value: image.title }] } as unknown as PhrasingContent];
        image.title = null;
      }
    });
  };
}
