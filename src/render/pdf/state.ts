import type { FootnoteDefinition } from 'mdast';
import type { Layout } from './layout.js';
import type { PdfTheme } from './theme.js';

/** What every handler shares: the layout, the theme, and document-wide bookkeeping. */
export interface PdfState {
  readonly doc: PDFKit.PDFDocument;
  readonly layout: Layout;
  readonly theme: PdfTheme;
  /** Folder that relative image paths resolve against. */
  readonly baseDir: string | undefined;
  /** Images must lie inside this folder (content/, or an ad-hoc file's folder). */
  readonly imageRoot: string | undefined;
  /** The guide's web page, for the QR code on paper. */
  readonly qrUrl: string | undefined;
  /** Source text of the tree, when known: unknown directives are printed as written. */
  readonly source: string | undefined;
  /** Footnote identifiers in order of first reference: their printed numbers. */
  readonly footnoteOrder: string[];
  /** Every footnote definition in document order (a repeated label keeps both). */
  readonly footnoteDefinitions: FootnoteDefinition[];
  /** Open outline (bookmark) items by heading depth. */
  readonly outline: Array<{ depth: number; item: PDFKit.PDFOutline }>;
  /** Inside a tight list, paragraphs sit closer together. */
  tight: boolean;
  /** Inside a quiz question: list items get empty answer boxes of this shape. */
  answerBox: 'round' | 'square' | undefined;
  /** Anchors of the headings drawn so far (same slugs as the web page's ids). */
  readonly slugOf: (text: string) => string;
  /** Told the page (1-based) each heading lands on. */
  readonly onHeading: ((slug: string, page: number) => void) | undefined;
  /** The handout page of each section, for `careprint-page` references (answer keys). */
  readonly sectionPages: ReadonlyMap<string, number> | undefined;
}
