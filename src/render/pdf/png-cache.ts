import { deflateSync } from 'node:zlib';
import { decodePng, fileVersionKey } from '../../content/png.js';

/**
 * Every PNG careprint prints, decoded once per process (by pngjs, as `check` reads it) and
 * embedded by careprint, never by pdfkit.
 *
 * PDF has no PNG with transparency: pdfkit inflates the pixels, splits colour from alpha and
 * deflates both again for every document that shows the image — a guide's four handouts did that
 * four times, a whole library hundreds. And its own PNG reader decodes palette transparency and
 * 16-bit alpha asynchronously, after the document it draws into has been finished (the build
 * stopped there), and fails outright on some files `check` accepted. Here each file becomes, once,
 * its colour samples (8 bits, grey or RGB) and, when any pixel is not opaque, a soft mask, both
 * already deflated; each document gets image objects holding them (the objects pdfkit writes).
 */
interface SplitPng {
  width: number;
  height: number;
  colorSpace: 'DeviceRGB' | 'DeviceGray';
  /** Deflated colour samples, 8 bits each. */
  color: Buffer;
  /** Deflated alpha samples (the soft mask), when some pixel is not fully opaque. */
  alpha: Buffer | undefined;
}

const SPLIT = new Map<string, SplitPng>();
const MAX_IMAGES = 256;

/** Decode and split a PNG ahead of drawing (throws for a file that does not decode). */
export function preparePng(file: string): void {
  const key = fileVersionKey(file);
  if (SPLIT.has(key)) return;
  if (SPLIT.size >= MAX_IMAGES) SPLIT.clear();
  const png = decodePng(file);
  const count = png.width * png.height;
  const colors = png.grey ? 1 : 3;
  const color = new Uint8Array(count * colors);
  const alpha = new Uint8Array(count);
  let opaque = true;
  const rgba = png.rgba;
  for (let i = 0, p = 0, a = 0; i < rgba.length; i += 4) {
    if (colors === 1) color[p++] = rgba[i]!;
    else {
      color[p++] = rgba[i]!;
      color[p++] = rgba[i + 1]!;
      color[p++] = rgba[i + 2]!;
    }
    const level = rgba[i + 3]!;
    if (level !== 255) opaque = false;
    alpha[a++] = level;
  }
  SPLIT.set(key, {
    width: png.width,
    height: png.height,
    colorSpace: colors === 1 ? 'DeviceGray' : 'DeviceRGB',
    color: deflateSync(color),
    alpha: opaque ? undefined : deflateSync(alpha),
  });
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

/** Draw a prepared PNG; false when the file was not prepared. */
export function drawPreparedPng(doc: PDFKit.PDFDocument, file: string, x: number, y: number, width: number, height: number): boolean {
  const split = SPLIT.get(fileVersionKey(file));
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
    let mask: PlacedImage['obj'] | undefined;
    if (split.alpha) {
      mask = refs.ref({ Type: 'XObject', Subtype: 'Image', Height: split.height, Width: split.width, BitsPerComponent: 8, Filter: 'FlateDecode', ColorSpace: 'DeviceGray', Decode: [0, 1] });
      mask.end(split.alpha);
    }
    const obj = refs.ref({
      Type: 'XObject',
      Subtype: 'Image',
      BitsPerComponent: 8,
      Width: split.width,
      Height: split.height,
      Filter: 'FlateDecode',
      ColorSpace: split.colorSpace,
      ...(mask ? { SMask: mask } : {}),
    });
    obj.end(split.color);
    image = { width: split.width, height: split.height, label: `IA${placed.size + 1}`, obj };
    placed.set(file, image);
  }
  doc.image(image as never, x, y, { width, height });
  return true;
}
