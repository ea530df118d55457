import type PDFDocument from 'pdfkit';
import { FACES, FAMILIES, familyFor, loadFonts, type Face } from '../../fonts/index.js';

export const fontName = (family: string, face: Face) => `${family}-${face}`;

/**
 * pdfkit shapes every word through fontkit and caches the result per document. Shaping depends
 * only on the font (parsed once per process) and the text, and pdfkit never mutates a cached run
 * (careprint uses no word or character spacing), so one cache per face serves every document.
 */
const SHAPING_CACHES = new Map<string, Record<string, unknown>>();
const MAX_SHAPED_WORDS = 100_000;
/** Counting a cache's words lists them all: done once every so many documents, not for each. */
const SIZE_CHECK_EVERY = 64;
let shapingLookups = 0;

function shapingCache(name: string): Record<string, unknown> {
  let cache = SHAPING_CACHES.get(name);
  if (!cache || (++shapingLookups % SIZE_CHECK_EVERY === 0 && Object.keys(cache).length > MAX_SHAPED_WORDS)) {
    cache = Object.create(null) as Record<string, unknown>;
    SHAPING_CACHES.set(name, cache);
    KEPT.delete(name);
  }
  return cache;
}

/**
 * A shaped word as kept between processes (the build cache's "shaping" record): glyph ids, their
 * advance widths (font units) and code points, each glyph's position (x advance, y advance,
 * x offset, y offset and advance width, in pdfkit's scaled units) flattened, and the run's advance
 * width. Rebuilt, it is what pdfkit's layout cache holds for the word (the parts pdfkit and
 * careprint read), so a document drawn from it is byte-identical to one drawn from fresh shaping.
 */
export type StoredRun = [ids: number[], widths: number[], codePoints: number[][], positions: number[], advance: number];
/** Shaped words by face name ("text-regular") and word. */
export type ShapedWords = Record<string, Record<string, StoredRun>>;

interface LiveRun {
  glyphs: Array<{ id: number; advanceWidth: number; codePoints: number[] }>;
  positions: Array<{ xAdvance: number; yAdvance: number; xOffset: number; yOffset: number; advanceWidth: number }>;
  advanceWidth: number;
}

/** Words already kept (loaded from, or handed out for, the record), per face: not handed out again. */
const KEPT = new Map<string, Set<string>>();

function keptOf(face: string): Set<string> {
  let kept = KEPT.get(face);
  if (!kept) {
    kept = new Set();
    KEPT.set(face, kept);
  }
  return kept;
}

const isNumbers = (value: unknown, length?: number): value is number[] =>
  Array.isArray(value) && (length === undefined || value.length === length) && value.every((n) => typeof n === 'number' && Number.isFinite(n));

/** A stored run rebuilt, or undefined when it is not one (a record from elsewhere is never trusted to be well formed). */
function rebuild(stored: unknown): LiveRun | undefined {
  if (!Array.isArray(stored) || stored.length !== 5) return undefined;
  const [ids, widths, codePoints, positions, advance] = stored as unknown[];
  if (!isNumbers(ids) || !isNumbers(widths, ids.length) || !isNumbers(positions, ids.length * 5) || typeof advance !== 'number') return undefined;
  if (!Array.isArray(codePoints) || codePoints.length !== ids.length || !codePoints.every((c) => isNumbers(c))) return undefined;
  return {
    glyphs: ids.map((id, i) => ({ id, advanceWidth: widths[i]!, codePoints: codePoints[i] as number[] })),
    positions: ids.map((_, i) => ({
      xAdvance: positions[i * 5]!,
      yAdvance: positions[i * 5 + 1]!,
      xOffset: positions[i * 5 + 2]!,
      yOffset: positions[i * 5 + 3]!,
      advanceWidth: positions[i * 5 + 4]!,
    })),
    advanceWidth: advance,
  };
}

/**
 * Fill the shaping caches from a record of words shaped by an earlier process (fontkit shaping a
 * library's vocabulary word by word is an eighth to a sixth of a fresh process's first guide).
 * Words already shaped here are kept; malformed entries are skipped.
 */
export function addShapedWords(words: ShapedWords): void {
  for (const [face, runs] of Object.entries(words)) {
    if (typeof runs !== 'object' || runs === null) continue;
    const cache = shapingCache(face);
    const kept = keptOf(face);
    for (const [word, stored] of Object.entries(runs)) {
      if (word in cache) continue;
      const run = rebuild(stored);
      if (!run) continue;
      cache[word] = run;
      kept.add(word);
    }
  }
}

/** The words shaped in this process since the last call (and not loaded), to keep for later processes. */
export function takeShapedWords(): ShapedWords | undefined {
  let found: ShapedWords | undefined;
  for (const [face, cache] of SHAPING_CACHES) {
    const kept = keptOf(face);
    for (const word in cache) {
      if (kept.has(word)) continue;
      kept.add(word);
      const run = cache[word] as LiveRun;
      const positions: number[] = [];
      for (const p of run.positions) positions.push(p.xAdvance, p.yAdvance, p.xOffset, p.yOffset, p.advanceWidth);
      ((found ??= {})[face] ??= {})[word] = [run.glyphs.map((g) => g.id), run.glyphs.map((g) => g.advanceWidth), run.glyphs.map((g) => [...g.codePoints]), positions, run.advanceWidth];
    }
  }
  return found;
}

/**
 * Font subsets, encoded once per process. A subset's bytes depend only on the font and the list
 * of glyphs in it (in order), and a guide's handouts and quiz sheets — each paper size, each
 * print size — draw the same text in the same order, so they mostly embed the same subsets.
 */
const SUBSETS = new Map<string, Uint8Array>();
const MAX_SUBSETS = 400;

interface FontSubset {
  glyphs: number[];
  encode(): Uint8Array;
}

function cacheSubsetEncoding(name: string, subset: FontSubset): void {
  const encode = subset.encode.bind(subset);
  subset.encode = () => {
    // Encoding may add glyphs (the parts of composite glyphs): key on the list as it was asked for.
    const key = `${name}:${subset.glyphs.join(',')}`;
    let bytes = SUBSETS.get(key);
    if (!bytes) {
      bytes = encode();
      if (SUBSETS.size >= MAX_SUBSETS) SUBSETS.clear();
      SUBSETS.set(key, bytes);
    }
    return bytes;
  };
}

/**
 * Register every embedded face on a document, from the fonts parsed once per process. A face
 * is only embedded (subset) if text is drawn with it.
 */
export function registerFonts(doc: PDFKit.PDFDocument): void {
  const fonts = loadFonts();
  for (const family of FAMILIES) {
    for (const face of FACES) {
      const name = fontName(family, face);
      doc.registerFont(name, fonts[family][face] as never);
      doc.font(name);
      const font = (doc as unknown as { _font: { layoutCache?: Record<string, unknown>; subset: FontSubset } })._font;
      font.layoutCache = shapingCache(name);
      cacheSubsetEncoding(name, font.subset);
    }
  }
}

export interface FontSegment {
  text: string;
  font: string;
  /** Set when no embedded font has the character: `text` is then its printed code point. */
  missing?: string;
}

/** How a character no font can draw is printed: its code point, visible, never a blank box. */
export const codePointLabel = (char: string) => `[U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`;

/**
 * Split text into runs that one font can draw: Atkinson (or the mono face) where it has the
 * glyph, DejaVu where it does not. `check` has already refused characters neither has.
 */
export function segmentByFont(text: string, primary: 'text' | 'mono', face: Face, cache: Map<string, string>): FontSegment[] {
  // Words repeat across a library's documents: keep each word's segments (never mutated).
  let byFace = SEGMENTS.get(primary);
  if (!byFace) {
    byFace = new Map();
    SEGMENTS.set(primary, byFace);
  }
  let words = byFace.get(face);
  if (!words || words.size > MAX_SEGMENTED_WORDS) {
    words = new Map();
    byFace.set(face, words);
  }
  let segments = words.get(text);
  if (!segments) {
    segments = segment(text, primary, face, cache);
    words.set(text, segments);
  }
  return segments;
}

const SEGMENTS = new Map<'text' | 'mono', Map<Face, Map<string, FontSegment[]>>>();
const MAX_SEGMENTED_WORDS = 100_000;

function segment(text: string, primary: 'text' | 'mono', face: Face, cache: Map<string, string>): FontSegment[] {
  const segments: FontSegment[] = [];
  for (const char of text) {
    const key = `${primary}${face}${char}`;
    let font = cache.get(key);
    if (font === undefined) {
      const family = familyFor(char.codePointAt(0)!, primary, face);
      font = family ? fontName(family, face) : '';
      cache.set(key, font);
    }
    if (font === '') {
      // `check` refuses such characters in content; an ad-hoc render prints the code point.
      segments.push({ text: codePointLabel(char), font: fontName(primary, face), missing: char });
      continue;
    }
    const last = segments.at(-1);
    if (last?.missing !== undefined) {
      segments.push({ text: char, font });
      continue;
    }
    if (last && last.font === font) last.text += char;
    else segments.push({ text: char, font });
  }
  return segments;
}

export type { PDFDocument };
