import type { PaperSize } from '../../config/schema.js';

/** Page sizes in PDF points (1/72 inch). */
export const PAPER: Record<PaperSize, { width: number; height: number; label: string }> = {
  a4: { width: 595.28, height: 841.89, label: 'A4' },
  letter: { width: 612, height: 792, label: 'Letter' },
};

export type PrintVariant = 'standard' | 'large';

/**
 * The PDF look, as data. Sizes are in points; spacing is in multiples of the body size so the
 * large-print variant scales as one piece.
 */
export interface PdfTheme {
  readonly bodySize: number;
  readonly lineHeight: number;
  /** Heading sizes for depth 1–6. */
  readonly headingSizes: readonly [number, number, number, number, number, number];
  readonly smallSize: number;
  readonly codeSize: number;
  readonly margin: { top: number; bottom: number; left: number; right: number };
  readonly listIndent: number;
  readonly blockSpace: number;
  readonly colors: {
    text: string;
    muted: string;
    link: string;
    rule: string;
    codeBackground: string;
    tableHeader: string;
    callouts: Record<'red-flags' | 'tip' | 'warning' | 'exercise', { border: string; background: string; label: string }>;
  };
}

const colors: PdfTheme['colors'] = {
  text: '#1a1a1a',
  muted: '#444444',
  link: '#0b5394',
  rule: '#8a8a8a',
  codeBackground: '#f2f2f2',
  tableHeader: '#e8eef5',
  callouts: {
    'red-flags': { border: '#a4161a', background: '#fdecec', label: '#a4161a' },
    tip: { border: '#2e7d32', background: '#eaf4ea', label: '#1e5a22' },
    warning: { border: '#b26a00', background: '#fff6dd', label: '#7a4800' },
    exercise: { border: '#0b5394', background: '#eef3f9', label: '#0b5394' },
  },
};

export function themeFor(variant: PrintVariant): PdfTheme {
  const body = variant === 'large' ? 17 : 12.5;
  const k = body / 12.5;
  return {
    bodySize: body,
    lineHeight: 1.4,
    headingSizes: [26 * k, 19 * k, 15.5 * k, 13.5 * k, body, body],
    smallSize: Math.max(10, 10 * k),
    codeSize: Math.max(12, 11.5 * k),
    // Furniture (running header, two-line footer) lives in the top and bottom margins.
    margin: { top: 62 * k, bottom: 62 * k, left: 60, right: 60 },
    listIndent: 20 * k,
    blockSpace: body * 0.7,
    colors,
  };
}
