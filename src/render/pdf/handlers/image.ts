import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Image } from 'mdast';
import SVGtoPDF from 'svg-to-pdfkit';
import { fontName } from '../fonts.js';
import type { PdfState } from '../state.js';

/** Natural size of an SVG from its width/height or viewBox (in CSS px = pt at 72 dpi scale). */
function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/i.exec(svg)?.[0] ?? '';
  const attr = (name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(root)?.[1];
  const viewBox = attr('viewBox')?.trim().split(/[\s,]+/).map(Number);
  const width = parseFloat(attr('width') ?? '') || viewBox?.[2] || 300;
  const height = parseFloat(attr('height') ?? '') || viewBox?.[3] || 150;
  return { width, height };
}

/** Draw a PNG, JPEG or SVG file scaled to the text width and at most ~45% of a page tall. */
export function drawImageFile(file: string, state: PdfState, maxHeightShare = 0.45): void {
  const { layout, doc, theme } = state;
  const isSvg = path.extname(file).toLowerCase() === '.svg';
  let natural: { width: number; height: number };
  let svg = '';
  if (isSvg) {
    svg = readFileSync(file, 'utf8');
    natural = svgSize(svg);
  } else {
    const image = (doc as unknown as { openImage(src: string): { width: number; height: number } }).openImage(file);
    natural = { width: image.width, height: image.height };
  }
  const scale = Math.min(1, layout.width / natural.width, (layout.pageContentHeight * maxHeightShare) / natural.height);
  const width = natural.width * scale;
  const height = natural.height * scale;
  layout.space(theme.blockSpace);
  layout.ensure(height);
  if (!layout.dry) {
    if (isSvg) {
      SVGtoPDF(doc, svg, layout.left, layout.y, {
        width,
        height,
        preserveAspectRatio: 'xMinYMin meet',
        fontCallback: () => fontName('text', 'regular'),
      });
    } else {
      doc.image(file, layout.left, layout.y, { width, height });
    }
  }
  layout.y += height;
}

export function blockImage(node: Image, state: PdfState): void {
  if (!state.baseDir) return;
  drawImageFile(path.resolve(state.baseDir, decodeURIComponent(node.url)), state);
}
