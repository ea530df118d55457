import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { visit } from 'unist-util-visit';
import { isChecked, type GuideListing } from '../compose/compose.js';
import { loadContent } from '../content/load.js';
import type { Content, GuideDoc } from '../content/model.js';
import { toWire, wireErrors, type WireFile } from '../diagnostics/wire.js';
import { figureTrial } from '../pipeline/figure-trial.js';
import { RULES } from '../pipeline/rules/index.js';
import { splitTarget } from '../content/paths.js';
import { schemeOf } from '../pipeline/rules/links.js';
import { loadFonts } from '../fonts/index.js';
import { addShapedWords, takeShapedWords, type ShapedWords } from '../render/pdf/fonts.js';
import { guideArtifacts, type ArtifactOptions } from './artifacts.js';
import { RenderCache, sha256 } from './cache.js';
import type { ManifestEntry } from './plan.js';
import { fileIn } from './write.js';

/** What the library index and the bundle date need of a guide, without its text. */
export type GuideSummary = GuideListing;

/** The outcome of checking one guide folder: its diagnostics and what the build needs of it. */
export interface GuideCheck {
  files: WireFile[];
  errors: number;
  /** One per language whose front matter passed its schema. */
  summaries: GuideSummary[];
  /** Other guide folders whose headings this guide's `#anchor` links were checked against. */
  linked: string[];
}

/**
 * One unit of build work: check one guide folder (all its languages) and/or render its outputs.
 * Plain data, so it can cross to a worker process.
 */
export interface GuideTask {
  contentDir: string;
  cwd: string;
  slug: string;
  /** Run the rules (absent when the check came from the cache). */
  check?: { today: string; strict: boolean } | undefined;
  /** Render every output (absent when the outputs came from the cache or are not wanted). */
  render?:
    | {
        /** Where finished files go (the build's temporary dist folder). */
        outDir: string;
        cacheDir: string | null;
        cacheKey: string;
        sourceDate: number | null;
        site: { css: string; quizJs: string };
        options: ArtifactOptions;
        /** The cache record of words shaped by earlier builds (read once per process), if any. */
        shapingKey: string | null;
      }
    | undefined;
}

export interface GuideTaskResult {
  slug: string;
  check?: GuideCheck | undefined;
  /** Manifest entries of the rendered files; absent when nothing was rendered. */
  entries?: ManifestEntry[] | undefined;
  /** Words this process shaped for the first time (for the build to keep), if any. */
  shaped?: ShapedWords | undefined;
}

const isInsideFolder = (folder: string, file: string) => file === folder || file.startsWith(folder + path.sep);

/** Guide folders this guide's relative `…#anchor` links point into (their headings decide the anchor). */
function anchorTargets(content: Content, guides: readonly GuideDoc[], slug: string): string[] {
  const guidesDir = path.join(content.root, 'guides');
  const found = new Set<string>();
  for (const guide of guides) {
    if (!guide.tree) continue;
    visit(guide.tree, (node) => {
      if (node.type !== 'link' && node.type !== 'definition') return;
      const url = node.url.trim();
      if (schemeOf(url) !== undefined || url.startsWith('//')) return;
      const { file, fragment } = splitTarget(url);
      if (!file || !fragment) return;
      const relative = path.relative(guidesDir, path.resolve(guide.dir, file));
      const other = relative.split(path.sep)[0];
      if (other && other !== slug && other !== '..' && !path.isAbsolute(relative)) found.add(other);
    });
  }
  return [...found].sort();
}

/**
 * Check one guide the way `careprint check` does, with the library's frame (config, glossaries)
 * and any guide it links into loaded beside it. Only this guide's own diagnostics are kept:
 * the frame's are reported once by the main process, a linked guide's by its own task.
 */
async function checkGuide(task: GuideTask, settings: NonNullable<GuideTask['check']>, onStep: StepListener): Promise<{ content: Content; check: GuideCheck }> {
  const onFile = (file: string) => onStep(`reading ${file}`);
  let content = await loadContent(task.contentDir, { cwd: task.cwd, only: (s) => s === task.slug, onFile });
  const linked = anchorTargets(content, content.guides, task.slug);
  if (linked.length > 0) content = await loadContent(task.contentDir, { cwd: task.cwd, only: (s) => s === task.slug || linked.includes(s), onFile });
  onStep(`checking guides/${task.slug}`);
  const deferred: Array<() => Promise<void>> = [];
  const context = { content, strict: settings.strict, today: settings.today, figureTrial: await figureTrial(content), deferred };
  for (const rule of RULES) rule(context);
  for (const task of deferred) await task();
  const folder = path.join(content.root, 'guides', task.slug);
  const own = content.files.filter((file) => isInsideFolder(folder, String(file.data.absolutePath ?? '')));
  const files = toWire(own);
  const guides = content.guides.filter((g) => g.slug === task.slug);
  return {
    content: { ...content, guides },
    check: { files, errors: wireErrors(files), linked, summaries: guides.filter(isChecked).map((g) => ({ slug: g.slug, lang: g.lang, meta: g.meta })) },
  };
}

/** The build process this worker serves (set by `startWorker`; unset when tasks run in the build's own process). */
let parent: number | undefined;

/**
 * A worker whose build was killed must not write another file: the next build has removed (or
 * is about to remove) the temporary folder, and a late write would recreate it. The worker also
 * exits when its IPC channel closes, but only once a long render yields to the event loop; the
 * parent's pid is checked synchronously, right before each write.
 */
function stopIfOrphaned(): void {
  if (parent !== undefined && process.ppid !== parent) process.exit(1);
}

/** The build gave up on this task (it ran in the build's own process): write nothing more. */
class TaskCancelled extends Error {
  override name = 'TaskCancelled';
}

/**
 * Told what a task is doing as it goes ("reading guides/knee/guide.md", "rendering …"): the last
 * step of a task that never finishes is what a stalled build names.
 */
export type StepListener = (step: string) => void;

/**
 * Check and/or render one guide. Rendered files go straight to disk (and to the cache); only
 * their manifest entries come back, so a build holds no output in memory, however large.
 * A guide with errors of its own is not rendered: the build will stop anyway.
 */
export async function runGuideTask(task: GuideTask, cancelled: () => boolean = () => false, onStep: StepListener = () => undefined): Promise<GuideTaskResult> {
  const beforeWrite = () => {
    stopIfOrphaned();
    if (cancelled()) throw new TaskCancelled(`the build stopped waiting for ${task.slug}`);
  };
  let content: Content | undefined;
  let check: GuideCheck | undefined;
  if (task.check) ({ content, check } = await checkGuide(task, task.check, onStep));
  const render = task.render;
  if (!render || (check && check.errors > 0)) return { slug: task.slug, check };
  // A build that gave up while this guide was checked does not wait for its render either.
  if (cancelled()) throw new TaskCancelled(`the build stopped waiting for ${task.slug}`);
  content ??= await loadContent(task.contentDir, { cwd: task.cwd, only: (s) => s === task.slug, onFile: (file) => onStep(`reading ${file}`) });
  if (render.cacheDir && render.shapingKey) loadShapedWords(render.cacheDir, render.shapingKey);
  const clock = { sourceDate: render.sourceDate === null ? undefined : new Date(render.sourceDate) };
  const entries: ManifestEntry[] = [];
  const cache = render.cacheDir ? new RenderCache(render.cacheDir) : undefined;
  const staged = cache?.stage(render.cacheKey);
  // Files are written while the next one renders; all are on disk before the task reports.
  const writes: Array<Promise<void>> = [];
  for (const guide of content.guides.filter((g) => g.slug === task.slug).filter(isChecked)) {
    onStep(`rendering ${guide.file.path}`);
    for (const artifact of await guideArtifacts(content, guide, clock, render.site, render.options)) {
      const entry: ManifestEntry = {
        path: artifact.path,
        bytes: artifact.data.length,
        sha256: sha256(artifact.data),
        mediaType: artifact.mediaType,
        ...(artifact.source ? { guide: artifact.source.guide, lang: artifact.source.lang, version: artifact.source.version } : {}),
      };
      const target = fileIn(render.outDir, artifact.path);
      // One write: the cache copy is a link to the same file when the file system allows it.
      writes.push(
        (async () => {
          beforeWrite();
          await mkdir(path.dirname(target), { recursive: true });
          beforeWrite();
          await (staged ? staged.add(entry, artifact.data, target) : writeFile(target, artifact.data));
        })(),
      );
      entries.push(entry);
    }
  }
  await Promise.all(writes);
  beforeWrite();
  await staged?.commit();
  return { slug: task.slug, check, entries, shaped: render.cacheDir && render.shapingKey ? takeShapedWords() : undefined };
}

/** The shaping record this process has read (by cache folder and key). */
let shapingRead: string | undefined;

/**
 * Start from the words earlier builds shaped: a fresh process's first guide took 0.88-0.90 s with
 * them, 1.0-1.1 s shaping its words afresh (measured). Read once per process; a missing or damaged
 * record (its seal does not match) only means shaping afresh.
 */
function loadShapedWords(cacheDir: string, key: string): void {
  const id = `${cacheDir}\0${key}`;
  if (shapingRead === id) return;
  shapingRead = id;
  const words = new RenderCache(cacheDir).readShaping(key);
  if (words) addShapedWords(words);
}

/**
 * Set up a worker process: remember the build it serves (see `stopIfOrphaned`) and parse the
 * fonts now, while the build is still looking up its cache.
 */
export function startWorker(buildPid: number): void {
  parent = buildPid;
  loadFonts();
}
