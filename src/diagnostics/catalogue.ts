/**
 * The rule catalogue: every diagnostic careprint can emit, with its default severity and a
 * one-line description. The README's rule table and the tests are driven from this list, so a
 * rule cannot exist without being documented here.
 */
export type Severity = 'error' | 'warning';

export interface RuleInfo {
  readonly severity: Severity;
  readonly description: string;
}

export const RULE_SOURCE = 'careprint';

export const rules = {
  // Files
  'file-encoding': { severity: 'error', description: 'File is not valid UTF-8.' },
  'file-empty': { severity: 'error', description: 'File is empty.' },
  'file-too-large': { severity: 'error', description: 'File is larger than careprint reads (1 MiB).' },
  'file-too-complex': {
    severity: 'error',
    description: 'File holds more than careprint reads in reasonable time and memory (Markdown lines, list items, block quotes, nesting, emphasis; YAML keys or nesting), or its Markdown took too long or too much memory to read.',
  },
  'file-unknown': { severity: 'warning', description: 'File careprint does not know in a guide folder or content root.' },
  'file-missing': { severity: 'error', description: 'A required file (careprint.yaml, or the guide.md of a guide folder) is missing.' },
  'file-slug': { severity: 'error', description: 'Guide folder name is not a lowercase slug (a-z, 0-9, hyphens).' },
  // YAML
  'yaml-syntax': { severity: 'error', description: 'YAML cannot be parsed.' },
  'yaml-duplicate-key': { severity: 'error', description: 'The same key appears twice in one YAML mapping.' },
  'yaml-alias-limit': { severity: 'error', description: 'YAML aliases expand past the safety limit (alias bomb).' },
  'yaml-directive': { severity: 'error', description: 'A %YAML directive would change how values are typed.' },
  // Front matter
  'frontmatter-missing': { severity: 'error', description: 'Guide has no YAML front matter.' },
  'frontmatter-required': { severity: 'error', description: 'A required front-matter field is missing.' },
  'frontmatter-type': { severity: 'error', description: 'A front-matter field has the wrong type or shape.' },
  'frontmatter-version': { severity: 'error', description: '`version` is not a semantic version (1.2.0).' },
  'frontmatter-date': { severity: 'error', description: 'A date is not a real calendar date written YYYY-MM-DD.' },
  'frontmatter-audience': { severity: 'error', description: '`audience` is not one of patient | clinician.' },
  'frontmatter-lang': { severity: 'error', description: '`lang` is not a language tag, or differs from the file name.' },
  'frontmatter-url': { severity: 'error', description: 'A reference URL is not an absolute http(s) URL.' },
  'frontmatter-unknown-key': { severity: 'warning', description: 'Front matter has a key careprint does not know.' },
  'review-order': { severity: 'error', description: '`next_review` is not after `last_reviewed`.' },
  'review-overdue': { severity: 'warning', description: 'The review date has passed (an error under --strict).' },
  'review-due-soon': { severity: 'warning', description: 'The review falls due within the configured window.' },
  // Quiz
  'quiz-required': { severity: 'error', description: 'A required quiz field is missing.' },
  'quiz-type': { severity: 'error', description: 'A quiz field has the wrong type or value.' },
  'quiz-unknown-key': { severity: 'warning', description: 'Quiz has a key careprint does not know.' },
  'quiz-duplicate-id': { severity: 'error', description: 'Two questions share an id.' },
  'quiz-duplicate-option-id': { severity: 'error', description: 'Two options of one question share an id.' },
  'quiz-answer-unknown': { severity: 'error', description: '`answer` names an option that does not exist.' },
  'quiz-answer-count': { severity: 'error', description: '`single` needs exactly one answer; `multiple` at least one.' },
  'quiz-true-false': { severity: 'error', description: '`true-false` needs a boolean answer and no options.' },
  'quiz-options-missing': { severity: 'error', description: '`single` and `multiple` questions need at least two options.' },
  'quiz-section-unknown': { severity: 'error', description: '`section` is not the slug of a heading in the guide.' },
  'quiz-all-none-option': { severity: 'warning', description: '"All/none of the above" options are an item-writing flaw and break shuffling.' },
  // Glossary and config
  'glossary-required': { severity: 'error', description: 'A glossary entry lacks a required field.' },
  'glossary-type': { severity: 'error', description: 'A glossary field has the wrong type.' },
  'glossary-unknown-key': { severity: 'warning', description: 'Glossary entry has a key careprint does not know.' },
  'glossary-duplicate-term': { severity: 'error', description: 'A term or alias is defined twice.' },
  'config-required': { severity: 'error', description: 'A required careprint.yaml field is missing.' },
  'config-type': { severity: 'error', description: 'A careprint.yaml field has the wrong type or value.' },
  'config-unknown-key': { severity: 'warning', description: 'careprint.yaml has a key careprint does not know.' },
  // Markdown
  'md-nesting-depth': { severity: 'error', description: 'Markdown is nested deeper than careprint renders (block quotes, lists).' },
  'md-directive-unknown': { severity: 'error', description: 'Directive name is not red-flags, tip, warning, exercise or pagebreak.' },
  'md-directive-form': { severity: 'error', description: 'Directive is written in the wrong form (container vs leaf) or lacks an attribute.' },
  'md-url-protocol': { severity: 'warning', description: 'Link or image URL uses a scheme other than http, https, mailto or tel; it is removed from every output.' },
  'md-path-outside': { severity: 'error', description: 'Link or image path leaves content/ (never read).' },
  'md-path-case': { severity: 'error', description: 'Two published files whose names differ only in letter case or Unicode form: one overwrites the other when the bundle is unzipped on macOS or Windows.' },
  'md-link-missing': { severity: 'error', description: 'Local link target does not exist.' },
  'md-link-unpublished': { severity: 'warning', description: 'Local link target exists but is not published with the web pages (only guides and the guide\'s own images/ files are).' },
  'md-link-file-type': { severity: 'error', description: 'Linked file in images/ is not a kind the web site publishes (PDF, or a PNG, JPEG or SVG image, by its content and a matching extension).' },
  'md-image-missing': { severity: 'error', description: 'Image file does not exist.' },
  'md-image-format': { severity: 'error', description: 'Image is not a readable PNG, JPEG or SVG (damaged, or a kind PDF viewers cannot show), or an SVG holds more than a drawing (a script, an animation, a DOCTYPE, a reference outside the file) or cannot be drawn.' },
  'md-image-size': { severity: 'error', description: 'Bitmap image is larger than careprint embeds (10,000 pixels on a side, 25 megapixels), or an SVG too large to draw (elements, depth, size, numbers).' },
  'md-anchor-missing': { severity: 'error', description: 'Link to #anchor names no heading.' },
  'md-alt-missing': { severity: 'error', description: 'Image or exercise figure has no alt text (accessibility).' },
  'md-html': { severity: 'warning', description: 'Raw HTML is removed from every output.' },
  'md-table-extra-cell': { severity: 'warning', description: 'A table row has more cells than the header; the extra cells are left out of every output.' },
  'md-bidi-control': { severity: 'warning', description: 'An invisible text-direction control reorders text on the web page but not in the PDF.' },
  'md-footnote-unused': { severity: 'warning', description: 'A footnote is never referred to: the web page leaves it out.' },
  'md-heading-increment': { severity: 'warning', description: 'Heading skips a level (e.g. ## then ####).' },
  'md-heading-title': { severity: 'warning', description: 'The guide does not start with one `#` heading.' },
  // Characters
  'glyph-missing': { severity: 'error', description: 'A character has no glyph in the embedded fonts and would print as a blank box.' },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof rules;

export function ruleUrl(id: RuleId): string {
  return `https://careprint.invalid/docs/rules#${id}`;
}
