/**
 * Tagged PDF: the structure tree a screen reader walks (Document, H1–H6, P, L/LI/Lbl/LBody,
 * Table/TR/TH/TD, Figure, Link…). Handlers open and close structure elements; the layout marks
 * each drawn piece of text as content of the innermost one; decoration is marked as artifact.
 *
 * Marked content never spans a page or a handler: the layout opens and closes it around each
 * line (or piece of one), so a page break can never leave a sequence open.
 */
export type StructElement = PDFKit.PDFStructureElement;

export interface StructOptions {
  alt?: string;
  title?: string;
  lang?: string;
  actual?: string;
}

export class Tagger {
  private readonly stack: StructElement[] = [];
  private readonly links = new Map<object, StructElement>();

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly isDry: () => boolean,
  ) {}

  /** Open the document's root element; everything else nests inside it. */
  begin(): void {
    const root = this.doc.struct('Document');
    this.doc.addStructure(root);
    this.stack.push(root);
  }

  finish(): void {
    while (this.stack.length) this.stack.pop()!.end();
  }

  get current(): StructElement | undefined {
    return this.stack.at(-1);
  }

  /** Create an element under the current one without entering it (e.g. a list label). */
  create(type: string, options: StructOptions = {}): StructElement | undefined {
    if (this.isDry()) return undefined;
    const element = this.doc.struct(type, options);
    this.current?.add(element);
    return element;
  }

  /** Run `draw` inside a new element of `type`; measuring (dry) runs create nothing. */
  within<T>(type: string, draw: () => T, options: StructOptions = {}): T {
    const element = this.create(type, options);
    if (!element) return draw();
    this.stack.push(element);
    try {
      return draw();
    } finally {
      // Links live inside the element whose text holds them: close them with it.
      for (const [key, link] of this.links) if (this.stack.at(-1) === element) {
        link.end();
        this.links.delete(key);
      }
      this.stack.pop();
      element.end();
    }
  }

  /** Mark what `draw` paints as content of `element` (default: the current element). */
  mark(draw: () => void, element: StructElement | undefined = this.current): void {
    if (this.isDry() || !element) {
      draw();
      return;
    }
    const type = (element as unknown as { dictionary: { data: { S: string } } }).dictionary.data.S;
    const content = this.doc.markStructureContent(type);
    try {
      draw();
    } finally {
      this.doc.endMarkedContent();
    }
    element.add(content);
  }

  /** Mark what `draw` paints as decoration a screen reader skips (pagination for furniture). */
  artifact(draw: () => void, type: 'Layout' | 'Pagination' = 'Layout'): void {
    if (this.isDry()) return;
    this.doc.markContent('Artifact', { type });
    try {
      draw();
    } finally {
      this.doc.endMarkedContent();
    }
  }

  /** The Link element for one Markdown link, created under the current element on first use. */
  linkFor(key: object): StructElement | undefined {
    if (this.isDry()) return undefined;
    let element = this.links.get(key);
    if (!element) {
      element = this.doc.struct('Link');
      this.current?.add(element);
      this.links.set(key, element);
    }
    return element;
  }

  /** End a link's element once its text is drawn. */
  endLink(key: object): void {
    this.links.get(key)?.end();
    this.links.delete(key);
  }
}
