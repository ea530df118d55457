import path from 'node:path';
import { GUIDE_FILE, guideFolderTarget, isPublishedTarget, splitTarget } from '../content/paths.js';
import { schemeOf } from '../pipeline/rules/links.js';
import { outputPaths } from './output-paths.js';

/**
 * Links between guides as the web site needs them. An editor links to another guide's source,
 * `../knee-pain/guide.md#warm-up` (what `check` resolves, and what works on GitHub); the site has
 * that guide as `knee-pain/index.html`, with the same heading ids. A link to a guide file becomes
 * a link to its page (a translation's file, `guide.es.md`, to that language's page); a link to
 * anything else inside a guide folder (a leaflet kept in images/) stays as written, and the file
 * is published at the same place (see `isLinkedFile`).
 */
export interface SiteLinkContext {
  /** The content folder's guides/ folder. */
  guidesRoot: string;
  /** The folder of the guide whose page holds the links. */
  guideDir: string;
  /** That guide's slug (its page is site/<slug>/…). */
  slug: string;
  /** careprint.yaml's first language: its pages have no language in their names. */
  primaryLang: string;
}

/** Where a relative link lands inside guides/ (slug and path within the folder), or undefined. */
function insideGuides(url: string, context: SiteLinkContext): { slug: string; rest: string[]; fragment: string | undefined; absolute: string } | undefined {
  if (schemeOf(url) !== undefined || url.trim().startsWith('//') || url.startsWith('#')) return undefined;
  const { file, fragment } = splitTarget(url);
  if (!file) return undefined;
  const absolute = path.resolve(context.guideDir, file);
  const target = guideFolderTarget(context.guidesRoot, absolute);
  return target ? { ...target, fragment, absolute } : undefined;
}

/** The address a link in the guide's Markdown should have on its web page. */
export function siteLink(url: string, context: SiteLinkContext): string {
  const target = insideGuides(url, context);
  if (!target || target.rest.length !== 1) return url;
  const guideFile = GUIDE_FILE.exec(target.rest[0]!);
  if (!guideFile) return url;
  const lang = guideFile[1] ?? context.primaryLang;
  const page = outputPaths.page(target.slug, lang, lang === context.primaryLang);
  const from = path.posix.dirname(outputPaths.page(context.slug, context.primaryLang, true));
  const href = path.posix.relative(from, page);
  return `${href}${target.fragment !== undefined ? `#${target.fragment}` : ''}`;
}

/** Files inside guide folders that a link (not an image) points at, other than guide sources: published beside the pages. */
export function isLinkedFile(url: string, context: SiteLinkContext): boolean {
  const target = insideGuides(url, context);
  // Only images/ holds files of the editor's own (guide folders hold nothing else but sources),
  // and only this guide's: another guide publishes its own folder's files (check warns of a
  // link to anything else, md-link-unpublished).
  return target !== undefined && target.rest.length > 1 && isPublishedTarget(context.guidesRoot, context.guideDir, target.absolute);
}
