/** One output file of a build, fully rendered, with where it came from. */
export interface Artifact {
  /** Path inside dist/, with forward slashes. */
  path: string;
  data: Buffer;
  mediaType: string;
  source?: { guide: string; lang: string; version: string } | undefined;
}

export interface ManifestEntry {
  path: string;
  bytes: number;
  sha256: string;
  mediaType: string;
  guide?: string;
  lang?: string;
  version?: string;
}

export interface Manifest {
  careprint: string;
  release: string;
  /** The bundle's fixed date (SOURCE_DATE_EPOCH, or the content's latest review): the zip's timestamps. */
  date: string;
  files: ManifestEntry[];
}

/** Pure: the manifest for a build's files, sorted by path so equal input gives equal bytes. */
export function planManifest(entries: readonly ManifestEntry[], versions: { careprint: string; release: string; date: Date }): Manifest {
  const paths = new Set<string>();
  for (const entry of entries) {
    if (paths.has(entry.path)) throw new Error(`Two outputs would be written to ${entry.path}`);
    paths.add(entry.path);
  }
  const files = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { careprint: versions.careprint, release: versions.release, date: versions.date.toISOString(), files };
}

export const serializeManifest = (manifest: Manifest) => Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
