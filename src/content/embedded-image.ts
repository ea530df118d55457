import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './image-limits.js';
import { inspectJpeg, isJpegProblem } from './jpeg.js';
import { readPngHeader } from './png.js';

/**
 * A PNG or JPEG embedded in an SVG figure (`<image href="data:…;base64,…">`): pdfkit decodes it
 * when the figure is drawn, so it is held to the limits of an image file — a PNG header or a
 * whole JPEG structure, and no more pixels than careprint prints — before anything decodes it
 * (a few kilobytes of PNG can declare a picture of gigabytes). Damage inside the PNG's data is
 * found by check's drawing of the figure (svgDrawProblem).
 */
export function embeddedImageProblem(dataUri: string): { tooLarge: boolean; reason: string } | undefined {
  const match = /^data:image\/(png|jpeg|jpg);base64,([A-Za-z0-9+/=]*)$/i.exec(dataUri.replace(/\s+/g, ''));
  if (!match) return { tooLarge: false, reason: 'is not a base64 PNG or JPEG' };
  const bytes = Buffer.from(match[2]!, 'base64');
  let size: { width: number; height: number };
  if (match[1]!.toLowerCase() === 'png') {
    const header = readPngHeader(bytes);
    if (!header) return { tooLarge: false, reason: 'is not a PNG (its header is damaged)' };
    size = header;
  } else {
    const jpeg = inspectJpeg(bytes);
    if (isJpegProblem(jpeg)) return { tooLarge: false, reason: `is a JPEG that cannot be printed (${jpeg.reason})` };
    size = jpeg;
  }
  if (size.width === 0 || size.height === 0) return { tooLarge: false, reason: 'has no pixels' };
  if (size.width > MAX_IMAGE_SIDE || size.height > MAX_IMAGE_SIDE || size.width * size.height > MAX_IMAGE_PIXELS) {
    return { tooLarge: true, reason: `is ${size.width}×${size.height} pixels: at most ${MAX_IMAGE_SIDE} on a side and ${MAX_IMAGE_PIXELS / 1e6} megapixels` };
  }
  return undefined;
}
