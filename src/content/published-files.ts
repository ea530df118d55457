import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { imageInfo, imageProblem } from './images.js';
import { rewritePdfFile } from './pdf-document.js';
import { isSvgProblem, sanitiseSvgFile } from './svg.js';

/**
 * The files the web site publishes beside a guide's page, by construction: a positive list of
 * kinds, each recognised by its content and published only under a name whose extension says the
 * same (a web server picks the media type from the name, so a PDF named page.html would be served
 * as a page). PNG and JPEG images are published as checked (decoded by check); SVG only as
 * careprint writes it again from its allowlist (svg.ts); PDF documents only as pdf-lib writes
 * them again from their pages (pdf-document.ts: Chromium's PDF viewer runs a PDF's own
 * JavaScript, so no action, form or attachment is copied). Anything else a guide links to (an HTML
 * or XHTML page, a text file that a browser might sniff as HTML, an archive) is not published, and
 * `check` says so at the link (md-link-file-type).
 */
export interface PublishedFile {
  data: Buffer;
  mediaType: 'image/png' | 'image/jpeg' | 'image/svg+xml' | 'application/pdf';
}

export interface UnpublishableFile {
  rule: 'md-link-file-type' | 'md-image-format' | 'md-image-size';
  /** Completes `"<path>" …`. */
  reason: string;
}

const PDF_SIGNATURE = Buffer.from('%PDF-');

function startsWith(file: string, signature: Buffer): boolean {
  const buffer = Buffer.alloc(signature.length);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, buffer, 0, buffer.length, 0) === buffer.length && buffer.equals(signature);
  } finally {
    closeSync(fd);
  }
}

const NOT_PUBLISHED: UnpublishableFile = {
  rule: 'md-link-file-type',
  reason: 'is not a file the web site publishes: only PDF documents and PNG, JPEG or SVG images are (recognised by their content, named with a matching extension); export it as PDF, or link to its web address',
};

/** What the site publishes for this file (its bytes and media type), or why it publishes nothing. */
export async function publishedFile(file: string): Promise<PublishedFile | UnpublishableFile> {
  if (!statSync(file).isFile()) return NOT_PUBLISHED;
  const info = imageInfo(file);
  if (info) {
    const problem = imageProblem(file, info);
    if (problem) return { rule: problem.rule, reason: problem.reason };
    if (info.format === 'svg') {
      const figure = sanitiseSvgFile(file);
      return isSvgProblem(figure) ? { rule: figure.rule, reason: `cannot be used: ${figure.reason}` } : { data: Buffer.from(figure.svg), mediaType: 'image/svg+xml' };
    }
    return { data: readFileSync(file), mediaType: info.format === 'png' ? 'image/png' : 'image/jpeg' };
  }
  if (path.extname(file).toLowerCase() === '.pdf' && startsWith(file, PDF_SIGNATURE)) {
    const rewritten = await rewritePdfFile(file);
    return 'reason' in rewritten ? { rule: 'md-link-file-type', reason: rewritten.reason } : { data: rewritten.data, mediaType: 'application/pdf' };
  }
  return NOT_PUBLISHED;
}

export const isUnpublishable = (result: PublishedFile | UnpublishableFile): result is UnpublishableFile => 'rule' in result;
