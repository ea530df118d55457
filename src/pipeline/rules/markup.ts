import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import { report } from '../../diagnostics/report.js';
import { nodePlace, type Rule } from './context.js';

// An HTML comment is an editor's note, removed as intended; anything else is content that would vanish.
const isComment = (value: string) => /^<!--[\s\S]*-->$/.test(value.trim());

/**
 * Text-direction embeddings, overrides and isolates (U+202A, U+202B, U+202D, U+202E, U+2066 to
 * U+2068; the characters that close them reorder nothing on their own): invisible, and a browser
 * reorders the text after them while the PDF prints it in stored order, so the web page and the
 * handout would read differently (and text can be made to read other than it is written).
 */
const BIDI_CONTROLS = /[\u202A\u202B\u202D\u202E\u2066-\u2068]/g;
/** Past this many in one file, the rest are not listed. */
const MAX_BIDI_REPORTS = 10;

/** md-bidi-control at each text-direction control in `file` (the first few). */
function bidiControls(file: VFile): void {
  const source = String(file.value ?? '');
  // Most files have none: skip building the line index (search ignores the g flag's state).
  if (source.search(BIDI_CONTROLS) < 0) return;
  const points = location(file);
  let bidi = 0;
  for (const match of source.matchAll(BIDI_CONTROLS)) {
    if (++bidi > MAX_BIDI_REPORTS) break;
    const code = `U+${match[0].codePointAt(0)!.toString(16).toUpperCase()}`;
    const start = points.toPoint(match.index) ?? { line: 1, column: 1 };
    report(file, 'md-bidi-control', `Invisible text-direction control ${code}: the web page would show the text after it reordered, the PDF would not (remove it)`, { start });
  }
}

/** md-html, md-bidi-control, md-table-extra-cell, md-footnote-unused, md-heading-increment, md-heading-title. */
export const markup: Rule = ({ content }) => {
  // Quiz and glossary text and the config's names are printed and published as a guide's are.
  for (const glossary of content.glossaries) bidiControls(glossary.file);
  if (content.configDoc) bidiControls(content.configDoc.file);
  for (const guide of content.guides) {
    if (guide.quiz) bidiControls(guide.quiz.file);
    if (!guide.tree) continue;
    visit(guide.tree, 'html', (node) => {
      if (isComment(node.value)) return;
      report(guide.file, 'md-html', 'Raw HTML is removed from every output (web page and PDF): write it in Markdown', nodePlace(node));
    });
    bidiControls(guide.file);
    // GFM tables have as many columns as their header: a row's extra cells are dropped from the
    // web page and the handout alike, silently, and an editor rarely means that.
    visit(guide.tree, 'table', (node) => {
      const columns = node.children[0]?.children.length ?? 0;
      for (const row of node.children.slice(1)) {
        const extra = row.children[columns];
        if (extra) report(guide.file, 'md-table-extra-cell', `This row has ${row.children.length} cells and the table's header ${columns}: the cells past the header's are left out of the web page and the handout (add a header cell, or join the cells)`, nodePlace(extra));
      }
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
