import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import jsQRModule from 'jsqr';

const run = promisify(execFile);

/** One PDF page as poppler rasterises it for a printer or screen: 8-bit grey, one byte per pixel. */
export interface GreyPage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** Page `page` (1-based) of a PDF file at `dpi`, through Debian's pdftoppm (a binary PGM on stdout). */
export async function rasterPage(file: string, page: number, dpi: number): Promise<GreyPage> {
  const { stdout } = await run('pdftoppm', ['-gray', '-r', String(dpi), '-f', String(page), '-l', String(page), file], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  // "P5", width, height, max value, each followed by one whitespace byte, then the pixels.
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(stdout.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error(`pdftoppm did not give a PGM for ${file} page ${page}`);
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, pixels: stdout.subarray(header[0].length, header[0].length + width * height) };
}

/**
 * jsqr is CommonJS with `exports.default`: typed as the exports object, while vitest hands the
 * default import over as the function itself. Either way, the decoder.
 */
const jsQR = (jsQRModule as unknown as { default?: typeof jsQRModule.default }).default ?? (jsQRModule as unknown as typeof jsQRModule.default);

/** The text of a QR code found anywhere on the page, as a phone's camera would read it (undefined: none readable). */
export function decodeQr(page: GreyPage): string | undefined {
  return jsQR(toRgba(page), page.width, page.height)?.data;
}

/** The same page as RGBA (what image decoders such as jsQR take). */
function toRgba({ width, height, pixels }: GreyPage): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const grey = pixels[i]!;
    rgba[i * 4] = grey;
    rgba[i * 4 + 1] = grey;
    rgba[i * 4 + 2] = grey;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}
