import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { pngProblem } from './png.js';
import { svgFileProblem } from './svg.js';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.svg'] as const;

/** Larger bitmaps are refused: pdfkit decodes the whole image (8000×8000 costs about 1 GB). */
export const MAX_IMAGE_PIXELS = 25_000_000;

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

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** JPEG size from the first start-of-frame marker. */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return { width: 0, height: 0 };
    const marker = bytes[i + 1]!;
    const length = bytes.readUInt16BE(i + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  return { width: 0, height: 0 };
}

/** Natural size of an SVG from its root element's width/height, else its viewBox. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/i.exec(svg)?.[0] ?? '';
  const attr = (name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(root)?.[1];
  const viewBox = attr('viewBox')?.trim().split(/[\s,]+/).map(Number);
  const width = parseFloat(attr('width') ?? '') || viewBox?.[2] || 0;
  const height = parseFloat(attr('height') ?? '') || viewBox?.[3] || 0;
  return { width, height };
}

/**
 * What an image file really is, read from its first bytes (a text file named .png is not a
 * PNG), and only when its extension agrees. Undefined when it is not a supported image.
 */
export function imageInfo(file: string): ImageInfo | undefined {
  const extension = path.extname(file).toLowerCase();
  if (!(IMAGE_EXTENSIONS as readonly string[]).includes(extension)) return undefined;
  const bytes = head(file, 64 * 1024);
  if (extension === '.png' && bytes.subarray(0, 8).equals(PNG_SIGNATURE) && bytes.length >= 24) {
    return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if ((extension === '.jpg' || extension === '.jpeg') && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return { format: 'jpeg', ...jpegSize(bytes) };
  }
  if (extension === '.svg') {
    const text = bytes.toString('utf8');
    if (/<svg[\s>]/i.test(text)) return { format: 'svg', ...svgSize(text) };
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
 * or SVG by its bytes, a bitmap of a sane size, a PNG that decodes whole, an SVG that is only a
 * drawing. `info` is the file's `imageInfo` when the caller has read it already.
 */
export function imageProblem(file: string, info: ImageInfo | undefined = statSync(file).isFile() ? imageInfo(file) : undefined): ImageProblem | undefined {
  if (info === undefined) return { rule: 'md-image-format', reason: 'is not a PNG, JPEG or SVG image file' };
  if (info.format !== 'svg' && info.width * info.height > MAX_IMAGE_PIXELS) {
    return { rule: 'md-image-size', reason: `is ${info.width}×${info.height} pixels; scale it down to at most ${MAX_IMAGE_PIXELS / 1e6} megapixels (about 5000×5000)` };
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
