import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { TEMPLATES_DIR } from '../../compose/templates-dir.js';

export interface PageData {
  lang: string;
  title: string;
  siteTitle: string;
  /** Relative path from the page to the site root ("" or "../"), so the site works from file://. */
  root: string;
  /** The stylesheet's path from the site root (content-hashed name). */
  css: string;
  /** Sanitised HTML from mdastToHtml; the only value inserted unescaped. */
  body: string;
  downloads: Array<{ href: string; label: string }>;
  /** Script files (same origin only: the CSP allows no inline script). */
  scripts?: string[];
}

// HTML-escaping environment, separate from the Markdown one; compiled once per process.
let layout: HandlebarsTemplateDelegate<PageData> | undefined;

export function renderPage(data: PageData): string {
  layout ??= Handlebars.create().compile<PageData>(readFileSync(path.join(TEMPLATES_DIR, 'page.html.hbs'), 'utf8'), { strict: true });
  return layout({ scripts: [], ...data }, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
}
