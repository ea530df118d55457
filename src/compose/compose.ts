import type { Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { SKIP, visit } from 'unist-util-visit';
import type { Config } from '../config/schema.js';
import type { GlossaryEntry } from '../content/schemas.js';
import { questionFacts } from '../quiz/options.js';
import { quizVersions, type QuizVersion } from '../quiz/versions.js';
import type { Content, GuideDoc } from '../content/model.js';
import { formatDate } from './dates.js';
import { TemplateValues } from './values.js';
import { pageReference } from './page-reference.js';
import { parseSkeleton } from './skeleton.js';
import { renderPartial, renderTemplate, type MarkdownTemplate } from './templates.js';

/** A guide that passed `check`: its front matter and tree are known to be present. */
export type CheckedGuide = GuideDoc & { meta: NonNullable<GuideDoc['meta']>; tree: NonNullable<GuideDoc['tree']> };

export function isChecked(guide: GuideDoc): guide is CheckedGuide {
  return guide.meta !== undefined && guide.tree !== undefined;
}

/** Terms found per guide tree and glossary: every output of a guide composes its template data. */
const TERMS_USED = new WeakMap<Root, { glossary: readonly GlossaryEntry[]; terms: GlossaryEntry[] }>();

/** Glossary entries whose term or an alias appears in the guide's text (whole words, any case). */
export function termsUsed(tree: Root, glossary: readonly GlossaryEntry[]): GlossaryEntry[] {
  const known = TERMS_USED.get(tree);
  if (known?.glossary === glossary) return [...known.terms];
  const terms = findTerms(tree, glossary);
  TERMS_USED.set(tree, { glossary, terms });
  return [...terms];
}

/**
 * The guide's text, one line per paragraph, heading or table cell: read whole, blocks ran
 * together ("Protect the bursa" + "Rest…" read "bursaRest"), and a term that ended or began a
 * block was not found, though the web page marked it.
 */
function blockText(tree: Root): string {
  const lines: string[] = [];
  visit(tree, (node) => {
    if (node.type !== 'paragraph' && node.type !== 'heading' && node.type !== 'tableCell') return undefined;
    lines.push(toString(node));
    return SKIP;
  });
  return lines.join('\n');
}

function findTerms(tree: Root, glossary: readonly GlossaryEntry[]): GlossaryEntry[] {
  const text = blockText(tree);
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return glossary
    .filter((entry) =>
      [entry.term, ...entry.aliases].some((name) => new RegExp(`(?<![\\p{L}\\p{N}])${escape(name)}(?![\\p{L}\\p{N}])`, 'iu').test(text)),
    )
    .sort((a, b) => a.term.localeCompare(b.term, 'en'));
}

export function glossaryFor(content: Content, lang: string): readonly GlossaryEntry[] {
  return (content.glossaries.find((g) => g.lang === lang) ?? content.glossaries[0])?.entries ?? [];
}

/** The guide body without front matter and without its `#` title (the title block prints it). */
export function guideBody(guide: CheckedGuide): RootContent[] {
  const children = guide.tree.children.filter((node) => node.type !== 'yaml');
  const first = children[0];
  return first?.type === 'heading' && first.depth === 1 ? children.slice(1) : children;
}

/** Question data for the quiz templates, in one version's order. */
function quizData(guide: CheckedGuide, version: QuizVersion, guideHref: string) {
  return version.questions.map(({ question, options, correct }, index) => {
    const { sectionSlug, ...facts } = questionFacts(question, options, correct, guide.anchors, guideHref);
    return {
      number: index + 1,
      id: question.id,
      ...facts,
      // Box shape on paper: round for one answer, square for several.
      box: question.type === 'multiple' ? 'square' : 'round',
      options: options.map((o) => ({ text: o.text })),
      sectionSlug,
    };
  });
}

export interface ComposeInput {
  content: Content;
  guide: CheckedGuide;
}

/** The guide's public web page (for the QR code on paper), when careprint.yaml gives a base URL. */
export function guidePageUrl(config: Config, slug: string): string | null {
  if (!config.base_url) return null;
  const base = config.base_url.endsWith('/') ? config.base_url : `${config.base_url}/`;
  return new URL(`${encodeURIComponent(slug)}/`, base).href;
}

/** What every template sees (its strings go into the Markdown as placeholders: see values.ts). */
export interface TemplateExtras {
  showAnswers?: boolean;
  guideHref?: string;
  quizHref?: string;
  /** The quiz version to print (default: the written order). */
  version?: QuizVersion;
  /**
   * Give each question's section a handout page reference (the answer key's "page N of the
   * handout"). The number is the PDF renderer's to fill in (see page-reference.ts), so one composed
   * key serves every paper size, each with its own handout's pages.
   */
  pageReferences?: boolean;
}

export function templateData({ content, guide }: ComposeInput, values: TemplateValues, extra: TemplateExtras = {}) {
  const config: Config = content.config;
  const quiz = guide.quiz?.quiz;
  const questions = quiz ? quizData(guide, extra.version ?? quizVersions(quiz, 1, guide.slug)[0]!, extra.guideHref ?? 'index.html') : [];
  const data = values.hold({
    site: { title: config.title, organisation: config.organisation ?? null, base_url: config.base_url ?? null, disclaimer: config.disclaimer ?? null },
    clinic: config.clinic
      ? {
          name: config.clinic.name,
          address: config.clinic.address ?? null,
          phone: config.clinic.phone ?? null,
          email: config.clinic.email ?? null,
          website: config.clinic.website ?? null,
        }
      : null,
    guide: {
      slug: guide.slug,
      href: extra.guideHref ?? 'index.html',
      url: guidePageUrl(config, guide.slug),
      title: guide.meta.title,
      summary: guide.meta.summary,
      version: guide.meta.version,
      lang: guide.lang,
      reviewed_by: guide.meta.review.reviewed_by,
      last_reviewed: formatDate(guide.meta.review.last_reviewed),
      next_review: formatDate(guide.meta.review.next_review),
      references: guide.meta.references.map((r) => ({ title: r.title, citation: r.citation, url: r.url ?? null })),
    },
    glossary: termsUsed(guide.tree, glossaryFor(content, guide.lang)).map((e) => ({ term: e.term, definition: e.definition })),
    quiz: quiz ? { title: quiz.title, count: String(quiz.questions.length), href: extra.quizHref ?? 'quiz.html', version: extra.version?.label ?? null } : null,
    questions: questions.map(({ sectionSlug: _slug, ...question }) => question),
    showAnswers: extra.showAnswers ?? false,
  });
  // The page reference is careprint's own Markdown, added after the text values are held; the
  // slug in it is held too, so a key's question reads the same whatever section it tests.
  return {
    ...data,
    questions: data.questions.map((question, i) => {
      const slug = questions[i]!.sectionSlug;
      return { ...question, sectionPage: extra.pageReferences && slug ? pageReference(slug, values.hold(slug)) : null };
    }),
  };
}

/**
 * Compose one output: render its template to Markdown, parse it with the one processor, and put
 * the guide's own tree where the template says `::careprint-body` (so the body keeps its source
 * positions). The result is the single intermediate every renderer draws from.
 */
export function composeTree(template: MarkdownTemplate, input: ComposeInput, extra: TemplateExtras = {}): Root {
  const values = new TemplateValues();
  const tree = parseComposed(`templates/${template}.md.hbs`, renderTemplate(template, templateData(input, values, extra)), values);
  const body = guideBody(input.guide);
  tree.children = tree.children.flatMap((node) => (node.type === 'leafDirective' && node.name === 'careprint-body' ? structuredClone(body) : [node]));
  return tree;
}

/** Plain text of a shared partial, for page furniture such as the PDF footer. */
export function partialText(name: 'review-line' | 'disclaimer', input: ComposeInput): string {
  const values = new TemplateValues();
  return toString(parseComposed(undefined, renderPartial(name, templateData(input, values)), values))
    .replace(/\s+/g, ' ')
    .trim();
}

/** Parse a template's Markdown with the one processor (block by block, see skeleton.ts) and put its held values in. */
function parseComposed(path: string | undefined, text: string, values: TemplateValues): Root {
  return values.fill(parseSkeleton(path, text));
}

/** The site's index page: every guide with its summary, review date and topics. */
/** What the library index needs of a guide (a build passes these from its workers, without the text). */
export type GuideListing = Pick<CheckedGuide, 'slug' | 'lang' | 'meta'>;

/** The library index: `guides` in the primary language, each with every language it exists in (`all`). */
export function composeIndex(content: Content, guides: readonly GuideListing[], all: readonly GuideListing[], hrefOf: (guide: GuideListing) => string): Root {
  const values = new TemplateValues();
  const data = values.hold({
    site: { title: content.config.title, organisation: content.config.organisation ?? null },
    guides: guides.map((guide) => ({
      title: guide.meta.title,
      summary: guide.meta.summary,
      href: hrefOf(guide),
      last_reviewed: formatDate(guide.meta.review.last_reviewed),
      tags: guide.meta.tags,
      languages: all.filter((other) => other.slug === guide.slug).map((other) => other.lang),
    })),
  });
  return parseComposed('templates/site-index.md.hbs', renderTemplate('site-index', data), values);
}

/** The site's 404 page. */
export function composeNotFound(content: Content): Root {
  const values = new TemplateValues();
  const data = values.hold({ site: { title: content.config.title, organisation: content.config.organisation ?? null } });
  return parseComposed('templates/not-found.md.hbs', renderTemplate('not-found', data), values);
}
