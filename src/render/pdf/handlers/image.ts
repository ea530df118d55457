import { realpathSync } from 'node:fs';
import type { Image, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { imageInfo, imageProblem, type ImageInfo } from '../../../content/images.js';
import { resolveContentPath, splitTarget } from '../../../content/paths.js';
import { isSvgProblem, sanitiseSvgFile } from '../../../content/svg.js';
import { fontName } from '../fonts.js';
import { bodyStyle } from '../inline.js';
import { drawPreparedPng, preparePng } from '../png-cache.js';
import { drawSvg, svgDrawProblem } from '../svg-cache.js';
import type { PdfState } from '../state.js';

/**
 * Resolve an image the way `check` does: inside the image root, present, a real PNG/JPEG/SVG of
 * a sane size. The renderer re-checks because `careprint render` takes files `check` never saw.
 */
export function resolveImage(state: Pick<PdfState, 'baseDir' | 'imageRoot'>, written: string): { file: string; info: ImageInfo } | undefined {
  if (!state.baseDir || !state.imageRoot) return undefined;
  // The file as check resolves it: a ?query or #fragment is not part of its name.
  const decoded = splitTarget(written).file;
  const resolved = resolveContentPath(state.imageRoot, realpathSync(state.imageRoot), state.baseDir, decoded);
  if (resolved.kind !== 'inside') return undefined;
  try {
    const info = imageInfo(resolved.absolute);
    // An image check would refuse prints as its alt text.
    if (!info || imageProblem(resolved.absolute, info)) return undefined;
    // A figure the renderer cannot draw (check reports it) prints as its alt text too.
    if (info.format === 'svg') {
      const figure = sanitiseSvgFile(resolved.absolute);
      if (isSvgProblem(figure) || svgDrawProblem(figure.svg)) return undefined;
    }
    return { file: resolved.absolute, info };
  } catch {
    return undefined;
  }
}

/** Each tree's image URLs: a guide's handout tree is typeset four times (two papers, two print sizes). */
const IMAGE_URLS = new WeakMap<Root, Set<string>>();

function imageUrls(tree: Root): Set<string> {
  let urls = IMAGE_URLS.get(tree);
  if (!urls) {
    const found = new Set<string>();
    visit(tree, (node) => {
      if (node.type === 'image') found.add(node.url);
      else if (node.type === 'containerDirective' && node.name === 'exercise' && node.attributes?.image) found.add(node.attributes.image);
    });
    urls = found;
    IMAGE_URLS.set(tree, urls);
  }
  return urls;
}

/** Decode the tree's PNGs ahead of layout (see png-cache.ts): images and exercise figures. */
export async function prepareImages(tree: Root, state: Pick<PdfState, 'baseDir' | 'imageRoot'>): Promise<void> {
  for (const url of imageUrls(tree)) {
    const image = resolveImage(state, url);
    if (image?.info.format === 'png') preparePng(image.file);
  }
}

/** Draw an image scaled to the text width and at most a share of the page height, tagged as a Figure with its alt text. */
export function drawImageFile(file: string, info: ImageInfo, alt: string, state: PdfState, maxHeightShare = 0.45): void {
  const { layout, doc, theme } = state;
  // Only the figure careprint wrote again from its allowlist is drawn, never the file as it is.
  const figure = info.format === 'svg' ? sanitiseSvgFile(file) : undefined;
  const svg = figure && !isSvgProblem(figure) ? figure.svg : '';
  const natural = { width: info.width || 300, height: info.height || 150 };
  const scale = Math.min(1, layout.width / natural.width, (layout.pageContentHeight * maxHeightShare) / natural.height);
  const width = natural.width * scale;
  const height = natural.height * scale;
  layout.space(theme.blockSpace);
  layout.ensure(height);
  if (!layout.dry) {
    const x = layout.left;
    const y = layout.y;
    layout.tagger.within(
      'Figure',
      () =>
        layout.tagger.mark(() => {
          if (svg) drawSvg(doc, svg, x, y, width, height, fontName('text', 'regular'));
          else if (info.format === 'png') {
            preparePng(file);
            drawPreparedPng(doc, file, x, y, width, height);
          } else doc.image(file, x, y, { width, height });
        }),
      { alt },
    );
  }
  layout.y += height;
}

/** What a reader gets when an image cannot be drawn: its alt text, so nothing is lost. */
function altInstead(alt: string, state: PdfState): void {
  const { layout, theme } = state;
  if (!alt.trim()) return;
  layout.space(theme.blockSpace);
  layout.tagger.within('P', () => layout.flow([{ text: `[Image: ${alt}]`, face: 'italic', size: theme.bodySize, color: bodyStyle(state).color }]));
}

export function blockImage(node: Image, state: PdfState): void {
  const image = resolveImage(state, node.url);
  if (image) drawImageFile(image.file, image.info, node.alt ?? '', state);
  else altInstead(node.alt ?? '', state);
}
