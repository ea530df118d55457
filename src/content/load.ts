import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { headingSlugger } from './heading-slug.js';
import { oneLine } from '../compose/values.js';
import type { Heading, Root, Yaml } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { VFile } from 'vfile';
import { configSchema, type Config } from '../config/schema.js';
import { report } from '../diagnostics/report.js';
import type { Content, GlossaryDoc, GuideDoc, GuideHeading, QuizDoc } from './model.js';
import { GUIDE_FILE, isInside, realContentRoot } from './paths.js';
import { readSourceFile } from './read.js';
import { frontMatterSchema, glossarySchema, quizSchema } from './schemas.js';
import { validateYaml } from './validate-yaml.js';
import { nodeAtPath, parseYaml, placeOfNode, type ParsedYaml } from './yaml.js';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const QUIZ_FILE = /^quiz(?:\.([a-z]{2,3}(?:-[A-Za-z0-9]+)*))?\.yaml$/;
const GLOSSARY_FILE = /^glossary(?:\.([a-z]{2,3}(?:-[A-Za-z0-9]+)*))?\.yaml$/;
const ROOT_KNOWN = new Set(['careprint.yaml', 'guides']);

export interface LoadOptions {
  /** Where report paths are relative to (default: process.cwd()). */
  cwd?: string | undefined;
  /**
   * Load only the guide folders this accepts (a build worker checks and renders one guide, not
   * the library); entries of guides/ that are not guide folders are then left to the frame load.
   */
  only?: ((slug: string) => boolean) | undefined;
  /** Load the library's frame only: config, glossaries and the entries of the root and guides/, no guide folder. */
  frameOnly?: boolean | undefined;
  /** Told each file's path (relative to `cwd`) as its reading starts: what a stalled build names. */
  onFile?: ((file: string) => void) | undefined;
}

/** One load's settings and findings, handed down to every file it reads. */
interface LoadRun {
  rootReal: string;
  /** Where report paths are relative to. */
  cwd: string;
  /** Every file read or reported on, in order. */
  files: VFile[];
  onFile: ((file: string) => void) | undefined;
}

/** A file-less VFile for diagnostics about a folder or a file that could not be opened. */
function pseudoFile(absolutePath: string, cwd: string): VFile {
  const file = new VFile({ path: path.relative(cwd, absolutePath) || absolutePath, cwd, value: '' });
  file.data.absolutePath = absolutePath;
  return file;
}

/** Read a file, refusing symlinks that lead out of the content root. */
async function readContained(absolute: string, { rootReal, cwd, files, onFile }: LoadRun) {
  onFile?.(path.relative(cwd, absolute) || absolute);
  const real = await realpath(absolute);
  if (!isInside(rootReal, real)) {
    const file = pseudoFile(absolute, cwd);
    report(file, 'md-path-outside', 'This file is a link to a place outside the content folder; careprint does not read it', undefined);
    files.push(file);
    return undefined;
  }
  const source = await readSourceFile(absolute, cwd);
  files.push(source.file);
  return source;
}

async function loadYamlFile(absolute: string, run: LoadRun): Promise<{ file: VFile; parsed: ParsedYaml | undefined } | undefined> {
  const source = await readContained(absolute, run);
  if (!source) return undefined;
  if (source.text === undefined) return { file: source.file, parsed: undefined };
  return { file: source.file, parsed: parseYaml(source.file, source.text, 1, 0) };
}

/**
 * A guide's headings with the anchors its pages and handouts give them. Those print the front
 * matter's title, as plain text, for the `#` heading (the title block, in place of the guide's own
 * `#` line: compose.ts guideBody), so the title's anchor is the title's slug — not that of the
 * `#` line read as Markdown (`&amp;`, `<https://…>`) — and it is taken before any section's.
 */
export function headingsOf(tree: Root, title?: string): { headings: GuideHeading[]; anchors: Array<{ slug: string; text: string }> } {
  const slugOf = headingSlugger();
  const headings: GuideHeading[] = [];
  const first = tree.children.find((node) => node.type !== 'yaml');
  const ownTitle = first?.type === 'heading' && first.depth === 1 ? first : undefined;
  const printedTitle = title === undefined ? undefined : oneLine(title);
  const titleAnchor = printedTitle !== undefined && !ownTitle ? { slug: slugOf(printedTitle), text: printedTitle } : undefined;
  const walk = (node: { type: string; children?: unknown[] }) => {
    if (node.type === 'heading') {
      const heading = node as Heading;
      const text = heading === ownTitle && printedTitle ? printedTitle : toString(heading);
      headings.push({ depth: heading.depth, text, slug: slugOf(text), node: heading });
    }
    // Headings inside callouts and lists still get anchors: walk everything.
    for (const child of node.children ?? []) walk(child as { type: string; children?: unknown[] });
  };
  walk(tree);
  const anchors = headings.map(({ slug, text }) => ({ slug, text }));
  return { headings, anchors: titleAnchor ? [titleAnchor, ...anchors] : anchors };
}

function frontMatterOf(file: VFile, text: string, tree: Root): ParsedYaml | undefined {
  const first = tree.children[0];
  if (first?.type !== 'yaml') return undefined;
  const node = first as Yaml;
  const start = node.position?.start;
  if (!start || start.offset === undefined) return undefined;
  // The YAML starts on the line after the opening `---`.
  const offset = text.indexOf('\n', start.offset) + 1;
  return parseYaml(file, node.value, start.line + 1, offset);
}

async function loadGuideDoc(
  slug: string,
  dir: string,
  fileName: string,
  fileLang: string | undefined,
  quizName: string | undefined,
  config: Config,
  run: LoadRun,
): Promise<GuideDoc | undefined> {
  const source = await readContained(path.join(dir, fileName), run);
  if (!source) return undefined;
  const { file } = source;
  // Loaded on first use: a build's main process loads only the library's frame (YAML), never Markdown.
  // A large or costly guide is parsed in a thread with a deadline and a heap limit (parse-thread.ts).
  const { parseGuideMarkdown } = await import('../pipeline/parse-thread.js');
  const tree = source.text === undefined ? undefined : await parseGuideMarkdown(file, source.text);
  let frontMatter: ParsedYaml | undefined;
  let meta: GuideDoc['meta'];
  if (tree && source.text !== undefined) {
    frontMatter = frontMatterOf(file, source.text, tree);
    if (!frontMatter) {
      report(file, 'frontmatter-missing', 'A guide starts with YAML front matter between `---` lines (title, summary, lang, version, audience, review)', { start: { line: 1, column: 1 } });
    } else {
      meta = validateYaml(frontMatter, frontMatterSchema, 'frontmatter');
      if (meta && fileLang !== undefined && meta.lang !== fileLang) {
        report(file, 'frontmatter-lang', `\`lang: ${meta.lang}\` does not match the file name ${fileName} (${fileLang})`, placeOfNode(frontMatter.region, nodeAtPath(frontMatter.doc, ['lang']).node));
      }
      // guide.md is the guide in the library's first language: its page is the guide's page, the
      // one the index lists and the handout's QR code opens. In any other language it had no page.
      const primary = config.languages[0] ?? 'en';
      if (meta && fileLang === undefined && meta.lang !== primary) {
        report(
          file,
          'frontmatter-lang',
          `\`lang: ${meta.lang}\` in ${fileName}, which is the guide in the library's first language (${primary}, the first of careprint.yaml's languages): write lang: ${primary}, or list ${meta.lang} first in languages, or name a translation guide.${meta.lang}.md`,
          placeOfNode(frontMatter.region, nodeAtPath(frontMatter.doc, ['lang']).node),
        );
      }
    }
  }
  const lang = fileLang ?? meta?.lang ?? config.languages[0] ?? 'en';
  let quiz: QuizDoc | undefined;
  if (quizName) {
    const loaded = await loadYamlFile(path.join(dir, quizName), run);
    if (loaded) quiz = { file: loaded.file, parsed: loaded.parsed, quiz: loaded.parsed ? validateYaml(loaded.parsed, quizSchema, 'quiz') : undefined };
  }
  const { headings, anchors } = tree ? headingsOf(tree, meta?.title) : { headings: [], anchors: [] };
  return { slug, lang, dir, file, tree, frontMatter, meta, headings, anchors, quiz };
}

/** Is this path inside a guide's images folder (any depth)? */
const isImagesEntry = (name: string, isDir: boolean) => name === 'images' && isDir;

async function loadGuideFolder(slug: string, dir: string, config: Config, run: LoadRun): Promise<GuideDoc[]> {
  const { cwd, files } = run;
  const folderFile = pseudoFile(dir, cwd);
  files.push(folderFile);
  if (!SLUG.test(slug)) {
    report(folderFile, 'file-slug', `Guide folder "${slug}" must be a lowercase slug (letters, digits, hyphens), as it becomes the page URL`, undefined);
  }
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const guides: Array<{ name: string; lang: string | undefined }> = [];
  const quizzes = new Map<string | undefined, string>();
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const guide = GUIDE_FILE.exec(entry.name);
    const quiz = QUIZ_FILE.exec(entry.name);
    // Symlinks are listed by name; reading them checks that they stay inside the content folder.
    const fileLike = entry.isFile() || entry.isSymbolicLink();
    if (guide && fileLike) guides.push({ name: entry.name, lang: guide[1] });
    else if (quiz && fileLike) quizzes.set(quiz[1], entry.name);
    else if (isImagesEntry(entry.name, entry.isDirectory())) continue;
    else {
      const unknown = pseudoFile(path.join(dir, entry.name), cwd);
      report(unknown, 'file-unknown', `careprint does not use "${entry.name}" here: a guide folder holds guide.md, guide.<lang>.md, quiz.yaml, quiz.<lang>.yaml and images/`, undefined);
      files.push(unknown);
    }
  }
  if (!guides.some((g) => g.lang === undefined)) {
    report(folderFile, 'file-missing', `Guide folder "${slug}" has no guide.md`, undefined);
  }
  for (const [lang, name] of quizzes) {
    if (guides.some((g) => g.lang === lang)) continue;
    const orphan = pseudoFile(path.join(dir, name), cwd);
    report(orphan, 'file-unknown', `${name} is not used: a quiz sits beside its guide (${lang ? `guide.${lang}.md` : 'guide.md'})`, undefined);
    files.push(orphan);
  }
  const docs: GuideDoc[] = [];
  for (const { name, lang } of guides) {
    const doc = await loadGuideDoc(slug, dir, name, lang, quizzes.get(lang), config, run);
    if (doc) docs.push(doc);
  }
  return docs;
}

/**
 * Load a content folder into the model. Nothing is thrown for bad content: every problem is a
 * diagnostic on the file it is about, and loading goes on so one run reports everything.
 */
export async function loadContent(dir: string, options: LoadOptions = {}): Promise<Content> {
  const cwd = options.cwd ?? process.cwd();
  const root = path.resolve(cwd, dir);
  const rootReal = await realContentRoot(root);
  const files: VFile[] = [];
  const run: LoadRun = { rootReal, cwd, files, onFile: options.onFile };
  const rootFile = pseudoFile(root, cwd);
  files.push(rootFile);

  // Config first: it shapes defaults (languages, review window) for everything else.
  let config: Config = configSchema.parse({});
  let configDoc: Content['configDoc'];
  const configPath = path.join(root, 'careprint.yaml');
  if (await exists(configPath)) {
    configDoc = await loadYamlFile(configPath, run);
    const parsed = configDoc?.parsed ? validateYaml(configDoc.parsed, configSchema, 'config') : undefined;
    if (parsed) config = parsed;
  } else {
    report(rootFile, 'file-missing', 'No careprint.yaml in the content folder (site title, organisation, base URL, languages, paper sizes)', undefined);
  }

  const glossaries: GlossaryDoc[] = [];
  const guides: GuideDoc[] = [];
  const entries = (await readdir(root, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const glossary = GLOSSARY_FILE.exec(entry.name);
    if (glossary && (entry.isFile() || entry.isSymbolicLink())) {
      const loaded = await loadYamlFile(path.join(root, entry.name), run);
      if (!loaded) continue;
      const entriesParsed = loaded.parsed ? validateYaml(loaded.parsed, glossarySchema, 'glossary') : undefined;
      glossaries.push({ lang: glossary[1] ?? config.languages[0] ?? 'en', file: loaded.file, parsed: loaded.parsed, entries: entriesParsed ?? [] });
    } else if (!ROOT_KNOWN.has(entry.name)) {
      const unknown = pseudoFile(path.join(root, entry.name), cwd);
      report(unknown, 'file-unknown', `careprint does not use "${entry.name}": the content folder holds careprint.yaml, glossary.yaml and guides/`, undefined);
      files.push(unknown);
    }
  }

  const guidesDir = path.join(root, 'guides');
  if (await exists(guidesDir)) {
    const folders = (await readdir(guidesDir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
    for (const folder of folders.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      // A worker loads one guide of hundreds: the folders it does not want are not even looked at.
      if (options.only && !options.only(folder.name)) continue;
      const folderPath = path.join(guidesDir, folder.name);
      const info = await lstat(folderPath);
      if (info.isSymbolicLink() || !info.isDirectory()) {
        // Reported with the library's frame, not with any one guide.
        if (options.only) continue;
        const unknown = pseudoFile(folderPath, cwd);
        report(unknown, 'file-unknown', `"${folder.name}" is not a guide folder: guides/ holds one real folder per guide`, undefined);
        files.push(unknown);
        continue;
      }
      if (options.frameOnly) continue;
      guides.push(...(await loadGuideFolder(folder.name, folderPath, config, run)));
    }
  }
  return { root, rootReal, config, configDoc, glossaries, guides, files };
}

/** The guide folders of a library (real folders under guides/, not links), sorted by slug. */
export async function guideFolderNames(root: string): Promise<string[]> {
  const guidesDir = path.join(root, 'guides');
  if (!(await exists(guidesDir))) return [];
  const names: string[] = [];
  for (const entry of await readdir(guidesDir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || !entry.isDirectory()) continue;
    names.push(entry.name);
  }
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
