import { visit } from 'unist-util-visit';
import type { Content } from '../content/model.js';
import { splitTarget } from '../content/paths.js';

/** Why the PDF renderer cannot draw a (re-serialised) SVG figure, or undefined when it can. */
export type FigureTrial = (svg: string) => string | undefined;

/** Whether any guide shows an SVG (an image or an exercise figure). */
function showsSvg(content: Content): boolean {
  let found = false;
  for (const guide of content.guides) {
    if (found || !guide.tree) continue;
    visit(guide.tree, (node) => {
      const url = node.type === 'image' ? node.url : node.type === 'containerDirective' && node.name === 'exercise' ? node.attributes?.image : undefined;
      if (url && /\.svg$/i.test(splitTarget(url.trim()).file)) found = true;
    });
  }
  return found;
}

/**
 * The renderer's trial of SVG figures for `check` (see svgDrawProblem), loaded only when the
 * content shows an SVG: checking a library without one never loads pdfkit.
 */
export async function figureTrial(content: Content): Promise<FigureTrial | undefined> {
  if (!showsSvg(content)) return undefined;
  const { svgDrawProblem } = await import('../render/pdf/svg-cache.js');
  return svgDrawProblem;
}
