import { createHash } from 'node:crypto';
import { visit } from 'unist-util-visit';
import type { Content } from '../content/model.js';
import type { SanitisedSvg } from '../content/svg.js';
import { splitTarget } from '../content/paths.js';

/** Why the PDF renderer cannot draw a (re-serialised) SVG figure, or undefined when it can. */
export type FigureTrial = (figure: SanitisedSvg) => Promise<string | undefined>;

/**
 * A figure of at most this many drawn elements is tried in the calling thread, where the build's
 * renderer is loaded anyway: what it holds is bounded by the allowlist and its counted elements
 * (no repeated gradients, markers counted per vertex), so it draws in milliseconds. Larger ones go
 * to the budget thread, whose start and second copy of the renderer cost a one-guide build about
 * half a second.
 */
export const INLINE_FIGURE_ELEMENTS = 2_000;

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

/** Trial results by the figure's digest, for this process (a guide shows a figure many times). */
const TRIED = new Map<string, Promise<string | undefined>>();

/**
 * The renderer's trial of SVG figures for `check` (see svgDrawProblem): a large figure in the
 * budget thread with its deadline and heap limit (parse-thread.ts), a small one here. Loaded only
 * when the content shows an SVG: checking a library without one never loads pdfkit.
 */
export async function figureTrial(content: Content): Promise<FigureTrial | undefined> {
  if (!showsSvg(content)) return undefined;
  const { budgetThread } = await import('./parse-thread.js');
  const { svgDrawProblem } = await import('../render/pdf/svg-cache.js');
  return ({ svg, elements }) => {
    const key = createHash('sha256').update(svg).digest('base64');
    let result = TRIED.get(key);
    if (!result) {
      result = elements <= INLINE_FIGURE_ELEMENTS ? Promise.resolve(svgDrawProblem(svg)) : budgetThread().drawFigure(svg);
      if (TRIED.size >= 256) TRIED.clear();
      TRIED.set(key, result);
    }
    return result;
  };
}
