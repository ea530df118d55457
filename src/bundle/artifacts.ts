import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeIndex, composeTree, guidePageUrl, partialText, type CheckedGuide } from '../compose/compose.js';
import { TEMPLATES_DIR } from '../compose/templates.js';
import type { Content } from '../content/model.js';
import { mdastToHtml } from '../render/html/render.js';
import { renderPage } from '../render/html/page.js';
import { renderPdf } from '../render/pdf/document.js';
import { PAPER } from '../render/pdf/theme.js';
import type { Artifact } from './plan.js';

export interface BuildClock {
  /** SOURCE_DATE_EPOCH as a Date, when set. */
  sourceDate: Date | undefined;
}

/** Output names: DESIGN.md's "Outputs" contract. */
export const outputPaths = {
  handout: (slug: string, lang: string, paper: string, large = false) => `pdf/${slug}.${lang}.handout${large ? '-large' : ''}.${paper}.pdf`,
  quizSheet: (slug: string, lang: string, paper: string) => `pdf/${slug}.${lang}.quiz.${paper}.pdf`,
  page: (slug: string, lang: string, primary: boolean) => `site/${slug}/${primary ? 'index' : `index.${lang}`}.html`,
  quizPage: (slug: string, lang: string, primary: boolean) => `site/${slug}/${primary ? 'quiz' : `quiz.${lang}`}.html`,
};

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** The PDFs' fixed date: SOURCE_DATE_EPOCH when set, else the guide's review date (never "now"). */
function pdfDate(guide: CheckedGuide, clock: BuildClock): Date {
  return clock.sourceDate ?? new Date(`${guide.meta.review.last_reviewed}T00:00:00Z`);
}

export async function guideArtifacts(content: Content, guide: CheckedGuide, clock: BuildClock): Promise<Artifact[]> {
  const { config } = content;
  const primary = guide.lang === (config.languages[0] ?? 'en');
  const source = { guide: guide.slug, lang: guide.lang, version: guide.meta.version };
  const input = { content, guide };
  const artifacts: Artifact[] = [];
  const pageHref = basename(outputPaths.page(guide.slug, guide.lang, primary));
  const quizHref = basename(outputPaths.quizPage(guide.slug, guide.lang, primary));
  const common = {
    lang: guide.lang,
    title: guide.meta.title,
    author: config.organisation,
    subject: guide.meta.summary,
    keywords: guide.meta.tags,
    date: pdfDate(guide, clock),
    footer: partialText('review-line', input),
    baseDir: guide.dir,
    imageRoot: content.root,
    qrUrl: guidePageUrl(config, guide.slug) ?? undefined,
  };
  const downloads: Array<{ href: string; label: string }> = [];

  const handout = composeTree('handout', input);
  for (const variant of ['standard', 'large'] as const) {
    for (const paper of config.paper) {
      const file = outputPaths.handout(guide.slug, guide.lang, paper, variant === 'large');
      const data = await renderPdf(handout, { ...common, paper, variant, header: guide.meta.title });
      artifacts.push({ path: file, data, mediaType: 'application/pdf', source });
      downloads.push({ href: `../../${file}`, label: `Handout, ${variant === 'large' ? 'large print, ' : ''}${PAPER[paper].label}` });
    }
  }
  const quiz = guide.quiz?.quiz;
  if (quiz) {
    const sheet = composeTree('quiz-sheet', input);
    for (const paper of config.paper) {
      const file = outputPaths.quizSheet(guide.slug, guide.lang, paper);
      const data = await renderPdf(sheet, { ...common, title: `${quiz.title}: ${guide.meta.title}`, paper, variant: 'standard', header: `${quiz.title}: ${guide.meta.title}` });
      artifacts.push({ path: file, data, mediaType: 'application/pdf', source });
      downloads.push({ href: `../../${file}`, label: `Quiz sheet, ${PAPER[paper].label}` });
    }
  }

  const page = composeTree('guide-page', input, { quizHref, guideHref: pageHref });
  artifacts.push({
    path: outputPaths.page(guide.slug, guide.lang, primary),
    data: Buffer.from(renderPage({ lang: guide.lang, title: guide.meta.title, siteTitle: config.title, root: '../', body: mdastToHtml(page), downloads })),
    mediaType: 'text/html',
    source,
  });
  if (quiz) {
    const quizPage = composeTree('quiz-page', input, { showAnswers: true, guideHref: pageHref, quizHref });
    artifacts.push({
      path: outputPaths.quizPage(guide.slug, guide.lang, primary),
      data: Buffer.from(renderPage({ lang: guide.lang, title: `${quiz.title}: ${guide.meta.title}`, siteTitle: config.title, root: '../', body: mdastToHtml(quizPage), downloads: [] })),
      mediaType: 'text/html',
      source,
    });
  }
  return artifacts;
}

export function siteArtifacts(content: Content, guides: readonly CheckedGuide[]): Artifact[] {
  const primaryLang = content.config.languages[0] ?? 'en';
  const listed = guides.filter((g) => g.lang === primaryLang);
  const index = composeIndex(content, listed, (g) => outputPaths.page(g.slug, g.lang, true).slice('site/'.length));
  return [
    {
      path: 'site/index.html',
      data: Buffer.from(renderPage({ lang: primaryLang, title: content.config.title, siteTitle: content.config.title, root: '', body: mdastToHtml(index), downloads: [] })),
      mediaType: 'text/html',
    },
    { path: 'site/assets/site.css', data: readFileSync(path.join(TEMPLATES_DIR, 'site.css')), mediaType: 'text/css' },
  ];
}
