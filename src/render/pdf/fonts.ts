import type PDFDocument from 'pdfkit';
import { FACES, FAMILIES, familyFor, loadFonts, type Face } from '../../fonts/index.js';

export const fontName = (family: string, face: Face) => `${family}-${face}`;

/** Register every embedded face on a document, from the fonts parsed once per process. */
export function registerFonts(doc: PDFKit.PDFDocument): void {
  const fonts = loadFonts();
  for (const family of FAMILIES) {
    for (const face of FACES) doc.registerFont(fontName(family, face), fonts[family][face] as never);
  }
}

export interface FontSegment {
  text: string;
  font: string;
}

/**
 * Split text into runs that one font can draw: Atkinson (or the mono face) where it has the
 * glyph, DejaVu where it does not. `check` has already refused characters neither has.
 */
export function segmentByFont(text: string, primary: 'text' | 'mono', face: Face, cache: Map<string, string>): FontSegment[] {
  const segments: FontSegment[] = [];
  for (const char of text) {
    const key = `${primary}${face}${char}`;
    let font = cache.get(key);
    if (font === undefined) {
      font = fontName(familyFor(char.codePointAt(0)!, primary, face) ?? primary, face);
      cache.set(key, font);
    }
    const last = segments.at(-1);
    if (last && last.font === font) last.text += char;
    else segments.push({ text: char, font });
  }
  return segments;
}

export type { PDFDocument };
