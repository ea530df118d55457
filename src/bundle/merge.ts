import { planManifest, serializeManifest, type Manifest, type ManifestEntry } from './plan.js';
import { verifyBundle, type VerifyResult } from './verify.js';
import { AtomicWriter, assertReplaceable, fileIn } from './write.js';
import { writeBundleZip } from './zip.js';

/**
 * The shards must be exactly 1/n … n/n of one build: a forgotten shard would leave its guides out
 * of the release without any other sign, a repeated one means a mix-up in the CI matrix.
 */
function checkShardSet(manifests: readonly Manifest[], dirs: readonly string[]): void {
  const count = manifests[0]?.shard?.count;
  const byIndex = new Map<number, string>();
  for (const [i, manifest] of manifests.entries()) {
    const dir = dirs[i]!;
    if (!manifest.shard) throw new Error(`${dir} is a whole bundle, not a shard (build --shard i/n makes shards)`);
    if (manifest.shard.count !== count) throw new Error(`${dir} is shard ${manifest.shard.index}/${manifest.shard.count}, ${dirs[0]} is one of ${count}`);
    const twice = byIndex.get(manifest.shard.index);
    if (twice !== undefined) throw new Error(`shard ${manifest.shard.index}/${count} is given twice (${twice} and ${dir})`);
    byIndex.set(manifest.shard.index, dir);
  }
  // Shards of different builds (another careprint.yaml or glossary, other guide folders, other
  // --quiz-versions or --quiz-seed) would mix outputs no single build makes.
  const build = manifests[0]?.shard?.build;
  for (const [i, manifest] of manifests.entries()) {
    if (manifest.shard?.build !== build) {
      throw new Error(`${dirs[i]} and ${dirs[0]} are shards of different builds (careprint.yaml, glossary, guide folders or --quiz-versions/--quiz-seed differ): build every shard from the same content with the same options`);
    }
  }
  const missing = Array.from({ length: count ?? 0 }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
  if (missing.length > 0) throw new Error(`shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} missing: merge needs every shard of the build`);
}

/** What verify found wrong with a shard, counted. */
function shardFaults(verified: VerifyResult): string {
  const irregular = verified.irregular.length;
  // A link in a shard is never followed: verify names it, and merge stops here.
  const links = irregular === 0 ? '' : irregular === 1 ? ', 1 not a regular file' : `, ${irregular} not regular files`;
  return `${verified.missing.length} missing, ${verified.altered.length + (verified.zip === 'altered' ? 1 : 0)} altered, ${verified.extra.length} extra${links}`;
}

/**
 * Combine shard builds (`build --shard i/n`) into one bundle, the same bytes as a single build:
 * every shard is verified first and all n shards of the build must be there, each once; files
 * that several shards carry (the index, 404 and assets) must be identical, the versions and the
 * bundle date must agree; then one manifest and one zip. Only regular files are read or linked
 * in (a link or FIFO in a shard fails its verification, and one swapped in after it is refused
 * by AtomicWriter.linkIn).
 */
export async function mergeShards(shardDirs: readonly string[], out: string): Promise<Manifest> {
  const manifests: Manifest[] = [];
  for (const dir of shardDirs) {
    const verified = await verifyBundle(dir);
    if (!verified.ok || !verified.manifest) throw new Error(`${dir} is not a complete shard (${verified.error ?? shardFaults(verified)})`);
    manifests.push(verified.manifest);
  }
  const first = manifests[0];
  if (!first) throw new Error('no shard folders given');
  checkShardSet(manifests, shardDirs);
  for (const [i, manifest] of manifests.entries()) {
    for (const key of ['careprint', 'release', 'date'] as const) {
      if (manifest[key] !== first[key]) throw new Error(`${shardDirs[i]} was built with ${key} ${manifest[key]}, ${shardDirs[0]} with ${first[key]}`);
    }
  }
  const entries = new Map<string, { entry: ManifestEntry; dir: string }>();
  for (const [i, manifest] of manifests.entries()) {
    for (const entry of manifest.files) {
      const seen = entries.get(entry.path);
      if (seen && seen.entry.sha256 !== entry.sha256) throw new Error(`${entry.path} differs between ${seen.dir} and ${shardDirs[i]}`);
      if (!seen) entries.set(entry.path, { entry, dir: shardDirs[i]! });
    }
  }
  await assertReplaceable(out, [...shardDirs.map((dir) => ({ what: 'a shard being merged', path: dir })), { what: 'the current folder', path: process.cwd() }]);
  const writer = await AtomicWriter.open(out);
  try {
    for (const { entry, dir } of entries.values()) writer.linkIn(entry.path, fileIn(dir, entry.path));
    const manifest = planManifest(
      [...entries.values()].map((e) => e.entry),
      { careprint: first.careprint, release: first.release, date: new Date(first.date) },
    );
    await writer.write('manifest.json', serializeManifest(manifest));
    await writeBundleZip(writer.tmp, manifest);
    await writer.commit();
    return manifest;
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
