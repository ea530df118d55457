import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { siteArtifacts, type BuildClock } from './bundle/artifacts.js';
import { RenderCache, digestOf, sha256, toolchainDigest } from './bundle/cache.js';
import { planManifest, serializeManifest, type Manifest, type ManifestEntry } from './bundle/plan.js';
import { renderGuide, type RenderResult, type RenderTask } from './bundle/render-job.js';
import { AtomicWriter, fileIn } from './bundle/write.js';
import { writeZip } from './bundle/zip.js';
import { check, type CheckOptions, type CheckResult } from './check.js';
import { isChecked, type CheckedGuide } from './compose/compose.js';
import type { Content } from './content/model.js';
import { siteAssets } from './render/html/assets.js';
import { VERSION } from './version.js';

export interface BuildOptions extends CheckOptions {
  out?: string;
  /** Build only these guide slugs. */
  only?: readonly string[];
  /** Print this many shuffled versions of each quiz (overrides careprint.yaml). */
  quizVersions?: number;
  /** Seed for the shuffled versions (overrides careprint.yaml). */
  quizSeed?: string;
  /** Worker processes for rendering (default: one per core; 1 renders in this process). */
  jobs?: number;
  /** Reuse unchanged guides' outputs from this folder (default .cache/careprint); false ignores it. */
  cache?: string | false;
  /** Build only shard `index` of `count` (1-based): every count-th guide in slug order. */
  shard?: { index: number; count: number } | undefined;
  /** Told when each guide is done (for progress display). */
  onProgress?: (event: { done: number; total: number; slug: string; cached: boolean }) => void;
}

export interface BuildStats {
  guides: number;
  rendered: number;
  cached: number;
  files: number;
  milliseconds: number;
}

export type BuildResult =
  | { ok: false; check: CheckResult }
  | { ok: true; check: CheckResult; manifest: Manifest; out: string; stats: BuildStats };

export const zipName = (release: string) => `careprint-${release}.zip`;

/** The date of the content itself (its latest review), for builds without SOURCE_DATE_EPOCH. */
function contentDate(guides: readonly CheckedGuide[]): Date {
  const latest = guides.map((g) => g.meta.review.last_reviewed).sort().at(-1);
  return latest ? new Date(`${latest}T00:00:00Z`) : new Date(Date.UTC(1980, 0, 1));
}

/** The release zip of a finished bundle folder: the manifest and every file it lists. */
export async function writeBundleZip(folder: string, manifest: Manifest): Promise<void> {
  await writeZip(
    fileIn(folder, zipName(manifest.release)),
    ['manifest.json', ...manifest.files.map((f) => f.path)].map((p) => ({ path: p, file: fileIn(folder, p) })),
    new Date(manifest.date),
  );
}

export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): BuildClock {
  const epoch = env.SOURCE_DATE_EPOCH;
  return { sourceDate: epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : undefined };
}

function digestFiles(files: readonly string[], base: string): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(path.relative(base, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

/**
 * What one guide's outputs are made from: its folder (text, quiz, images), the site-wide files
 * (careprint.yaml, glossaries), careprint itself, and the build's options and date.
 */
function guideCacheKey(content: Content, slug: string, shared: string, extra: unknown): string {
  const folder = path.join(content.root, 'guides', slug);
  // The slug is part of every output name and URL: two guides with the same files differ.
  return digestOf({ shared, slug, guide: digestFiles(filesUnder(folder).filter((f) => statSync(f).isFile()), folder), extra });
}

/**
 * Check, then render every output and swap the new dist/ in. Content errors stop the build
 * before anything is written. Guides render in a pool of worker processes, each writing its files
 * straight to the temporary folder; unchanged guides are copied from the cache instead.
 */
export async function build(dir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const result = await check(dir, options);
  if (result.errors > 0) return { ok: false, check: result };
  const { content } = result;
  const checked = content.guides.filter(isChecked);
  const guides = checked.filter((g) => !options.only?.length || options.only.includes(g.slug));
  const allSlugs = [...new Set(guides.map((g) => g.slug))].sort();
  // A shard takes every count-th guide; the site-wide pages (index, 404, assets) are the same in
  // every shard, so `careprint merge` can put the shards back together byte for byte.
  const slugs = options.shard ? allSlugs.filter((_, i) => i % options.shard!.count === options.shard!.index - 1) : allSlugs;
  const bundleDate = clockFromEnv().sourceDate ?? contentDate(checked);
  const clock = clockFromEnv();
  const site = siteAssets();
  const out = path.resolve(cwd, options.out ?? 'dist');
  const cache = options.cache === false ? undefined : new RenderCache(path.resolve(cwd, options.cache ?? '.cache/careprint'));
  const siteFiles = filesUnder(content.root).filter((f) => path.dirname(f) === content.root);
  const shared = digestOf({ toolchain: toolchainDigest(), careprint: VERSION, site: digestFiles(siteFiles, content.root) });
  const artifactOptions = { quizVersions: options.quizVersions, quizSeed: options.quizSeed };
  const extra = { options: artifactOptions, date: clock.sourceDate?.getTime() ?? null, assets: [site.css, site.quizJs] };

  const writer = await AtomicWriter.open(out);
  const entries: ManifestEntry[] = [];
  let rendered = 0;
  let cached = 0;
  let done = 0;
  const finish = (slug: string, fromCache: boolean) => {
    done += 1;
    options.onProgress?.({ done, total: slugs.length, slug, cached: fromCache });
  };
  try {
    const tasks: RenderTask[] = [];
    for (const slug of slugs) {
      const key = guideCacheKey(content, slug, shared, extra);
      const hit = cache ? await cache.read(key) : undefined;
      if (hit) {
        for (const { file, ...entry } of hit) {
          await writer.copyIn(entry.path, file);
          entries.push(entry);
        }
        cached += 1;
        finish(slug, true);
        continue;
      }
      tasks.push({
        contentDir: content.root,
        cwd,
        slug,
        outDir: writer.tmp,
        cacheDir: cache?.dir ?? null,
        cacheKey: key,
        sourceDate: clock.sourceDate?.getTime() ?? null,
        site: { css: site.css, quizJs: site.quizJs },
        options: artifactOptions,
      });
    }
    for (const rendering of await renderAll(tasks, options.jobs ?? availableParallelism(), (r) => finish(r.slug, false))) {
      entries.push(...rendering.entries);
      rendered += 1;
    }
    for (const artifact of siteArtifacts(content, guides, site)) {
      await writer.write(artifact.path, artifact.data);
      entries.push({ path: artifact.path, bytes: artifact.data.length, sha256: sha256(artifact.data), mediaType: artifact.mediaType });
    }
    const manifest = planManifest(entries, { careprint: VERSION, release: content.config.version, date: bundleDate });
    await writer.write('manifest.json', serializeManifest(manifest));
    // The release zip holds every file and the manifest, read back from disk; its date is fixed.
    // A shard makes none: `careprint merge` zips the whole bundle.
    if (!options.shard) await writeBundleZip(writer.tmp, manifest);
    await writer.commit();
    return {
      ok: true,
      check: result,
      manifest,
      out,
      stats: { guides: slugs.length, rendered, cached, files: manifest.files.length + (options.shard ? 1 : 2), milliseconds: performance.now() - started },
    };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** Render tasks in a pool of worker processes (or in this thread for one job or little work); results in task order. */
async function renderAll(tasks: RenderTask[], jobs: number, onDone: (result: RenderResult) => void): Promise<RenderResult[]> {
  if (tasks.length === 0) return [];
  if (jobs <= 1 || tasks.length < 2) {
    const results: RenderResult[] = [];
    for (const task of tasks) {
      const result = await renderGuide(task);
      onDone(result);
      results.push(result);
    }
    return results;
  }
  // Child processes rather than threads: on this kind of machine two isolates in one process
  // contend (shared GC and compiler threads) and render slower than one; processes scale.
  const { Tinypool } = await import('tinypool');
  const pool = new Tinypool({
    filename: new URL('./bundle/render-worker.mjs', import.meta.url).href,
    runtime: 'child_process',
    minThreads: Math.min(jobs, tasks.length),
    maxThreads: Math.min(jobs, tasks.length),
    isolateWorkers: false,
  });
  try {
    return await Promise.all(
      tasks.map(async (task) => {
        const result = (await pool.run(task)) as RenderResult;
        onDone(result);
        return result;
      }),
    );
  } finally {
    await pool.destroy();
  }
}
