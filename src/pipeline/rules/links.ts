import path from 'node:path';
import { visit } from 'unist-util-visit';
import type { GuideDoc } from '../../content/model.js';
import { imageProblem } from '../../content/images.js';
import { guideFolderTarget, isPublishedTarget, resolveContentPath, splitTarget } from '../../content/paths.js';
import { isUnpublishable, publishedFile } from '../../content/published-files.js';
import { isSvgProblem, sanitiseSvgFile } from '../../content/svg.js';
import type { FigureTrial } from '../figure-trial.js';
import { report, type Place } from '../../diagnostics/report.js';
import { nodePlace, type Rule } from './context.js';

export const SAFE_PROTOCOLS = ['http', 'https', 'mailto', 'tel'] as const;

/**
 * The scheme of a URL as a browser would read it: control characters and whitespace inside the
 * scheme are ignored by browsers (`java\tscript:`), so they are ignored here too.
 */
export function schemeOf(url: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const compact = url.replace(/[\u0000-\u0020\u007f]/g, '');
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(compact);
  return match ? match[1]!.toLowerCase() : undefined;
}

export function isSafeUrl(url: string): boolean {
  const scheme = schemeOf(url);
  if (scheme === undefined) return !url.trim().startsWith('//');
  return (SAFE_PROTOCOLS as readonly string[]).includes(scheme);
}


type TargetKind = 'link' | 'image';



/** What checking one guide's targets needs to know about the library. */
interface LinkContext {
  root: string;
  rootReal: string;
  /** Guides by the absolute path of their source file. */
  byPath: Map<string, GuideDoc>;
  /** Files this guide shows as images: the image check covers them, so a link to one says nothing more. */
  shown: Set<string>;
  figureTrial: FigureTrial | undefined;
  deferred: Array<() => Promise<void>> | undefined;
  /** SVG elements the guide's figures draw so far, every use counted (each is converted in every handout). */
  figureElements: { total: number };
  /** Files the site publishes, by their path under guides/ folded to one case and Unicode form: the name first seen. */
  published: Map<string, string>;
}

/**
 * Two files whose published names differ only in letter case or Unicode form (Stretch.png and
 * stretch.png, or é composed and decomposed) are two files here, but one when the bundle is
 * unzipped on macOS or Windows: the second overwrites the first.
 */
function checkPublishedName(guide: GuideDoc, guidesRoot: string, absolute: string, relative: string, place: Place | undefined, published: Map<string, string>): void {
  const name = path.relative(guidesRoot, absolute).split(path.sep).join('/');
  if (name.startsWith('..')) return;
  const key = name.normalize('NFC').toLowerCase();
  const first = published.get(key);
  if (first === undefined) published.set(key, name);
  else if (first !== name) {
    report(guide.file, 'md-path-case', `"${relative}" and ${first.split('/').slice(1).join('/')} differ only in letter case or accents' encoding: unzipped on macOS or Windows one file overwrites the other; rename one`, place);
  }
}

function checkTarget(guide: GuideDoc, url: string, kind: TargetKind, place: Place | undefined, { root, rootReal, byPath, shown, figureTrial, deferred, figureElements, published }: LinkContext): void {
  const { file: relative, fragment } = splitTarget(url.trim());
  const scheme = schemeOf(url);
  if (scheme !== undefined || url.trim().startsWith('//')) {
    if (!isSafeUrl(url)) {
      report(guide.file, 'md-url-protocol', `URL scheme "${scheme ?? '//'}" is not allowed and is removed from the outputs: links use ${SAFE_PROTOCOLS.join(', ')}, images a file in the guide folder`, place);
    } else if (kind === 'image') {
      report(guide.file, 'md-image-missing', 'Images are files in the guide folder (images/…), never fetched from the web', place);
    }
    return;
  }
  if (relative === '') {
    if (fragment !== undefined && fragment !== '' && !guide.anchors.some((h) => h.slug === fragment)) {
      report(guide.file, 'md-anchor-missing', `No heading in this guide has the anchor "#${fragment}"`, place);
    }
    return;
  }
  const resolved = resolveContentPath(root, rootReal, guide.dir, relative);
  if (resolved.kind === 'outside') {
    report(guide.file, 'md-path-outside', `"${relative}" leaves the content folder; careprint never reads outside it`, place);
    return;
  }
  if (resolved.kind === 'missing') {
    report(guide.file, kind === 'image' ? 'md-image-missing' : 'md-link-missing', `"${relative}" does not exist (paths are relative to the guide folder)`, place);
    return;
  }
  const guidesRoot = path.join(root, 'guides');
  const written = path.resolve(guide.dir, relative);
  if (kind === 'image') {
    checkPublishedName(guide, guidesRoot, written, relative, place, published);
    const problem = imageProblem(resolved.absolute);
    if (problem) report(guide.file, problem.rule, `"${relative}" ${problem.reason}`, place);
    else if (exceedsGuideFigures(resolved.absolute, figureElements)) {
      report(guide.file, 'md-image-size', `"${relative}" takes the SVG figures this guide shows past ${MAX_GUIDE_FIGURE_ELEMENTS.toLocaleString('en-US')} drawn elements in all (every use counted; each is drawn in every handout): show fewer or simpler figures`, place);
    } else {
      // Drawn in the budget thread, after the rules have run (asynchronous).
      if (figureTrial) {
        deferred?.push(async () => {
          const drawing = await figureDrawProblem(resolved.absolute, figureTrial);
          if (drawing) report(guide.file, 'md-image-format', `"${relative}" cannot be drawn in the handout (${drawing}); simplify the figure (its transforms, gradients or embedded images) or export it again`, place);
        });
      }
    }
    return;
  }
  const target = byPath.get(resolved.absolute);
  if (target && fragment && !target.anchors.some((h) => h.slug === fragment)) {
    report(guide.file, 'md-anchor-missing', `No heading in ${target.slug} has the anchor "#${fragment}"`, place);
  }
  // The web page keeps the link as written (a guide's source becomes its page): anything the
  // site does not publish would be a dead link there, though it works in the content folder.
  if (!isPublishedTarget(guidesRoot, guide.dir, written)) {
    report(guide.file, 'md-link-unpublished', `"${relative}" is not published with the web pages (only guides and the files in this guide's images/ folder are), so the link would be dead there: move the file into images/ or link to its web address`, place);
  } else if ((guideFolderTarget(guidesRoot, written)?.rest.length ?? 0) > 1 && !shown.has(resolved.absolute)) {
    // A file of the editor's own, published beside the page: only the kinds the site may publish
    // (read after the rules have run: a PDF is written again, which is asynchronous).
    deferred?.push(async () => {
      const file = await publishedFile(resolved.absolute);
      if (isUnpublishable(file)) report(guide.file, file.rule, `"${relative}" ${file.reason}`, place);
      else checkPublishedName(guide, guidesRoot, written, relative, place, published);
    });
  }
}

/**
 * The elements of every SVG figure a guide shows, each use counted, are bounded too: the build
 * converts a figure for each use in each handout, so one figure at the per-file limit shown forty
 * times cost a renderer minutes.
 */
export const MAX_GUIDE_FIGURE_ELEMENTS = 100_000;

function exceedsGuideFigures(file: string, figureElements: { total: number }): boolean {
  if (!/\.svg$/i.test(file)) return false;
  const figure = sanitiseSvgFile(file);
  if (isSvgProblem(figure)) return false;
  figureElements.total += figure.elements;
  return figureElements.total > MAX_GUIDE_FIGURE_ELEMENTS;
}

/** What stops the renderer drawing an SVG figure (other images: undefined, decoded by imageProblem). */
async function figureDrawProblem(file: string, trial: FigureTrial): Promise<string | undefined> {
  if (!/\.svg$/i.test(file)) return undefined;
  const figure = sanitiseSvgFile(file);
  return isSvgProblem(figure) ? undefined : trial(figure);
}

/** The files a guide shows (images and exercise figures), resolved as check resolves them. */
function shownImages(guide: GuideDoc, root: string, rootReal: string): Set<string> {
  const shown = new Set<string>();
  visit(guide.tree!, (node) => {
    const url = node.type === 'image' ? node.url : node.type === 'containerDirective' && node.name === 'exercise' ? node.attributes?.image : undefined;
    if (!url || schemeOf(url) !== undefined) return;
    const resolved = resolveContentPath(root, rootReal, guide.dir, splitTarget(url.trim()).file);
    if (resolved.kind === 'inside') shown.add(resolved.absolute);
  });
  return shown;
}

/** md-url-protocol, md-path-outside, md-path-case, md-link-missing, md-link-unpublished, md-link-file-type, md-image-missing, md-image-format, md-anchor-missing, md-alt-missing. */
export const links: Rule = (ruleContext) => {
  const { content } = ruleContext;
  const byPath = new Map<string, GuideDoc>();
  const published = new Map<string, string>();
  for (const guide of content.guides) {
    const absolute = guide.file.data.absolutePath;
    if (absolute) byPath.set(absolute, guide);
  }
  for (const guide of content.guides) {
    if (!guide.tree) continue;
    const context: LinkContext = { root: content.root, rootReal: content.rootReal, byPath, shown: shownImages(guide, content.root, content.rootReal), figureTrial: ruleContext.figureTrial, deferred: ruleContext.deferred, figureElements: { total: 0 }, published };
    const check = (url: string, kind: TargetKind, place: Place | undefined) => checkTarget(guide, url, kind, place, context);
    visit(guide.tree, (node) => {
      if (node.type === 'link' || node.type === 'definition') check(node.url, 'link', nodePlace(node));
      else if (node.type === 'image') {
        check(node.url, 'image', nodePlace(node));
        if (!node.alt?.trim()) report(guide.file, 'md-alt-missing', 'Image has no alt text: describe it in the brackets, ![what it shows](path)', nodePlace(node));
      } else if (node.type === 'containerDirective' && node.name === 'exercise') {
        const image = node.attributes?.image;
        if (image) {
          check(image, 'image', nodePlace(node));
          if (!node.attributes?.alt?.trim()) report(guide.file, 'md-alt-missing', 'Exercise figure has no alt text: add alt="…" describing the position', nodePlace(node));
        }
      }
    });
  }
};
