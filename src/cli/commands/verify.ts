import { parseArgs } from 'node:util';
import { verifyBundle, type VerifyResult } from '../../bundle/verify.js';
import { zipName } from '../../bundle/zip.js';
import { EXIT, type ExitCode, requireFolder, UsageError } from '../errors.js';

/** careprint verify [dist]: recompute the manifest's checksums; exit 1 on any difference. */
export async function run(argv: string[]): Promise<ExitCode> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length > 1) throw new UsageError(`expected at most one folder, got ${positionals.length}`);
  const dist = positionals[0] ?? 'dist';
  requireFolder(dist);
  const result = await verifyBundle(dist);
  if (result.error) {
    process.stderr.write(`careprint verify: ${result.error}\n`);
    return EXIT.contentErrors;
  }
  for (const file of result.missing) process.stderr.write(`missing  ${file}\n`);
  for (const file of result.altered) process.stderr.write(`altered  ${file}\n`);
  for (const file of result.extra) process.stderr.write(`extra    ${file}\n`);
  const zip = zipName(result.manifest!.release);
  if (result.zip === 'altered') process.stderr.write(`altered  ${zip} (not the zip of the listed files)\n`);
  if (result.zip === 'missing') process.stderr.write(`missing  ${zip} (the release zip)\n`);
  const shard = result.manifest?.shard;
  const zipNote = { match: `, and so does ${zip}`, shard: ` (shard ${shard?.index}/${shard?.count}: no release zip until merged)`, unchecked: `; ${zip} not checked`, altered: '', missing: '' }[result.zip];
  const zipCount = (status: VerifyResult['zip']) => (result.zip === status ? 1 : 0);
  process.stderr.write(
    result.ok
      ? `careprint verify: ${result.checked} files match the manifest${zipNote}\n`
      : `careprint verify: ${result.missing.length + zipCount('missing')} missing, ${result.altered.length + zipCount('altered')} altered, ${result.extra.length} extra (of ${result.checked} listed and the zip)\n`,
  );
  return result.ok ? EXIT.ok : EXIT.contentErrors;
}
