import type { Paragraph, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { CALLOUT_LABELS, isCallout } from '../../compose/labels.js';

/** Internal composition blocks and the HTML element each becomes. */
const BLOCKS: Record<string, { tag: string; className: string }> = {
  'careprint-titleblock': { tag: 'header', className: 'title-block' },
  'careprint-smallprint': { tag: 'div', className: 'smallprint' },
  'careprint-contact': { tag: 'div', className: 'contact' },
  'careprint-answer': { tag: 'details', className: 'answer' },
  'careprint-glossary': { tag: 'section', className: 'glossary' },
  'careprint-quiz-form': { tag: 'div', className: 'quiz-form-slot' },
};

const label = (text: string, className: string): Paragraph => ({
  type: 'paragraph',
  data: { hProperties: { className: [className] } },
  children: [{ type: 'strong', children: [{ type: 'text', value: text }] }],
});

/**
 * remark plugin: give directives their HTML shape (remark-rehype reads `data.hName`). Editor
 * attributes are never copied onto elements; only the ones named here are used.
 */
export function remarkHtmlDirectives() {
  return (tree: Root) => {
    visit(tree, (node, index, parent) => {
      if (node.type !== 'containerDirective' && node.type !== 'leafDirective' && node.type !== 'textDirective') return;
      if (node.type === 'containerDirective' && isCallout(node.name)) {
        const title = node.name === 'exercise' ? `${CALLOUT_LABELS.exercise}: ${node.attributes?.title ?? ''}` : CALLOUT_LABELS[node.name];
        node.data = { hName: node.name === 'exercise' ? 'section' : 'aside', hProperties: { className: ['callout', `callout-${node.name}`] } };
        const image = node.name === 'exercise' ? node.attributes?.image : undefined;
        if (image) node.children.unshift({ type: 'paragraph', children: [{ type: 'image', url: image, alt: node.attributes?.alt ?? '' }] });
        node.children.unshift(label(title, 'callout-label'));
        return;
      }
      if (node.name === 'careprint-answer' && node.type === 'containerDirective') {
        node.data = { hName: 'details', hProperties: { className: ['answer'] } };
        node.children.unshift({ type: 'paragraph', data: { hName: 'summary' }, children: [{ type: 'text', value: 'Show the answer' }] });
        return;
      }
      const block = BLOCKS[node.name];
      if (block) {
        node.data = { hName: block.tag, hProperties: { className: [block.className] } };
        return;
      }
      // Built by a later plugin from the page's headings.
      if (node.name === 'careprint-toc') return;
      if (node.name === 'pagebreak') {
        node.data = { hName: 'div', hProperties: { className: ['pagebreak'] } };
        return;
      }
      // Anything else (`check` rejects it in guides; an ad-hoc file may have `a:b`) keeps its
      // text: a text directive becomes the text it was written as, a block its content.
      if (!parent || index === undefined) return;
      const marker = { type: 'text' as const, value: `${node.type === 'textDirective' ? ':' : '::'}${node.name}` };
      if (node.type === 'textDirective') parent.children.splice(index, 1, marker, ...(node.children as never[]));
      else if (node.type === 'leafDirective') parent.children.splice(index, 1, { type: 'paragraph', children: [marker, ...node.children] } as never);
      else parent.children.splice(index, 1, ...(node.children as never[]));
      return index;
    });
  };
}
