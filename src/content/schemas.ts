import { z } from 'zod';

/**
 * The editors' contract (DESIGN.md "Content format"), as zod schemas. Model types are inferred
 * from these, so a field is declared once. Format checks (semver, dates, enums) carry their own
 * rule ids through `FIELD_RULES` below rather than through ad-hoc messages.
 */

// semver.org's recommended pattern.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const LANG_TAG = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isRealIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export const semver = z.string().regex(SEMVER, { error: 'Expected a semantic version such as 1.2.0' });
export const isoDate = z.string().refine(isRealIsoDate, { error: 'Expected a real date written YYYY-MM-DD' });
export const langTag = z.string().regex(LANG_TAG, { error: 'Expected a language tag such as en or es' });
const text = z.string().trim().min(1, { error: 'Must not be empty' });
const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: 'Expected an absolute http(s) URL' },
);

export const AUDIENCES = ['patient', 'clinician'] as const;

export const referenceSchema = z.object({
  title: text.describe('Title of the work cited.'),
  citation: text.describe('Authors, journal, year;volume:pages (or publisher).'),
  url: httpUrl.optional().describe('Absolute http(s) link, e.g. https://doi.org/….'),
});

export const frontMatterSchema = z.object({
  title: text.describe('The guide title, printed in the title block and the page title.'),
  summary: text.describe('One plain-language sentence: what the guide is about.'),
  lang: langTag.describe('Language tag (en, es, …): in guide.md the first of careprint.yaml languages, in guide.<lang>.md the one in its name.'),
  version: semver.describe('Semantic version of this guide (1.2.0).'),
  audience: z.enum(AUDIENCES, { error: 'Expected one of: patient, clinician' }).describe('Who the guide is written for.'),
  review: z
    .object({
      reviewed_by: text.describe('Clinician who last reviewed the content.'),
      last_reviewed: isoDate.describe('Date of the last clinical review, YYYY-MM-DD.'),
      next_review: isoDate.describe('Date the next review is due, YYYY-MM-DD; after last_reviewed.'),
    })
    .describe('Clinical review record, printed on every page.'),
  references: z.array(referenceSchema).default([]).describe('Sources the content rests on.'),
  tags: z.array(text).default([]).describe('Topics, shown on the site index.'),
  translation_of: semver.optional().describe('For a translation: the version of the original it translates.'),
  changelog: z
    .array(
      z.object({
        version: semver.describe('Version the entry describes.'),
        date: isoDate.describe('Date of the change, YYYY-MM-DD.'),
        note: text.describe('What changed, in a sentence.'),
      }),
    )
    .default([])
    .describe('What changed in each version.'),
});
export type FrontMatter = z.infer<typeof frontMatterSchema>;

// Ids may be written unquoted as numbers (`id: 1`); they are compared as text.
const id = z.union([z.string().trim().min(1), z.number()]).transform(String);

export const QUESTION_TYPES = ['single', 'multiple', 'true-false'] as const;

export const optionSchema = z.object({
  id: id.describe('Option id, unique in its question (a, b, c…).'),
  text: text.describe('Option text.'),
});

export const questionSchema = z.object({
  id: id.describe('Question id, unique in the quiz (kebab-case).'),
  type: z.enum(QUESTION_TYPES, { error: 'Expected one of: single, multiple, true-false' }).describe('single: one answer; multiple: one or more; true-false: a statement.'),
  prompt: text.describe('The question as the reader sees it.'),
  options: z.array(optionSchema).optional().describe('Answer options (not for true-false).'),
  answer: z
    .union([z.boolean(), id, z.array(id)], { error: 'Expected an option id, a list of option ids, or true/false' })
    .describe('Option id (single), list of option ids (multiple), or true/false (true-false).'),
  explanation: text.optional().describe('Why the answer is right, shown after answering and in the key.'),
  section: z.string().optional().describe('Slug of the guide heading the question tests.'),
});
export type Question = z.infer<typeof questionSchema>;

export const quizSchema = z.object({
  title: text.default('Check what you know').describe('Quiz title.'),
  questions: z.array(questionSchema).min(1, { error: 'A quiz needs at least one question' }).describe('The questions, in order.'),
});
export type Quiz = z.infer<typeof quizSchema>;

export const glossaryEntrySchema = z.object({
  term: text.describe('The word or phrase, lowercase unless an acronym.'),
  definition: text.describe('A plain-language definition in one sentence.'),
  aliases: z.array(text).default([]).describe('Other spellings or forms that mean the same.'),
});
export const glossarySchema = z.array(glossaryEntrySchema);
export type GlossaryEntry = z.infer<typeof glossaryEntrySchema>;

/** Which rule a schema issue at a given path belongs to (`*` matches any list index). */
export const FIELD_RULES = {
  frontmatter: {
    version: 'frontmatter-version',
    translation_of: 'frontmatter-version',
    'changelog.*.version': 'frontmatter-version',
    'review.last_reviewed': 'frontmatter-date',
    'review.next_review': 'frontmatter-date',
    'changelog.*.date': 'frontmatter-date',
    audience: 'frontmatter-audience',
    lang: 'frontmatter-lang',
    'references.*.url': 'frontmatter-url',
  },
  quiz: {},
  glossary: {},
  config: {},
} as const;
