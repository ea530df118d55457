import { readFileSync, statSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import PNG from 'png-js';

/**
 * PNGs with an alpha channel, decoded once per process.
 *
 * PDF has no alpha PNG: pdfkit inflates the pixels, splits colour from alpha and deflates both
 * again for every document that shows the image — a guide's four handouts did that four times,
 * a whole library hundreds. Here the split is done once and each document gets two image
 * objects whose data is already compressed (the same objects pdfkit writes). Other images
 * (JPEG, PNG without alpha) cost pdfkit almost nothing and stay with it.
 */
interface SplitPng {
  width: number;
  height: number;
  colorSpace: 'DeviceRGB' | 'DeviceGray';
  /** Deflated colour samples, 8 bits each. */
  color: Buffer;
  /** Deflated alpha samples (the soft mask). */
  alpha: Buffer;
}

const SPLIT = new Map<string, SplitPng | null>();
const MAX_IMAGES = 256;

const keyOf = (file: string) => {
  const info = statSync(file);
  return `${file}\u0000${info.size}\u0000${info.mtimeMs}`;
};

/** Decode an alpha PNG ahead of drawing (decoding is asynchronous, drawing is not). */
export async function preparePng(file: string): Promise<void> {
  const key = keyOf(file);
  if (SPLIT.has(key)) return;
  if (SPLIT.size >= MAX_IMAGES) SPLIT.clear();
  const png = new PNG(readFileSync(file));
  if (!png.hasAlphaChannel || png.bits !== 8) {
    SPLIT.set(key, null);
    return;
  }
  const pixels = await new Promise<Uint8Array>((resolve) => png.decodePixels(resolve));
  const colors = png.colors;
  const count = png.width * png.height;
  const color = new Uint8Array(count * colors);
  const alpha = new Uint8Array(count);
  for (let i = 0, p = 0, a = 0; i < pixels.length; ) {
    for (let c = 0; c < colors; c++) color[p++] = pixels[i++]!;
    alpha[a++] = pixels[i++]!;
  }
  SPLIT.set(key, { width: png.width, height: png.height, colorSpace: colors === 1 ? 'DeviceGray' : 'DeviceRGB', color: deflateSync(color), alpha: deflateSync(alpha) });
}

interface PlacedImage {
  width: number;
  height: number;
  label: string;
  obj: { data: Record<string, unknown>; end(data: Buffer): void };
}

interface DocRefs {
  ref(data: Record<string, unknown>): PlacedImage['obj'];
}

/** Each document's image objects, so an image shown twice is embedded once. */
const PLACED = new WeakMap<object, Map<string, PlacedImage>>();

/** Draw a prepared alpha PNG; false when the file was not prepared (pdfkit draws it then). */
export function drawPreparedPng(doc: PDFKit.PDFDocument, file: string, x: number, y: number, width: number, height: number): boolean {
  const split = SPLIT.get(keyOf(file));
  if (!split) return false;
  let placed = PLACED.get(doc);
  if (!placed) {
    placed = new Map();
    PLACED.set(doc, placed);
  }
  let image = placed.get(file);
  if (!image) {
    const refs = doc as unknown as DocRefs;
    // A Filter in the dictionary tells pdfkit the data is compressed already.
    const mask = refs.ref({ Type: 'XObject', Subtype: 'Image', Height: split.height, Width: split.width, BitsPerComponent: 8, Filter: 'FlateDecode', ColorSpace: 'DeviceGray', Decode: [0, 1] });
    mask.end(split.alpha);
    const obj = refs.ref({ Type: 'XObject', Subtype: 'Image', BitsPerComponent: 8, Width: split.width, Height: split.height, Filter: 'FlateDecode', ColorSpace: split.colorSpace, SMask: mask });
    obj.end(split.color);
    image = { width: split.width, height: split.height, label: `IA${placed.size + 1}`, obj };
    placed.set(file, image);
  }
  doc.image(image as never, x, y, { width, height });
  return true;
}
