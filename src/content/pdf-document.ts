import { readFile, stat } from 'node:fs/promises';
import type { PDFDocument as PdfLibDocument } from 'pdf-lib';

/** pdf-lib, loaded when a leaflet is first written again: most checks and builds have none. */
const pdfLib = () => import('pdf-lib');

/**
 * PDF documents a guide links to (a leaflet in images/), published only as careprint writes them
 * again. A PDF can carry JavaScript (an open action, page and form actions, a document-level
 * script), which Chromium's PDF viewer runs the moment the file is opened, dialogs and all; it can
 * also launch files, submit forms and embed other files. Rather than look for those in a format
 * with compressed object streams and escaped names, the published file is a new document made by
 * pdf-lib from the pages alone: their content, fonts and images are copied, and nothing else —
 * no catalogue actions, names tree, outline, forms, attachments or XFA (the new catalogue has
 * none), and no page annotations or page actions (removed from each copied page). Links inside a
 * leaflet are therefore not clickable on the site; its text and pictures are all there.
 */

/** Larger leaflets are refused: a PDF is read whole to be written again. */
export const MAX_PDF_BYTES = 50 * 1024 * 1024;

export type RewrittenPdf = { data: Buffer; pages: number } | { reason: string };

/** Page keys that trigger actions or hold interactive content: never copied to a published page. */
const ACTIVE_PAGE_KEYS = ['Annots', 'AA'];

export async function rewritePdf(bytes: Uint8Array): Promise<RewrittenPdf> {
  try {
    return await rewrite(bytes);
  } catch (error) {
    // pdf-lib throws on what it cannot read, at load or wherever a damaged object is reached.
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return { reason: `cannot be read as a PDF document (${message.slice(0, 120)}); export it again as a plain PDF` };
  }
}

async function rewrite(bytes: Uint8Array): Promise<RewrittenPdf> {
  const { PDFDocument, PDFName } = await pdfLib();
  // Encrypted files are refused, not opened: their content cannot be copied faithfully.
  const source: PdfLibDocument = await PDFDocument.load(bytes, { updateMetadata: false });
  const count = source.getPageCount();
  if (count === 0) return { reason: 'is a PDF document with no pages' };
  // Removed before copying: copying a page copies everything it refers to, actions included.
  for (const page of source.getPages()) for (const key of ACTIVE_PAGE_KEYS) page.node.delete(PDFName.of(key));
  const published = await PDFDocument.create({ updateMetadata: false });
  for (const page of await published.copyPages(source, source.getPageIndices())) published.addPage(page);
  // No object streams: the result is plain to read back (tests look for action keys in it).
  const data = await published.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
  return { data: Buffer.from(data), pages: count };
}

/** Recent results by file version: check and the build ask for the same leaflets. */
const REWRITTEN = new Map<string, Promise<RewrittenPdf>>();

export async function rewritePdfFile(file: string): Promise<RewrittenPdf> {
  const info = await stat(file);
  if (info.size > MAX_PDF_BYTES) return { reason: `is larger than ${MAX_PDF_BYTES / 1024 / 1024} MB; make the leaflet smaller or link to its web address` };
  const key = `${file}\u0000${info.size}\u0000${info.mtimeMs}\u0000${info.ctimeMs}`;
  let result = REWRITTEN.get(key);
  if (!result) {
    result = readFile(file).then(rewritePdf);
    if (REWRITTEN.size >= 16) REWRITTEN.clear();
    REWRITTEN.set(key, result);
  }
  return result;
}
