import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { VFile } from 'vfile';
import type { BuildClock } from './bundle/artifacts.js';
import { RenderCache, codeDigest, digestOf, filesUnder, sha256, toolchainDigest } from './bundle/cache.js';
import type { GuideCheck, GuideSummary, GuideTask, GuideTaskResult } from './bundle/guide-task.js';
import type { ShapedWords } from './render/pdf/fonts.js';
import type { Content } from './content/model.js';
import { planManifest, serializeManifest, type Manifest, type ManifestEntry } from './bundle/plan.js';
import { DEFAULT_STALL_SECONDS, stallGuard } from './bundle/stall.js';
import { environmentError } from './bundle/environment.js';
import { GuideFailedError } from './bundle/guide-failed.js';
import { watchWorkers } from './bundle/worker-exit.js';
import { AtomicWriter, assertReplaceable, fileIn } from './bundle/write.js';
import { writeBundleZip, zipName } from './bundle/zip.js';
import { todayUtc, type CheckOptions } from './check.js';
import { guideFolderNames, loadContent } from './content/load.js';
import { isInside } from './content/paths.js';
import { countErrors } from './diagnostics/report.js';
import { fromWire } from './diagnostics/wire.js';
import { RULES } from './pipeline/rules/index.js';
import { siteAssets, type SiteAssets } from './render/html/assets.js';
import { CODE_DIR, COMPILED } from './package-root.js';
import { sourceDateFromEnv } from './source-date.js';
import { VERSION } from './version.js';

export interface BuildOptions extends CheckOptions {
  out?: string;
  /** Build only these guide slugs. */
  only?: readonly string[];
  /** Print this many shuffled versions of each quiz (overrides careprint.yaml). */
  quizVersions?: number;
  /** Seed for the shuffled versions (overrides careprint.yaml). */
  quizSeed?: string;
  /**
   * Worker processes for checking and rendering (default: one per core); 0 does all the work in
   * this process. Never more than the cores or the guides to build: more only take turns.
   */
  jobs?: number;
  /** Reuse unchanged guides' checks and outputs from this folder (default .cache/careprint); false ignores it. */
  cache?: string | false;
  /** Build only shard `index` of `count` (1-based): every count-th guide in slug order. */
  shard?: { index: number; count: number } | undefined;
  /** Give up (BuildStalledError) when no guide finishes for this many seconds (default 120). */
  stallSeconds?: number;
  /** Told when each guide is done (for progress display). */
  onProgress?: (event: { done: number; total: number; slug: string; cached: boolean }) => void;
  /** Told what each guide's task is doing as it goes ("reading content/guides/knee/guide.md"): what a stall names. */
  onStep?: (slug: string, step: string) => void;
}

export interface BuildStats {
  guides: number;
  rendered: number;
  cached: number;
  files: number;
  /** Entries of the release zip copied from the last one kept in the cache, not read and compressed again. */
  zipEntriesReused: number;
  /** Worker processes the build started (0: the work ran in this process); at most the cores and the guides. */
  workers: number;
  milliseconds: number;
}

/** The check a build runs over the whole library: every diagnostic, on its file. */
export interface BuildCheck {
  files: VFile[];
  errors: number;
  warnings: number;
}

export type BuildResult =
  | { ok: false; check: BuildCheck }
  | { ok: true; check: BuildCheck; manifest: Manifest; out: string; stats: BuildStats };

/** The date of the content itself (its latest review), for builds without SOURCE_DATE_EPOCH. */
function contentDate(guides: readonly GuideSummary[]): Date {
  const latest = guides.map((g) => g.meta.review.last_reviewed).sort().at(-1);
  return latest ? new Date(`${latest}T00:00:00Z`) : new Date(Date.UTC(1980, 0, 1));
}

/** Phase timings on stderr when CAREPRINT_TIMINGS is set (for profiling a build). */
function phaseTimer(started: number): (label: string) => void {
  let last = started;
  let lastCpu = process.cpuUsage();
  return (label) => {
    if (!process.env.CAREPRINT_TIMINGS) return;
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    // CPU time of this (the main) process alone: worker processes are not counted.
    process.stderr.write(`careprint timing: ${label} ${(now - last).toFixed(0)} ms (main process CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms)\n`);
    last = now;
    lastCpu = process.cpuUsage();
  };
}

export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): BuildClock {
  return { sourceDate: sourceDateFromEnv(env) };
}

/**
 * The digest of some files, by path and content. A link is followed only while it stays inside
 * the content folder: careprint never opens a file outside it (the check reports such a link),
 * so a link out is digested by where it points.
 */
function digestFiles(files: readonly string[], base: string, rootReal: string): string {
  const hash = createHash('sha256');
  for (const file of files) {
    // The system's realpath, one call per file (the JavaScript one looks up every folder on the
    // way): 15-20 ms of a 200-guide library's no-op build.
    const real = realpathSync.native(file);
    const data = isInside(rootReal, real) ? readFileSync(real) : Buffer.from(`link outside: ${readlinkSync(file)}`);
    hash.update(path.relative(base, file)).update('\0').update(data).update('\0');
  }
  return hash.digest('hex');
}

function safeDigestFiles(files: readonly string[], base: string, rootReal: string): string {
  try {
    return digestFiles(files, base, rootReal);
  } catch {
    // An unreadable file (a dangling link, say): never a cache hit; the check reports it.
    return `unreadable-${Math.random()}`;
  }
}

/** A cached check is only good while the guides its anchors were checked against are unchanged. */
interface CachedCheck {
  check: GuideCheck;
  /** Digest of each linked guide folder when checked (null: no such folder). */
  linked: Record<string, string | null>;
}

/**
 * Check every guide, render the wanted ones, and swap the new dist/ in. Each guide is one task
 * for a pool of worker processes: it is checked (the rules `careprint check` runs, with the
 * library's config and glossary) and, unless it has errors, rendered straight into the
 * temporary folder. Unchanged guides reuse their check and outputs from the cache. Content
 * errors anywhere stop the build and leave dist/ as it was.
 */
export async function build(dir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const phase = phaseTimer(started);
  const cwd = options.cwd ?? process.cwd();
  const today = options.today ?? todayUtc();
  const strict = options.strict ?? false;
  // The library's frame (config, glossaries, the root and guides/ entries), checked once here.
  const frame = await loadContent(dir, { cwd, frameOnly: true });
  for (const rule of RULES) rule({ content: frame, strict, today });
  const root = frame.root;
  const folders = await guideFolderNames(root);
  const selected = folders.filter((slug) => !options.only?.length || options.only.includes(slug));
  // A shard takes every count-th guide; the site-wide pages (index, 404, assets) are the same in
  // every shard, so `careprint merge` can put the shards back together byte for byte.
  const renderSlugs = new Set(options.shard ? selected.filter((_, i) => i % options.shard!.count === options.shard!.index - 1) : selected);

  const clock = clockFromEnv();
  const site = siteAssets();
  const out = path.resolve(cwd, options.out ?? 'dist');
  const cache = options.cache === false ? undefined : new RenderCache(path.resolve(cwd, options.cache ?? '.cache/careprint'));
  const rootFiles = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => path.join(root, e.name))
    .sort();
  const folderFiles = new Map(folders.map((slug) => [slug, filesUnder(path.join(root, 'guides', slug))]));
  const folderDigest = new Map(folders.map((slug) => [slug, safeDigestFiles(folderFiles.get(slug)!, path.join(root, 'guides', slug), frame.rootReal)]));
  const rootDigest = safeDigestFiles(rootFiles, root, frame.rootReal);
  const toolchain = toolchainDigest();
  // Link checks look at which files exist anywhere in the library: any file added or removed
  // invalidates every cached check.
  const listing = digestOf([...rootFiles, ...[...folderFiles.values()].flat()].map((f) => path.relative(root, f)));
  const checkBase = { toolchain, careprint: VERSION, root: rootDigest, listing, today, strict };
  const shared = digestOf({ toolchain, careprint: VERSION, site: rootDigest });
  const artifactOptions = { quizVersions: options.quizVersions, quizSeed: options.quizSeed };
  const extra = { options: artifactOptions, date: clock.sourceDate?.getTime() ?? null, assets: [site.css, site.quizJs] };
  // What one guide's outputs are made from: its folder (text, quiz, images), the site-wide files
  // (careprint.yaml, glossaries), careprint itself, and the build's options and date. The slug is
  // part of every output name and URL: two guides with the same files differ.
  const renderKey = (slug: string) => digestOf({ shared, slug, guide: folderDigest.get(slug), extra });
  const checkKey = (slug: string) => digestOf({ ...checkBase, slug, guide: folderDigest.get(slug) });
  // How the fonts shape a word depends only on careprint's code and dependencies (the fonts among
  // them) and the word, not on the templates: a template edit keeps the record.
  const shapingKey = digestOf({ code: codeDigest(), careprint: VERSION, record: 'shaping' });
  phase('read and digest');

  // The bundle may neither replace nor sit inside the content folder or the cache.
  const guarded = [{ what: 'the content folder', path: root }, ...(cache ? [{ what: 'the build cache', path: cache.dir }] : [])];
  await assertReplaceable(out, [...guarded, { what: 'the current folder', path: cwd }], guarded);
  const writer = await AtomicWriter.open(out);
  let runner: Runner | undefined;
  let workers = 0;
  const entries: ManifestEntry[] = [];
  const checks = new Map<string, GuideCheck>();
  let rendered = 0;
  let cached = 0;
  let done = 0;
  const finish = (slug: string, fromCache: boolean) => {
    done += 1;
    options.onProgress?.({ done, total: renderSlugs.size, slug, cached: fromCache });
  };
  try {
    const planned = folders.map((slug) => {
      let hitCheck = cache?.readCheck<CachedCheck>(checkKey(slug));
      if (hitCheck && Object.entries(hitCheck.linked).some(([other, digest]) => (folderDigest.get(other) ?? null) !== digest)) hitCheck = undefined;
      const wanted = renderSlugs.has(slug) && !(hitCheck && hitCheck.check.errors > 0);
      return { slug, hitCheck, wanted, likelyHit: wanted && cache?.has(renderKey(slug)) === true };
    });
    // Start the workers (or load the renderer) now, while the cached files are verified and linked.
    const expected = planned.filter((p) => !p.hitCheck || (p.wanted && !p.likelyHit)).length;
    if (expected > 0) runner = startRunner(expected, options.jobs ?? availableParallelism());
    const lookups = planned.map(({ slug, hitCheck, wanted }) => {
      const hit = wanted ? cache?.read(renderKey(slug)) : undefined;
      for (const { file, path: bundlePath } of hit ?? []) writer.linkIn(bundlePath, file);
      return { slug, hitCheck, wanted, hit };
    });
    const tasks: GuideTask[] = [];
    for (const { slug, hitCheck, wanted, hit } of lookups) {
      if (hitCheck) checks.set(slug, hitCheck.check);
      let render: GuideTask['render'];
      if (hit) {
        for (const { file: _file, ...entry } of hit) entries.push(entry);
        cached += 1;
        finish(slug, true);
      } else if (wanted) {
        render = {
          outDir: writer.tmp,
          cacheDir: cache?.dir ?? null,
          cacheKey: renderKey(slug),
          sourceDate: clock.sourceDate?.getTime() ?? null,
          site: { css: site.css, quizJs: site.quizJs },
          options: artifactOptions,
          shapingKey: cache ? shapingKey : null,
        };
      }
      if (!hitCheck || render) tasks.push({ contentDir: root, cwd, slug, check: hitCheck ? undefined : { today, strict }, render });
    }
    phase('cache lookup');
    const unfinished = new Set(tasks.map((task) => task.slug));
    const steps = taskSteps(unfinished, options.onStep);
    const guard = stallGuard(options.stallSeconds ?? DEFAULT_STALL_SECONDS, steps.waitingFor);
    const onDone = (result: GuideTaskResult) => {
      unfinished.delete(result.slug);
      guard.progress();
      if (result.entries) finish(result.slug, false);
      if (runner && runner.workers > 0 && unfinished.size <= runner.workers) preloadSitePages();
    };
    // A cached entry that failed its digest adds a task nobody expected.
    if (tasks.length > 0) runner ??= startRunner(tasks.length, options.jobs ?? availableParallelism());
    if (runner && runner.workers > 0 && runner.spareCores > 0) preloadSitePages();
    const results = runner ? await guard.watch(runner.run(tasks, onDone, steps.onStep)) : [];
    workers = runner?.workers ?? 0;
    await runner?.close();
    runner = undefined;
    const shaped: ShapedWords[] = [];
    for (const result of results) {
      if (result.check) {
        checks.set(result.slug, result.check);
        await keepCheck(cache, checkKey(result.slug), result.check, folderDigest);
      }
      if (result.entries) {
        entries.push(...result.entries);
        rendered += 1;
      }
      if (result.shaped) shaped.push(result.shaped);
    }
    phase('check and render');

    const guideFiles = folders.flatMap((slug) => fromWire(checks.get(slug)?.files ?? []));
    const errors = countErrors(frame.files) + countErrors(guideFiles);
    const files = [...frame.files, ...guideFiles];
    const warnings = files.reduce((n, f) => n + f.messages.length, 0) - errors;
    const check: BuildCheck = { files, errors, warnings };
    if (errors > 0) {
      await writer.abort();
      return { ok: false, check };
    }
    const summaries = folders.flatMap((slug) => checks.get(slug)?.summaries ?? []);
    const listed = summaries.filter((g) => selected.includes(g.slug));
    for (const artifact of site.artifacts) {
      await writer.write(artifact.path, artifact.data);
      entries.push({ path: artifact.path, bytes: artifact.data.length, sha256: sha256(artifact.data), mediaType: artifact.mediaType });
    }
    entries.push(...(await writeSitePages(writer, cache, frame, listed, site, digestOf({ toolchain, careprint: VERSION, root: rootDigest, listed, css: site.css }))));
    const bundleDate = clock.sourceDate ?? contentDate(summaries);
    // A shard says what it was built from beyond its guides (careprint.yaml and glossaries, which
    // files the library holds, the build's options), so merge can refuse shards of different builds.
    const shard = options.shard ? { ...options.shard, build: digestOf({ site: rootDigest, listing, options: artifactOptions }) } : undefined;
    const manifest = planManifest(entries, { careprint: VERSION, release: frame.config.version, date: bundleDate, shard });
    const manifestData = serializeManifest(manifest);
    await writer.write('manifest.json', manifestData);
    phase('site and manifest');
    // The release zip holds every file and the manifest, read back from disk; its date is fixed.
    // The same manifest means the same zip: reuse the last one. A shard makes none: `careprint
    // merge` zips the whole bundle.
    const zipEntriesReused = options.shard ? 0 : await writeReleaseZip(writer, cache, manifest, manifestData, toolchain);
    phase('zip');
    await writer.commit();
    phase('commit');
    // Only after a finished build: what it used is marked, and nothing here can fail it.
    if (cache && shaped.length > 0) await keepShapedWords(cache, shapingKey, shaped);
    await cache?.prune();
    return {
      ok: true,
      check,
      manifest,
      out,
      stats: { guides: renderSlugs.size, rendered, cached, files: manifest.files.length + (options.shard ? 1 : 2), zipEntriesReused, workers, milliseconds: performance.now() - started },
    };
  } catch (error) {
    const context = { out, cache: cache?.dir, workers: runner?.workers ?? workers };
    await runner?.close().catch(() => undefined);
    await writer.abort();
    // A full disk or a killed worker is the machine's problem: said so, with what to do.
    throw environmentError(error, context) ?? error;
  }
}

/**
 * The index and 404 pages: they change only with the site files, careprint and the guides'
 * titles, summaries, dates and tags, so they are reused from the cache under `key` (and the
 * Markdown and HTML stack is not loaded) when those are unchanged. Returns their manifest entries.
 */
async function writeSitePages(writer: AtomicWriter, cache: RenderCache | undefined, frame: Content, listed: GuideSummary[], site: SiteAssets, key: string): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  const cachedPages = cache?.read(key);
  if (cachedPages) {
    for (const { file, ...entry } of cachedPages) {
      writer.linkIn(entry.path, file);
      entries.push(entry);
    }
    return entries;
  }
  const { sitePages } = await import('./bundle/site-artifacts.js');
  const staged = cache?.stage(key);
  for (const artifact of sitePages(frame, listed, site)) {
    const entry = { path: artifact.path, bytes: artifact.data.length, sha256: sha256(artifact.data), mediaType: artifact.mediaType };
    if (staged) await staged.add(entry, artifact.data, fileIn(writer.tmp, artifact.path));
    else await writer.write(artifact.path, artifact.data);
    entries.push(entry);
  }
  await staged?.commit();
  return entries;
}

/**
 * The release zip: every file and the manifest, read back from disk, its date fixed. The same
 * manifest means the same zip, reused from the cache; a changed one copies the entries whose
 * files did not change from the last zip. Returns how many entries were copied so.
 */
async function writeReleaseZip(writer: AtomicWriter, cache: RenderCache | undefined, manifest: Manifest, manifestData: Buffer, toolchain: string): Promise<number> {
  const zipKey = digestOf({ toolchain, manifest: sha256(manifestData) });
  const zipPath = fileIn(writer.tmp, zipName(manifest.release));
  if (cache && (await cache.linkZip(zipKey, zipPath))) return 0;
  const written = await writeBundleZip(writer.tmp, manifest, await cache?.previousZip(toolchain));
  await cache?.keepZip(zipKey, zipPath, written, toolchain);
  return written.reused;
}

/** Keep a guide's check result, with the digests of the guides its anchors point into (a change there drops it). */
async function keepCheck(cache: RenderCache | undefined, key: string, check: GuideCheck, folderDigest: ReadonlyMap<string, string>): Promise<void> {
  const linked = Object.fromEntries(check.linked.map((other) => [other, folderDigest.get(other) ?? null]));
  await cache?.writeCheck(key, { check, linked } satisfies CachedCheck);
}

/**
 * Each unfinished guide's latest step ("reading content/guides/knee/guide.md"): what a stalled
 * build names, each guide with the file it was on.
 */
function taskSteps(unfinished: ReadonlySet<string>, listener: BuildOptions['onStep']): { onStep: (slug: string, step: string) => void; waitingFor: () => string[] } {
  const steps = new Map<string, string>();
  return {
    onStep: (slug, step) => {
      if (!unfinished.has(slug)) return;
      steps.set(slug, step);
      listener?.(slug, step);
    },
    waitingFor: () => [...unfinished].map((slug) => (steps.has(slug) ? `${slug} (${steps.get(slug)})` : slug)),
  };
}

/**
 * How many shaped words the cache keeps: every process that renders reads them all when it
 * starts (about 25 ms per thousand words in a fresh process, measured on this corpus's 2,474),
 * which must stay well under what shaping them afresh costs.
 */
const MAX_KEPT_WORDS = 10_000;

/** Add the words this build shaped to the cache's record (at most MAX_KEPT_WORDS; the newest win). */
async function keepShapedWords(cache: RenderCache, key: string, batches: ShapedWords[]): Promise<void> {
  const kept: ShapedWords = Object.create(null) as ShapedWords;
  let count = 0;
  const add = (words: ShapedWords) => {
    for (const [face, runs] of Object.entries(words)) {
      if (typeof runs !== 'object' || runs === null) continue;
      const into = (kept[face] ??= Object.create(null) as ShapedWords[string]);
      for (const [word, run] of Object.entries(runs)) {
        if (count >= MAX_KEPT_WORDS) return;
        if (word in into) continue;
        into[word] = run;
        count += 1;
      }
    }
  };
  for (const words of batches) add(words);
  const earlier = cache.readShaping(key);
  if (earlier) add(earlier);
  await cache.writeShaping(key, kept);
}

interface Runner {
  /** Run guide tasks; results in task order. `onStep` is told what each task is doing as it goes. */
  run(tasks: GuideTask[], onDone: (result: GuideTaskResult) => void, onStep: (slug: string, step: string) => void): Promise<GuideTaskResult[]>;
  close(): Promise<void>;
  /** Worker processes (0: tasks run in this process) and cores they leave free. */
  workers: number;
  spareCores: number;
}

/**
 * The index and 404 pages are made in this process after the last guide, with the Markdown and
 * HTML stack that only the workers have loaded so far (about 0.3 s of loading in a cold build,
 * with every core idle but one). Loaded ahead on a core rendering leaves free: at once when the
 * workers leave one, else as the last guide renders. Only ever loading: unused, it costs that core.
 */
const preloadSitePages = () => void import('./bundle/site-artifacts.js').catch(() => undefined);

/**
 * Where guide tasks run: a pool of worker processes, or this process for jobs 0 or a single task
 * (measured: one guide renders faster here than in a freshly started worker process or thread).
 * Started before the tasks are known in full, so workers boot while the main process verifies
 * the cache.
 */
function startRunner(expected: number, jobs: number): Runner {
  if (jobs < 1 || expected < 2) {
    // Loaded only here: the renderer (pdfkit, fonts) is what worker processes need, not this one.
    const loading = import('./bundle/guide-task.js');
    loading.catch(() => undefined);
    // Closed early (the build failed or gave up): the task in flight must not write on.
    let closed = false;
    return {
      run: async (tasks, onDone, onStep) => {
        const { runGuideTask } = await loading;
        const results: GuideTaskResult[] = [];
        for (const task of tasks) {
          const result = await runGuideTask(task, () => closed, (step) => onStep(task.slug, step)).catch((error: unknown) => {
            throw new GuideFailedError(task.slug, error);
          });
          onDone(result);
          results.push(result);
        }
        return results;
      },
      close: async () => {
        closed = true;
      },
      workers: 0,
      spareCores: 0,
    };
  }
  // Child processes rather than threads: on this kind of machine two isolates in one process
  // contend (shared GC and compiler threads) and render slower than one; processes scale. More
  // than the cores only take turns on them, each holding a renderer's memory (`--jobs 10000`
  // started one per guide).
  const threads = Math.max(1, Math.min(jobs, expected, availableParallelism()));
  const pool = import('tinypool').then(
    ({ Tinypool }) =>
      new Tinypool({
        // Beside the compiled bundle's files, or in src/bundle/ beside the task it imports.
        filename: pathToFileURL(path.join(CODE_DIR, COMPILED ? '' : 'bundle', 'render-worker.mjs')).href,
        runtime: 'child_process',
        minThreads: threads,
        maxThreads: threads,
        isolateWorkers: false,
        // Two guides per worker: one renders while the other reads its sources or waits for its
        // files to reach the disk, so a core never sits idle between tasks.
        concurrentTasksPerWorker: 2,
        // Rendering allocates many short-lived objects: a larger young generation collects less
        // often. When the workers fill every core, V8's helper threads (concurrent marking,
        // parallel scavenges, background compiles) only take turns with the other worker's
        // rendering: each worker then does its own (measured: about 10% faster with 2 on 2 cores).
        execArgv: ['--max-semi-space-size=64', ...(threads >= availableParallelism() ? ['--single-threaded'] : [])],
        env: process.env as Record<string, string>,
      }),
  );
  pool.catch(() => undefined);
  // How a worker process ended (a signal: the out-of-memory killer), where tinypool says only
  // "Worker exited unexpectedly"; watched from its start (its processes exist once it is made).
  const watched = pool.then(watchWorkers);
  watched.catch(() => undefined);
  return {
    run: async (tasks, onDone, onStep) => {
      const [workers, watch] = await Promise.all([pool, watched]);
      // The workers' own messages (render-worker.mjs): each task's steps, named by its slug.
      const channel = {
        postMessage: (message: unknown) => {
          const step = (message as { careprintStep?: { slug?: unknown; step?: unknown } } | null)?.careprintStep;
          if (typeof step?.slug === 'string' && typeof step.step === 'string') onStep(step.slug, step.step);
        },
      };
      const all = Promise.all(
        tasks.map(async (task) => {
          const result = (await workers.run(task, { channel }).catch((error: unknown) => {
            throw new GuideFailedError(task.slug, watch.explain(error));
          })) as GuideTaskResult;
          onDone(result);
          return result;
        }),
      );
      // A worker that died between tasks loses no guide, but the pool cannot be trusted after it.
      return Promise.race([all, watch.died]);
    },
    close: async () => {
      await (await pool).destroy();
    },
    workers: threads,
    spareCores: Math.max(0, availableParallelism() - threads),
  };
}
