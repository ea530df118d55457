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

/** md-directive-unknown, md-directive-form. */
export const directives: Rule = ({ content }) => {
  for (const guide of content.guides) {
    if (!guide.tree) continue;
    visit(guide.tree, (node) => {
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
      if (node.name === 'exercise' && !node.attributes?.title?.trim()) {
        report(guide.file, 'md-directive-form', 'An exercise needs a title: :::exercise{title="Kneeling hip flexor stretch"}', place);
      }
    });
  }
};
