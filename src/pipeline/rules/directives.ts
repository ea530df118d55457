import { visit } from 'unist-util-visit';
import { report } from '../../diagnostics/report.js';
import { nodePlace, type Rule } from './context.js';

/** The directives editors may write, and the form each takes. */
export const DIRECTIVES = {
  'red-flags': 'containerDirective',
  tip: 'containerDirective',
  warning: 'containerDirective',
  exercise: 'containerDirective',
  pagebreak: 'leafDirective',
} as const;
export type DirectiveName = keyof typeof DIRECTIVES;

const FORM_TEXT = { containerDirective: ':::name … :::', leafDirective: '::name', textDirective: ':name' } as const;

export const isKnownDirective = (name: string): name is DirectiveName => Object.hasOwn(DIRECTIVES, name);

/**
 * Does a container directive end with its closing fence? An unclosed one runs to the end of the
 * document (or of the list item or quote holding it), taking every later heading and paragraph
 * into its box: the last line it spans must be a fence of colons (after any quote or list prefix).
 */
function isClosed(node: { position?: { start: { line: number; offset?: number | undefined }; end: { line: number; offset?: number | undefined } } | undefined }, source: string): boolean {
  const end = node.position?.end.offset;
  if (end === undefined || !node.position || node.position.end.line === node.position.start.line) return end === undefined;
  const lastLine = source.slice(source.lastIndexOf('\n', end - 1) + 1, end);
  return /:{3,}\s*$/.test(lastLine);
}

/**
 * A paragraph that starts with two or more colons is a directive the parser could not read (its
 * `{…}` attributes malformed, a space after the colons) or a closing fence with nothing open:
 * printed as it is, colons, braces and all, and an exercise's image never checked.
 */
function failedDirective(node: { position?: { start: { offset?: number | undefined }; end: { offset?: number | undefined } } | undefined }, source: string): string | undefined {
  const start = node.position?.start.offset;
  if (start === undefined) return undefined;
  const line = source.slice(start, source.indexOf('\n', start) === -1 ? undefined : source.indexOf('\n', start));
  const match = /^(:{2,})\s*([A-Za-z][\w-]*)?/.exec(line);
  if (!match) return undefined;
  if (!match[2]) {
    return /^:{2,}\s*$/.test(line)
      ? 'This line of colons closes a directive, but none is open here: remove it, or open the box with :::tip, :::warning, :::red-flags or :::exercise'
      : `This line starts with "${match[1]}" but is not a directive: write \\: for a literal colon`;
  }
  return `"${match[1]}${match[2]}" could not be read as a directive, so it would print as written: check its {…} attributes (name="value", with \\" for a quote inside a value) and that no space follows the colons`;
}

/** md-directive-unknown, md-directive-form. */
export const directives: Rule = ({ content }) => {
  for (const guide of content.guides) {
    if (!guide.tree) continue;
    const source = String(guide.file.value);
    visit(guide.tree, (node) => {
      if (node.type === 'paragraph') {
        const failed = failedDirective(node, source);
        if (failed) report(guide.file, 'md-directive-form', failed, nodePlace(node));
        return;
      }
      if (node.type !== 'containerDirective' && node.type !== 'leafDirective' && node.type !== 'textDirective') return;
      const place = nodePlace(node);
      if (!isKnownDirective(node.name)) {
        const hint =
          node.type === 'textDirective' ? ' (a colon straight before a word starts a directive: write `\\:` for a literal colon)' : '';
        report(guide.file, 'md-directive-unknown', `Unknown directive "${node.name}": use red-flags, tip, warning, exercise or pagebreak${hint}`, place);
        return;
      }
      const expected = DIRECTIVES[node.name];
      if (node.type !== expected) {
        report(guide.file, 'md-directive-form', `"${node.name}" is written ${FORM_TEXT[expected].replace('name', node.name)}`, place);
        return;
      }
      if (node.type === 'containerDirective' && !isClosed(node, source)) {
        report(guide.file, 'md-directive-form', `":::${node.name}" is never closed, so everything after it is inside it: end it with a line of three colons (:::)`, place);
      }
      if (node.name === 'pagebreak' && node.children.length > 0) {
        report(guide.file, 'md-directive-form', '::pagebreak takes no text: the PDF would not print it (write it as a paragraph of its own)', place);
      }
      if (node.name === 'exercise' && !node.attributes?.title?.trim()) {
        report(guide.file, 'md-directive-form', 'An exercise needs a title: :::exercise{title="Kneeling hip flexor stretch"}', place);
      }
    });
  }
};
