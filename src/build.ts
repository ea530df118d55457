import path from 'node:path';
import { guideArtifacts, siteArtifacts, type BuildClock } from './bundle/artifacts.js';
import { siteAssets } from './render/html/assets.js';
import { planManifest, serializeManifest, type Manifest } from './bundle/plan.js';
import { writeAtomically } from './bundle/write.js';
import { createZip } from './bundle/zip.js';
import { check, type CheckOptions, type CheckResult } from './check.js';
import { isChecked } from './compose/compose.js';
import { VERSION } from './version.js';

export interface BuildOptions extends CheckOptions {
  out?: string;
  /** Build only these guide slugs. */
  only?: readonly string[];
  /** Print this many shuffled versions of each quiz (overrides careprint.yaml). */
  quizVersions?: number;
  /** Seed for the shuffled versions (overrides careprint.yaml). */
  quizSeed?: string;
}

export type BuildResult =
  | { ok: false; check: CheckResult }
  | { ok: true; check: CheckResult; manifest: Manifest; out: string };

export const zipName = (release: string) => `careprint-${release}.zip`;

/** The date of the content itself (its latest review), for builds without SOURCE_DATE_EPOCH. */
function contentDate(guides: readonly { meta: { review: { last_reviewed: string } } }[]): Date {
  const latest = guides.map((g) => g.meta.review.last_reviewed).sort().at(-1);
  return latest ? new Date(`${latest}T00:00:00Z`) : new Date(Date.UTC(1980, 0, 1));
}

export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): BuildClock {
  const epoch = env.SOURCE_DATE_EPOCH;
  return { sourceDate: epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : undefined };
}

/**
 * Check, then render every output and swap the new dist/ in. Content errors stop the build
 * before anything is written, so the previous dist/ stays as it was.
 */
export async function build(dir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const cwd = options.cwd ?? process.cwd();
  const result = await check(dir, options);
  if (result.errors > 0) return { ok: false, check: result };
  const { content } = result;
  const guides = content.guides.filter(isChecked).filter((g) => !options.only?.length || options.only.includes(g.slug));
  const clock = clockFromEnv();
  const artifacts = [];
  const site = siteAssets();
  for (const guide of guides) artifacts.push(...(await guideArtifacts(content, guide, clock, site, { quizVersions: options.quizVersions, quizSeed: options.quizSeed })));
  artifacts.push(...siteArtifacts(content, guides, site));
  const manifest = planManifest(artifacts, { careprint: VERSION, release: content.config.version });
  const manifestFile = { path: 'manifest.json', data: serializeManifest(manifest), mediaType: 'application/json' };
  // The release zip holds every file and the manifest; its date is fixed (never "now").
  const zip = await createZip([...artifacts, manifestFile], clock.sourceDate ?? contentDate(guides));
  const out = path.resolve(cwd, options.out ?? 'dist');
  await writeAtomically(out, [...artifacts, manifestFile, { path: zipName(content.config.version), data: zip, mediaType: 'application/zip' }]);
  return { ok: true, check: result, manifest, out };
}
