import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { VFile } from 'vfile';
import type { PaperSize } from './config/schema.js';
import { readSourceFile } from './content/read.js';
import { frontMatterSchema } from './content/schemas.js';
import { parseYaml } from './content/yaml.js';
import { parseMarkdown } from './pipeline/processor.js';
import { checkMarkdown } from './pipeline/rules/glyphs.js';
import { mdastToHtml } from './render/html/render.js';
import { siteAssets } from './render/html/assets.js';
import { renderPage } from './render/html/page.js';
import { renderPdf } from './render/pdf/document.js';
import { sourceDateFromEnv } from './source-date.js';
import type { PrintVariant } from './render/pdf/theme.js';

export interface RenderOptions {
  to: 'pdf' | 'html';
  paper?: PaperSize;
  variant?: PrintVariant;
  cwd?: string;
}

export interface RenderResult {
  file: VFile;
  /** Undefined when the file could not be read or parsed (diagnostics are on `file`). */
  data: Buffer | undefined;
}

function titleOf(tree: Root, fallback: string): string {
  const heading = tree.children.find((node) => node.type === 'heading' && node.depth === 1);
  return heading ? toString(heading) : fallback;
}

/**
 * Render one ad-hoc Markdown file (front matter optional) with the same processor and renderers
 * as a build, so an editor can try a file and tests can feed the renderer anything. Images may
 * come only from the file's own folder. Problems are reported on the file as warnings where the
 * output can still be made (a character without a glyph), as errors where it cannot.
 */
export async function renderFile(input: string, options: RenderOptions): Promise<RenderResult> {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, input);
  const source = await readSourceFile(absolute, cwd);
  const { file } = source;
  if (source.text === undefined) return { file, data: undefined };
  const tree = parseMarkdown(file, source.text);
  if (!tree) return { file, data: undefined };

  let meta: ReturnType<typeof frontMatterSchema.safeParse>['data'];
  const first = tree.children[0];
  if (first?.type === 'yaml' && first.position?.start.offset !== undefined) {
    const parsed = parseYaml(file, first.value, first.position.start.line + 1, source.text.indexOf('\n', first.position.start.offset) + 1);
    const result = frontMatterSchema.safeParse(parsed.value ?? {});
    if (result.success) meta = result.data;
  }
  checkMarkdown(file, tree);
  // A render still happens with characters the fonts lack: downgrade to warnings.
  for (const message of file.messages) if (message.ruleId === 'glyph-missing') message.fatal = false;

  const body: Root = { ...tree, children: tree.children.filter((node) => node.type !== 'yaml') };
  const title = meta?.title ?? titleOf(body, path.basename(absolute, path.extname(absolute)));
  const lang = meta?.lang ?? 'en';
  if (options.to === 'html') {
    const html = renderPage({ lang, title, siteTitle: 'careprint', root: '', css: siteAssets().css, body: mdastToHtml(body), downloads: [] });
    return { file, data: Buffer.from(html) };
  }
  const date = sourceDateFromEnv() ?? (meta ? new Date(`${meta.review.last_reviewed}T00:00:00Z`) : new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`));
  const folder = realpathSync(path.dirname(absolute));
  const data = await renderPdf(body, {
    paper: options.paper ?? 'a4',
    variant: options.variant ?? 'standard',
    lang,
    title,
    subject: meta?.summary,
    keywords: meta?.tags,
    date,
    header: title,
    baseDir: folder,
    imageRoot: folder,
    source: source.text,
  });
  return { file, data };
}
