import { z } from 'zod';

/** One output file of a build, fully rendered, with where it came from. */
export interface Artifact {
  /** Path inside dist/, with forward slashes. */
  path: string;
  data: Buffer;
  mediaType: string;
  source?: { guide: string; lang: string; version: string } | undefined;
}

/**
 * A path inside dist/ as a manifest lists it: relative, forward slashes, no empty, `.` or `..`
 * segment. `verify` and `merge` join these onto a folder, so nothing else may pass.
 */
const bundlePath = z
  .string()
  .min(1)
  .refine((p) => !p.includes('\\') && !p.includes('\0') && p.split('/').every((part) => part !== '' && part !== '.' && part !== '..'), {
    message: 'must be a relative path inside the bundle (forward slashes, no "..", "." or empty parts)',
  });

export const ManifestEntrySchema = z.object({
  path: bundlePath,
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  mediaType: z.string(),
  guide: z.string().optional(),
  lang: z.string().optional(),
  version: z.string().optional(),
});

export const ManifestSchema = z.object({
  careprint: z.string(),
  /** The content's release version (careprint.yaml); names the zip, so it must be a plain file-name part. */
  release: z.string().regex(/^[\w.+-]+$/, 'must be letters, digits, ".", "+", "-" or "_"'),
  /** The bundle's fixed date (SOURCE_DATE_EPOCH, or the content's latest review): the zip's timestamps. */
  date: z.iso.datetime(),
  files: z.array(ManifestEntrySchema),
  /** Set in a shard's manifest (`build --shard i/n`), so `merge` can tell a missing or repeated shard; never in a whole bundle's. */
  shard: z
    .object({
      index: z.number().int().positive(),
      count: z.number().int().positive(),
      /** Digest of what the shard was built from beyond its guides: every shard of one build has the same. */
      build: z.string().optional(),
    })
    .refine((s) => s.index <= s.count, { message: 'index must be at most count' })
    .optional(),
});

export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

/** Pure: the manifest for a build's files, sorted by path so equal input gives equal bytes. */
export function planManifest(
  entries: readonly ManifestEntry[],
  versions: { careprint: string; release: string; date: Date; shard?: NonNullable<Manifest['shard']> | undefined },
): Manifest {
  const paths = new Set<string>();
  for (const entry of entries) {
    if (paths.has(entry.path)) throw new Error(`Two outputs would be written to ${entry.path}`);
    paths.add(entry.path);
  }
  const files = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: Manifest = { careprint: versions.careprint, release: versions.release, date: versions.date.toISOString(), files };
  if (versions.shard) manifest.shard = { index: versions.shard.index, count: versions.shard.count, ...(versions.shard.build ? { build: versions.shard.build } : {}) };
  return manifest;
}

export const serializeManifest = (manifest: Manifest) => Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
