import path from 'node:path';
import { composeTree, glossaryFor, guidePageUrl, partialText, type CheckedGuide } from '../compose/compose.js';
import type { PaperSize } from '../config/schema.js';
import type { Content } from '../content/model.js';
import { toGift } from '../quiz/gift.js';
import { quizVersions } from '../quiz/versions.js';
import { renderQuizForm } from '../render/html/quiz-form.js';
import type { SiteAssets } from '../render/html/assets.js';
import { resolveContentPath } from '../content/paths.js';
import { isUnpublishable, publishedFile } from '../content/published-files.js';
import { visit } from 'unist-util-visit';
import { mdastToHtml } from '../render/html/render.js';
import { renderPage } from '../render/html/page.js';
import { renderPdf } from '../render/pdf/document.js';
import { PAPER } from '../render/pdf/theme.js';
import { outputPaths } from './output-paths.js';
import { isLinkedFile, siteLink, type SiteLinkContext } from './site-links.js';
import { splitTarget } from '../content/paths.js';
import type { Artifact } from './plan.js';

export { outputPaths };

export interface BuildClock {
  /** SOURCE_DATE_EPOCH as a Date, when set. */
  sourceDate: Date | undefined;
}

export interface ArtifactOptions {
  /** Override careprint.yaml's quiz.versions / quiz.seed (build flags). */
  quizVersions?: number | undefined;
  quizSeed?: string | undefined;
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** The PDFs' fixed date: SOURCE_DATE_EPOCH when set, else the guide's review date (never "now"). */
function pdfDate(guide: CheckedGuide, clock: BuildClock): Date {
  return clock.sourceDate ?? new Date(`${guide.meta.review.last_reviewed}T00:00:00Z`);
}

export async function guideArtifacts(content: Content, guide: CheckedGuide, clock: BuildClock, site: Pick<SiteAssets, 'css' | 'quizJs'>, options: ArtifactOptions = {}): Promise<Artifact[]> {
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
  // Where each section lands in the standard handout, per paper size, for the answer key.
  const sectionPages = new Map<PaperSize, Map<string, number>>();
  for (const variant of ['standard', 'large'] as const) {
    for (const paper of config.paper) {
      const file = outputPaths.handout(guide.slug, guide.lang, paper, variant === 'large');
      const pages = new Map<string, number>();
      if (variant === 'standard') sectionPages.set(paper, pages);
      const data = await renderPdf(handout, { ...common, paper, variant, header: guide.meta.title, onHeading: (slug, page) => pages.set(slug, page) });
      artifacts.push({ path: file, data, mediaType: 'application/pdf', source });
      downloads.push({ href: `../../${file}`, label: `Handout, ${variant === 'large' ? 'large print, ' : ''}${PAPER[paper].label}` });
    }
  }
  const quiz = guide.quiz?.quiz;
  if (quiz) {
    const versions = quizVersions(quiz, options.quizVersions ?? config.quiz.versions, options.quizSeed ?? config.quiz.seed ?? guide.slug);
    const title = `${quiz.title}: ${guide.meta.title}`;
    for (const version of versions) {
      const suffix = version.label ? ` (version ${version.label})` : '';
      const sheet = composeTree('quiz-sheet', input, { version });
      for (const variant of ['standard', 'large'] as const) {
        for (const paper of config.paper) {
          const file = outputPaths.quizSheet(guide.slug, guide.lang, paper, variant === 'large' ? 'quiz-large' : 'quiz', version.label);
          const data = await renderPdf(sheet, { ...common, title: `${title}${suffix}`, paper, variant, header: `${title}${suffix}` });
          artifacts.push({ path: file, data, mediaType: 'application/pdf', source });
          downloads.push({ href: `../../${file}`, label: `Quiz sheet${suffix}, ${variant === 'large' ? 'large print, ' : ''}${PAPER[paper].label}` });
        }
      }
      // One composed key for every paper size: its page references are filled in per paper.
      const key = composeTree('quiz-key', input, { version, pageReferences: true });
      for (const paper of config.paper) {
        const file = outputPaths.quizSheet(guide.slug, guide.lang, paper, 'quiz-key', version.label);
        const data = await renderPdf(key, {
          ...common,
          title: `Answer key: ${title}${suffix}`,
          paper,
          variant: 'standard',
          header: `Answer key: ${title}${suffix}`,
          sectionPages: sectionPages.get(paper),
        });
        artifacts.push({ path: file, data, mediaType: 'application/pdf', source });
        downloads.push({ href: `../../${file}`, label: `Answer key${suffix}, ${PAPER[paper].label}` });
      }
    }
    artifacts.push({
      path: outputPaths.gift(guide.slug, guide.lang),
      data: Buffer.from(toGift(quiz, { slug: guide.slug, lang: guide.lang, title: guide.meta.title })),
      mediaType: 'text/plain',
      source,
    });
  }

  const page = composeTree('guide-page', input, { quizHref, guideHref: pageHref });
  const glossary = glossaryFor(content, guide.lang);
  const links = siteLinkContext(content, guide);
  const link = (url: string) => siteLink(url, links);
  artifacts.push(...(await imageArtifacts(content, guide, links)));
  artifacts.push({
    path: outputPaths.page(guide.slug, guide.lang, primary),
    data: Buffer.from(renderPage({ lang: guide.lang, title: guide.meta.title, siteTitle: config.title, root: '../', css: site.css, body: mdastToHtml(page, { glossary, link }), downloads })),
    mediaType: 'text/html',
    source,
  });
  if (quiz) {
    const quizPage = composeTree('quiz-page', input, { guideHref: pageHref, quizHref });
    // The form is built by its own HTML template (values escaped) where the page leaves a slot.
    const form = renderQuizForm(guide, quizVersions(quiz, 1, guide.slug)[0]!, pageHref);
    const body = mdastToHtml(quizPage, { link }).replace('<div class="quiz-form-slot"></div>', form);
    artifacts.push({
      path: outputPaths.quizPage(guide.slug, guide.lang, primary),
      data: Buffer.from(
        renderPage({ lang: guide.lang, title: `${quiz.title}: ${guide.meta.title}`, siteTitle: config.title, root: '../', css: site.css, body, downloads: [], scripts: [`../${site.quizJs}`] }),
      ),
      mediaType: 'text/html',
      source,
    });
  }
  return artifacts;
}

function siteLinkContext(content: Content, guide: CheckedGuide): SiteLinkContext {
  return { guidesRoot: path.join(content.root, 'guides'), guideDir: guide.dir, slug: guide.slug, primaryLang: content.config.languages[0] ?? 'en' };
}

/**
 * Every image the guide shows (Markdown images and exercise figures), and every file in its
 * images/ folder it links to (a leaflet), at the same relative path under site/.
 */
async function imageArtifacts(content: Content, guide: CheckedGuide, links: SiteLinkContext): Promise<Artifact[]> {
  const guidesRoot = path.join(content.root, 'guides');
  const found = new Map<string, Artifact>();
  const files: Array<{ target: string; absolute: string }> = [];
  visit(guide.tree, (node) => {
    const url =
      node.type === 'image'
        ? node.url
        : node.type === 'containerDirective' && node.name === 'exercise'
          ? node.attributes?.image
          : (node.type === 'link' || node.type === 'definition') && isLinkedFile(node.url, links)
            ? node.url
            : undefined;
    if (!url) return;
    // The file as check resolves it: a ?query or #fragment is not part of its name.
    const decoded = splitTarget(url).file;
    const resolved = resolveContentPath(content.root, content.rootReal, guide.dir, decoded);
    if (resolved.kind !== 'inside') return;
    const relative = path.relative(guidesRoot, path.resolve(guide.dir, decoded));
    if (relative.startsWith('..') || path.isAbsolute(relative)) return;
    files.push({ target: `site/${relative.split(path.sep).join('/')}`, absolute: resolved.absolute });
  });
  for (const { target, absolute } of files) {
    if (found.has(target)) continue;
    // Only what the site may publish, as it publishes it (an SVG or a PDF written again): check
    // has reported anything else at its link, and nothing else is ever copied.
    const published = await publishedFile(absolute);
    if (!isUnpublishable(published)) found.set(target, { path: target, ...published });
  }
  return [...found.values()];
}
