import { createHash } from 'node:crypto';
import { visit } from 'unist-util-visit';
import type { Content } from '../content/model.js';
import { splitTarget } from '../content/paths.js';

/** Why the PDF renderer cannot draw a (re-serialised) SVG figure, or undefined when it can. */
export type FigureTrial = (svg: string) => Promise<string | undefined>;

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
 * The renderer's trial of SVG figures for `check` (see svgDrawProblem), run in the budget thread
 * with its deadline and heap limit (parse-thread.ts), which loads the renderer only when the
 * content shows an SVG: checking a library without one never loads pdfkit.
 */
export async function figureTrial(content: Content): Promise<FigureTrial | undefined> {
  if (!showsSvg(content)) return undefined;
  const { budgetThread } = await import('./parse-thread.js');
  return (svg) => {
    const key = createHash('sha256').update(svg).digest('base64');
    let result = TRIED.get(key);
    if (!result) {
      result = budgetThread().drawFigure(svg);
      if (TRIED.size >= 256) TRIED.clear();
      TRIED.set(key, result);
    }
    return result;
  };
}
