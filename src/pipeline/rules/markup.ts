import { visit } from 'unist-util-visit';
import { report } from '../../diagnostics/report.js';
import { nodePlace, type Rule } from './context.js';

// An HTML comment is an editor's note, removed as intended; anything else is content that would vanish.
const isComment = (value: string) => /^<!--[\s\S]*-->$/.test(value.trim());

/** md-html, md-footnote-unused, md-heading-increment, md-heading-title. */
export const markup: Rule = ({ content }) => {
  for (const guide of content.guides) {
    if (!guide.tree) continue;
    visit(guide.tree, 'html', (node) => {
      if (isComment(node.value)) return;
      report(guide.file, 'md-html', 'Raw HTML is removed from every output (web page and PDF): write it in Markdown', nodePlace(node));
    });
    // A footnote nothing refers to is dropped from the web page (remark-rehype shows only the
    // referred ones) but printed in the PDF's notes: the two would say different things.
    const referred = new Set<string>();
    visit(guide.tree, 'footnoteReference', (node) => void referred.add(node.identifier));
    visit(guide.tree, 'footnoteDefinition', (node) => {
      if (referred.has(node.identifier)) return;
      report(guide.file, 'md-footnote-unused', `Footnote [^${node.label ?? node.identifier}] is never referred to, so the web page leaves it out: refer to it with [^${node.label ?? node.identifier}] or remove it`, nodePlace(node));
    });
    if (guide.headings.length === 0) {
      const first = guide.tree.children.find((node) => node.type !== 'yaml');
      report(guide.file, 'md-heading-title', 'A guide starts with its title as a `#` heading', first ? nodePlace(first) : { start: { line: 1, column: 1 } });
    }
    let previous = 0;
    guide.headings.forEach((heading, index) => {
      if (index === 0 && heading.depth !== 1) {
        report(guide.file, 'md-heading-title', 'A guide starts with its title as a `#` heading', nodePlace(heading.node));
      } else if (index > 0 && heading.depth === 1) {
        report(guide.file, 'md-heading-title', 'Only the title is a `#` heading: use `##` for sections', nodePlace(heading.node));
      }
      if (previous > 0 && heading.depth > previous + 1) {
        report(guide.file, 'md-heading-increment', `Heading level ${heading.depth} follows level ${previous}: use ${'#'.repeat(previous + 1)} (screen readers and the PDF outline rely on the order)`, nodePlace(heading.node));
      }
      previous = heading.depth;
    });
  }
};
