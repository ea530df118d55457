import { composeIndex, composeNotFound, type GuideListing } from '../compose/compose.js';
import type { Content } from '../content/model.js';
import type { SiteAssets } from '../render/html/assets.js';
import { renderPage } from '../render/html/page.js';
import { mdastToHtml } from '../render/html/render.js';
import { outputPaths } from './output-paths.js';
import type { Artifact } from './plan.js';

/**
 * The library-wide pages (index, 404). Its own module, without the PDF renderer: the main
 * process of a build makes these (when they are not cached) and no guide's outputs.
 */
/** The library index (every guide in `guides`, in the primary language) and the 404 page. */
export function sitePages(content: Content, guides: readonly GuideListing[], site: Pick<SiteAssets, 'css'>): Artifact[] {
  const primaryLang = content.config.languages[0] ?? 'en';
  const listed = guides.filter((g) => g.lang === primaryLang);
  const index = composeIndex(content, listed, guides, (g) => outputPaths.page(g.slug, g.lang, true).slice('site/'.length));
  const page = (title: string, body: string) =>
    Buffer.from(renderPage({ lang: primaryLang, title, siteTitle: content.config.title, root: '', css: site.css, body, downloads: [] }));
  return [
    { path: 'site/index.html', data: page(content.config.title, mdastToHtml(index)), mediaType: 'text/html' },
    { path: 'site/404.html', data: page('Page not found', mdastToHtml(composeNotFound(content))), mediaType: 'text/html' },
  ];
}
