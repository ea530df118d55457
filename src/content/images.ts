import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { inspectJpegFile, isJpegProblem } from './jpeg.js';
import { PNG_SIGNATURE, pngProblem, readPngHeader } from './png.js';
import { isSvgProblem, sanitiseSvgFile, svgFileProblem } from './svg.js';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.svg'] as const;

export { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './image-limits.js';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './image-limits.js';

export interface ImageInfo {
  format: 'png' | 'jpeg' | 'svg';
  /** Pixel size for bitmaps, natural size for SVG (from width/height or viewBox); 0 when unknown. */
  width: number;
  height: number;
}

function head(file: string, bytes: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync(file, 'r');
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * A JPEG's size from a walk of the whole file (content/jpeg.ts): its frame header may come after
 * any amount of metadata (a 64 KB probe read one past it as 0×0, which skipped the size limit).
 * Turned as pdfkit draws it (EXIF orientations 5–8 are a quarter turn). 0×0 when the file is
 * damaged: imageProblem says why.
 */
function jpegSize(file: string): { width: number; height: number } {
  const jpeg = inspectJpegFile(file);
  if (isJpegProblem(jpeg)) return { width: 0, height: 0 };
  return jpeg.orientation > 4 ? { width: jpeg.height, height: jpeg.width } : { width: jpeg.width, height: jpeg.height };
}

/**
 * What an image file really is, read from its first bytes (a text file named .png is not a
 * PNG), and only when its extension agrees. Undefined when it is not a supported image.
 */
export function imageInfo(file: string): ImageInfo | undefined {
  const extension = path.extname(file).toLowerCase();
  if (!(IMAGE_EXTENSIONS as readonly string[]).includes(extension)) return undefined;
  const bytes = head(file, 64 * 1024);
  if (extension === '.png' && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    // The size its header claims (0×0 without a sound header): imageProblem checks it against
    // the limits before anything is decoded, then decodes.
    const header = readPngHeader(bytes);
    return { format: 'png', width: header?.width ?? 0, height: header?.height ?? 0 };
  }
  if ((extension === '.jpg' || extension === '.jpeg') && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return { format: 'jpeg', ...jpegSize(file) };
  }
  if (extension === '.svg') {
    // A file that claims to be SVG is read whole by an XML parser: its size comes from the
    // re-serialised figure, and what is wrong with it is imageProblem's to report.
    if (!/<svg[\s>]/i.test(bytes.toString('utf8'))) return undefined;
    const figure = sanitiseSvgFile(file);
    return isSvgProblem(figure) ? { format: 'svg', width: 0, height: 0 } : { format: 'svg', width: figure.width, height: figure.height };
  }
  return undefined;
}

/** Why an image file cannot be printed and published; `reason` completes `"<path>" …`. */
export interface ImageProblem {
  rule: 'md-image-format' | 'md-image-size';
  reason: string;
}

/**
 * Everything careprint asks of an image file, in one place for `check` (guide images, exercise
 * figures, the clinic logo) and the renderer (which draws the alt text instead): a real PNG, JPEG
 * or SVG by its bytes, a bitmap of a sane size, a PNG that decodes whole, a JPEG whose structure
 * is whole, an SVG that is only a drawing. `info` is the file's `imageInfo` when the caller has
 * read it already.
 */
export function imageProblem(file: string, info: ImageInfo | undefined = statSync(file).isFile() ? imageInfo(file) : undefined): ImageProblem | undefined {
  if (info === undefined) return { rule: 'md-image-format', reason: 'is not a PNG, JPEG or SVG image file' };
  if (info.format === 'jpeg') {
    // The whole marker structure, as pdfkit and a PDF viewer will read it (see content/jpeg.ts).
    const jpeg = inspectJpegFile(file);
    if (isJpegProblem(jpeg)) {
      return jpeg.kind === 'damaged'
        ? { rule: 'md-image-format', reason: `is a damaged JPEG file (${jpeg.reason}); export it again from the original` }
        : { rule: 'md-image-format', reason: `is a JPEG that PDF viewers cannot show (${jpeg.reason}); save it again as a standard (baseline) JPEG` };
    }
  }
  if (info.format !== 'svg') {
    // From the header alone, before the (costly) decode.
    const { width, height } = info;
    if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
      const count = (n: number) => n.toLocaleString('en-US');
      return {
        rule: 'md-image-size',
        reason: `is ${count(width)}×${count(height)} pixels; no side may be over ${count(MAX_IMAGE_SIDE)} pixels: crop it or scale it down (a handout page is about 2,500 pixels wide at 300 dpi)`,
      };
    }
    if (width * height > MAX_IMAGE_PIXELS) {
      return { rule: 'md-image-size', reason: `is ${width}×${height} pixels; scale it down to at most ${MAX_IMAGE_PIXELS / 1e6} megapixels (about 5000×5000)` };
    }
  }
  if (info.format === 'png') {
    const damage = pngProblem(file);
    if (damage) return { rule: 'md-image-format', reason: `is a damaged PNG file (${damage}); export it again from the original` };
  }
  if (info.format === 'svg') {
    const svg = svgFileProblem(file);
    if (svg) return { rule: svg.rule, reason: `cannot be used: ${svg.reason}` };
  }
  return undefined;
}
