import path from 'node:path';
import { isChecked } from '../compose/compose.js';
import { loadContent } from '../content/load.js';
import { guideArtifacts, type ArtifactOptions } from './artifacts.js';
import { RenderCache, sha256 } from './cache.js';
import type { ManifestEntry } from './plan.js';
import { fileIn } from './write.js';
import { mkdir, writeFile } from 'node:fs/promises';

/** One unit of build work: render every output of one guide (all its languages). Plain data, so it can cross to a worker thread. */
export interface RenderTask {
  contentDir: string;
  cwd: string;
  slug: string;
  /** Where finished files go (the build's temporary dist folder). */
  outDir: string;
  cacheDir: string | null;
  cacheKey: string;
  sourceDate: number | null;
  site: { css: string; quizJs: string };
  options: ArtifactOptions;
}

export interface RenderResult {
  slug: string;
  entries: ManifestEntry[];
}

/**
 * Render one guide (already checked by the main thread) and write its files straight to disk,
 * returning only their manifest entries: a build holds no output in memory, however large.
 */
export async function renderGuide(task: RenderTask): Promise<RenderResult> {
  const content = await loadContent(task.contentDir, { cwd: task.cwd, only: (slug) => slug === task.slug });
  const clock = { sourceDate: task.sourceDate === null ? undefined : new Date(task.sourceDate) };
  const entries: ManifestEntry[] = [];
  const forCache: Array<{ entry: ManifestEntry; data: Buffer }> = [];
  for (const guide of content.guides.filter(isChecked)) {
    for (const artifact of await guideArtifacts(content, guide, clock, task.site, task.options)) {
      const entry: ManifestEntry = {
        path: artifact.path,
        bytes: artifact.data.length,
        sha256: sha256(artifact.data),
        mediaType: artifact.mediaType,
        ...(artifact.source ? { guide: artifact.source.guide, lang: artifact.source.lang, version: artifact.source.version } : {}),
      };
      const target = fileIn(task.outDir, artifact.path);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, artifact.data);
      entries.push(entry);
      if (task.cacheDir) forCache.push({ entry, data: artifact.data });
    }
  }
  if (task.cacheDir) await new RenderCache(task.cacheDir).write(task.cacheKey, forCache);
  return { slug: task.slug, entries };
}
