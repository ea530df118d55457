import type { PhrasingContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { PAGE_REFERENCE } from '../../compose/page-reference.js';
import type { Face } from '../../fonts/index.js';
import { isSafeUrl, schemeOf } from '../../pipeline/rules/links.js';
import type { Run } from './layout.js';
import type { PdfState } from './state.js';

export interface InlineStyle {
  bold: boolean;
  italic: boolean;
  mono: boolean;
  size: number;
  color: string;
  link?: string | undefined;
  linkKey?: object | undefined;
  strike?: boolean;
}

export const faceOf = (style: Pick<InlineStyle, 'bold' | 'italic'>): Face =>
  style.bold && style.italic ? 'boldItalic' : style.bold ? 'bold' : style.italic ? 'italic' : 'regular';

const run = (text: string, style: InlineStyle, extra: Partial<Run> = {}): Run => ({
  text,
  face: faceOf(style),
  mono: style.mono,
  size: style.size,
  color: style.color,
  link: style.link,
  linkKey: style.linkKey,
  underline: style.link !== undefined,
  strike: style.strike ?? false,
  ...extra,
});

/** The URL as a reader would type it: no mailto:/tel: prefix. */
function printableUrl(url: string): string {
  const scheme = schemeOf(url);
  return scheme === 'mailto' || scheme === 'tel' ? url.slice(url.indexOf(':') + 1) : url;
}

/** Phrasing content → styled runs. Links stay clickable; on paper their URL is printed too. */
export function inlineRuns(nodes: readonly PhrasingContent[], style: InlineStyle, state: PdfState): Run[] {
  const runs: Run[] = [];
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
        runs.push(run(node.value, style));
        break;
      case 'strong':
        runs.push(...inlineRuns(node.children, { ...style, bold: true }, state));
        break;
      case 'emphasis':
        runs.push(...inlineRuns(node.children, { ...style, italic: !style.italic }, state));
        break;
      case 'delete':
        runs.push(...inlineRuns(node.children, { ...style, strike: true }, state));
        break;
      case 'inlineCode':
        runs.push(run(node.value, { ...style, mono: true, size: style.size * 0.95 }));
        break;
      case 'break':
        runs.push({ ...run('', style), hardBreak: true });
        break;
      case 'link': {
        const external = schemeOf(node.url) !== undefined && isSafeUrl(node.url);
        const linkStyle = external ? { ...style, link: node.url, linkKey: node as object, color: state.theme.colors.link } : style;
        runs.push(...inlineRuns(node.children, linkStyle, state));
        const shown = printableUrl(node.url);
        if (external && printableUrl(toString(node).trim()) !== shown.trim()) {
          runs.push(run(` (${shown})`, { ...style, size: style.size * 0.9, color: state.theme.colors.muted }));
        }
        break;
      }
      case 'linkReference':
        runs.push(...inlineRuns(node.children, style, state));
        break;
      case 'image':
      case 'imageReference':
        if (node.alt) runs.push(run(node.alt, { ...style, italic: true }));
        break;
      case 'footnoteReference': {
        let index = state.footnoteOrder.indexOf(node.identifier);
        if (index < 0) index = state.footnoteOrder.push(node.identifier) - 1;
        runs.push(run(`[${index + 1}]`, { ...style, size: style.size * 0.75 }, { raise: style.size * 0.3 }));
        break;
      }
      case 'textDirective':
        if (node.name === PAGE_REFERENCE) {
          // A composed answer key's "page N of the handout": the page of this paper size's handout.
          const page = state.sectionPages?.get(node.attributes?.section ?? '');
          runs.push(run(page === undefined ? '?' : String(page), style));
          break;
        }
        // No other text directive means anything to careprint (check rejects them in guides); an
        // ad-hoc file's `a:b` is text, so print it as written rather than lose it.
        runs.push(run(asWritten(node, state) ?? `:${node.name}${toString(node)}`, style));
        break;
      case 'html':
        // Raw HTML is removed from every output (md-html warns the editor).
        break;
      default:
        runs.push(run(toString(node), style));
    }
  }
  return runs;
}

/** The exact source of a node, when the tree's source text is known. */
export function asWritten(node: { position?: { start: { offset?: number | undefined }; end: { offset?: number | undefined } } | undefined }, state: PdfState): string | undefined {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return state.source !== undefined && start !== undefined && end !== undefined ? state.source.slice(start, end) : undefined;
}

export function bodyStyle(state: PdfState, overrides: Partial<InlineStyle> = {}): InlineStyle {
  return { bold: false, italic: false, mono: false, size: state.theme.bodySize, color: state.theme.colors.text, ...overrides };
}
