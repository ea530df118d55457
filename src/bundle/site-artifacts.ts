import { composeIndex, composeNotFound, type GuideListing } from '../compose/compose.js';
import type { Content } from '../content/model.js';
import type { SiteAssets } from '../render/html/assets.js';
import { renderPage } from '../render/html/page.js';
import { mdastToHtml } from '../render/html/render.js';
import { outputPaths } from './output-paths.js';
import type { Artifact } from './plan.js';

/**
 * The library-wide pages (index, 404) and shared assets. Its own module, without the PDF
 * renderer: the main process of a build makes these and nothing else, and starts faster for it.
 */
export function siteArtifacts(content: Content, guides: readonly GuideListing[], site: SiteAssets): Artifact[] {
  const primaryLang = content.config.languages[0] ?? 'en';
  const listed = guides.filter((g) => g.lang === primaryLang);
  const index = composeIndex(content, listed, guides, (g) => outputPaths.page(g.slug, g.lang, true).slice('site/'.length));
  const page = (title: string, body: string) =>
    Buffer.from(renderPage({ lang: primaryLang, title, siteTitle: content.config.title, root: '', css: site.css, body, downloads: [] }));
  return [
    { path: 'site/index.html', data: page(content.config.title, mdastToHtml(index)), mediaType: 'text/html' },
    { path: 'site/404.html', data: page('Page not found', mdastToHtml(composeNotFound(content))), mediaType: 'text/html' },
    ...site.artifacts,
  ];
}
