import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfTextItem {
  str: string;
  /** Font size in points, from the text matrix. */
  size: number;
  x: number;
  y: number;
  width: number;
  /** Drawn inside an Artifact marked-content sequence (page furniture, decoration). */
  artifact: boolean;
}

export interface StructNode {
  role: string;
  alt?: string;
  children: StructNode[];
}

export interface PdfPage {
  width: number;
  height: number;
  items: PdfTextItem[];
  /** The page's text in drawing order, whitespace collapsed. */
  text: string;
  /** The page's structure tree (tagged PDF), as pdf.js exposes it. */
  structure: StructNode | null;
  /**
   * The horizontal extent of every path drawn (rules, borders, boxes), from pdf.js's operator
   * list. Only x is given: careprint's page transform flips y, which pdf.js leaves in the path.
   */
  paths: Array<{ minX: number; maxX: number }>;
}

export interface PdfFont {
  name: string;
  embedded: boolean;
}

export interface ReadPdf {
  pages: PdfPage[];
  fonts: PdfFont[];
  info: Record<string, unknown>;
  outline: string[];
  /** All pages' text joined with spaces, whitespace collapsed. */
  text: string;
  /** The same without artifacts (running header, footer): what a screen reader reads, in order. */
  contentText: string;
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Read a PDF back with pdf.js, as a viewer would: text, sizes, fonts, metadata, bookmarks. */
export async function readPdf(data: Uint8Array): Promise<ReadPdf> {
  const doc = await pdfjs.getDocument({ data: new Uint8Array(data), disableFontFace: true, verbosity: 0 }).promise;
  const pages: PdfPage[] = [];
  const fonts = new Map<string, PdfFont>();
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const [x0, y0, x1, y1] = page.view as [number, number, number, number];
    const content = await page.getTextContent({ includeMarkedContent: true });
    const items: PdfTextItem[] = [];
    const marks: boolean[] = [];
    for (const item of content.items) {
      if ('type' in item) {
        const tag = (item as { tag?: string }).tag;
        if (item.type === 'beginMarkedContent' || item.type === 'beginMarkedContentProps') marks.push(tag === 'Artifact');
        else if (item.type === 'endMarkedContent') marks.pop();
      }
      if (!('str' in item)) continue;
      const [a, b, , , e, f] = item.transform as number[];
      items.push({ str: item.str, size: Math.hypot(a!, b!), x: e!, y: f!, width: item.width, artifact: marks.includes(true) });
    }
    const toNode = (node: { role?: string; alt?: string; children?: unknown[] }): StructNode => ({
      role: node.role ?? 'content',
      ...(node.alt !== undefined ? { alt: node.alt } : {}),
      children: (node.children ?? []).filter((c): c is { role?: string } => typeof c === 'object' && c !== null && 'role' in c).map((c) => toNode(c as never)),
    });
    const tree = (await page.getStructTree()) as { role?: string; children?: unknown[] } | null;
    const operators = await page.getOperatorList();
    const paths: Array<{ minX: number; maxX: number }> = [];
    for (let i = 0; i < operators.fnArray.length; i++) {
      if (operators.fnArray[i] === pdfjs.OPS.constructPath) {
        // pdf.js 5: [painting operator, [path data], [minX, minY, maxX, maxY]]
        const box = (operators.argsArray[i] as [number, unknown, ArrayLike<number> | null])[2];
        if (box) paths.push({ minX: box[0]!, maxX: box[2]! });
      }
      if (operators.fnArray[i] !== pdfjs.OPS.setFont) continue;
      const id = (operators.argsArray[i] as [string])[0];
      const font = page.commonObjs.get(id) as { name: string; missingFile: boolean };
      fonts.set(font.name, { name: font.name, embedded: !font.missingFile });
    }
    pages.push({ width: x1 - x0, height: y1 - y0, items, text: collapse(items.map((i) => i.str).join(' ')), structure: tree ? toNode(tree) : null, paths });
  }
  const outline: string[] = [];
  const walk = (nodes: Array<{ title: string; items: unknown[] }> | null) => {
    for (const node of nodes ?? []) {
      outline.push(node.title);
      walk(node.items as Array<{ title: string; items: unknown[] }>);
    }
  };
  walk((await doc.getOutline()) as Array<{ title: string; items: unknown[] }> | null);
  const info = ((await doc.getMetadata()).info ?? {}) as Record<string, unknown>;
  await doc.destroy();
  const contentText = collapse(
    pages
      .flatMap((p) => p.items)
      .filter((i) => !i.artifact)
      .map((i) => i.str)
      .join(' '),
  );
  return { pages, fonts: [...fonts.values()], info, outline, text: collapse(pages.map((p) => p.text).join(' ')), contentText };
}

/** Every structure element of every page, depth first. */
export function structureNodes(pdf: ReadPdf): StructNode[] {
  const out: StructNode[] = [];
  const walk = (node: StructNode) => {
    out.push(node);
    node.children.forEach(walk);
  };
  for (const page of pdf.pages) if (page.structure) walk(page.structure);
  return out;
}
