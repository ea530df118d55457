import { createRequire } from 'node:module';
import path from 'node:path';
import * as fontkit from 'fontkit';

/**
 * The embedded fonts. Atkinson Hyperlegible Next (chosen for low-vision readers) sets the text;
 * DejaVu Sans covers the symbols it lacks (arrows, check marks, Greek); DejaVu Sans Mono sets
 * code. All are TTF: pdfkit cannot embed WOFF2 reliably.
 */
export const FACES = ['regular', 'bold', 'italic', 'boldItalic'] as const;
export type Face = (typeof FACES)[number];
export const FAMILIES = ['text', 'fallback', 'mono'] as const;
export type Family = (typeof FAMILIES)[number];

const require = createRequire(import.meta.url);
const atkinsonDir = path.dirname(require.resolve('@expo-google-fonts/atkinson-hyperlegible-next/package.json'));
const dejavuDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

const atkinson = (weight: string) => path.join(atkinsonDir, weight, `AtkinsonHyperlegibleNext_${weight}.ttf`);

export const FONT_FILES: Record<Family, Record<Face, string>> = {
  text: {
    regular: atkinson('400Regular'),
    bold: atkinson('700Bold'),
    italic: atkinson('400Regular_Italic'),
    boldItalic: atkinson('700Bold_Italic'),
  },
  fallback: {
    regular: path.join(dejavuDir, 'DejaVuSans.ttf'),
    bold: path.join(dejavuDir, 'DejaVuSans-Bold.ttf'),
    italic: path.join(dejavuDir, 'DejaVuSans-Oblique.ttf'),
    boldItalic: path.join(dejavuDir, 'DejaVuSans-BoldOblique.ttf'),
  },
  mono: {
    regular: path.join(dejavuDir, 'DejaVuSansMono.ttf'),
    bold: path.join(dejavuDir, 'DejaVuSansMono-Bold.ttf'),
    italic: path.join(dejavuDir, 'DejaVuSansMono-Oblique.ttf'),
    boldItalic: path.join(dejavuDir, 'DejaVuSansMono-BoldOblique.ttf'),
  },
};

export type FontTable = Readonly<Record<Family, Readonly<Record<Face, fontkit.Font>>>>;

// Parsing a TTF costs tens of milliseconds; each font is opened once per process and shared by
// every document (pdfkit accepts the parsed font object and subsets it per document).
let cache: FontTable | undefined;

/**
 * fontkit caches each glyph object with the code points of its first request. A glyph first
 * loaded without any (as a component of a composite glyph: "D" inside "Ď") keeps an empty list,
 * and pdfkit then writes an empty ToUnicode entry: every later "D" — in this document and every
 * later one sharing the font — would copy and read aloud as garbage. Fill the list in on the
 * first request that knows it.
 */
function keepCodePoints(font: fontkit.Font): fontkit.Font {
  const target = font as unknown as { getGlyph(id: number, characters?: number[]): { codePoints: number[] } };
  const getGlyph = target.getGlyph.bind(target);
  target.getGlyph = (id, characters = []) => {
    const glyph = getGlyph(id, characters);
    if (glyph.codePoints.length === 0 && characters.length > 0) glyph.codePoints = characters;
    return glyph;
  };
  return font;
}

export function loadFonts(): FontTable {
  if (!cache) {
    const open = (family: Family) =>
      Object.fromEntries(FACES.map((face) => [face, keepCodePoints(fontkit.openSync(FONT_FILES[family][face]))])) as Record<Face, fontkit.Font>;
    cache = { text: open('text'), fallback: open('fallback'), mono: open('mono') };
  }
  return cache;
}

/** Characters that layout consumes rather than draws. */
export function isLayoutCharacter(codePoint: number): boolean {
  return codePoint === 0x0a || codePoint === 0x0d || codePoint === 0x09;
}

/**
 * Which family draws a character in a face: the primary family if it has the glyph, else the
 * fallback, else none (a glyph-missing error before any PDF is made).
 */
export function familyFor(codePoint: number, primary: 'text' | 'mono', face: Face, fonts: FontTable = loadFonts()): Family | undefined {
  if (fonts[primary][face].hasGlyphForCodePoint(codePoint)) return primary;
  if (fonts.fallback[face].hasGlyphForCodePoint(codePoint)) return 'fallback';
  return undefined;
}

/** True when every face can draw the character (a character may appear in bold or italic). */
export function isPrintable(codePoint: number, primary: 'text' | 'mono' = 'text'): boolean {
  if (isLayoutCharacter(codePoint)) return true;
  return FACES.every((face) => familyFor(codePoint, primary, face) !== undefined);
}
