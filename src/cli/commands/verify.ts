import { parseArgs } from 'node:util';
import { FOLDER_LINK, printable, verifyBundle, type VerifyResult } from '../../bundle/verify.js';
import { zipName } from '../../bundle/zip.js';
import { EXIT, type ExitCode, requireFolder, UsageError } from '../errors.js';

/**
 * One line on stderr, escaped: paths and messages come from the bundle (and the command line),
 * and a control sequence in one could hide or fake the result.
 */
const say = (line: string) => process.stderr.write(`${printable(line)}\n`);

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Every file at fault, one line each. */
function reportFiles(result: VerifyResult): void {
  for (const file of result.missing) say(`missing  ${file}`);
  for (const file of result.altered) say(`altered  ${file}`);
  for (const file of result.irregular) say(`irregular ${file.path} (${file.kind}${file.kind === FOLDER_LINK ? ': links are not followed' : ', not a regular file'})`);
  for (const file of result.extra) say(`extra    ${file}`);
  const zip = zipName(result.manifest!.release);
  if (result.zip === 'altered') say(`altered  ${zip} (not the zip of the listed files)`);
  if (result.zip === 'missing') say(`missing  ${zip} (the release zip)`);
}

/** The summary line. */
function summary(result: VerifyResult): string {
  const zip = zipName(result.manifest!.release);
  if (result.ok) {
    const shard = result.manifest?.shard;
    const zipNote = { match: `, and so does ${zip}`, shard: ` (shard ${shard?.index}/${shard?.count}: no release zip until merged)`, unchecked: `; ${zip} not checked`, altered: '', missing: '' }[result.zip];
    return `careprint verify: ${result.checked} files match the manifest${zipNote}`;
  }
  const zipCount = (status: VerifyResult['zip']) => (result.zip === status ? 1 : 0);
  const irregular = result.irregular.length > 0 ? `, ${plural(result.irregular.length, 'not a regular file', 'not regular files')}` : '';
  return `careprint verify: ${result.missing.length + zipCount('missing')} missing, ${result.altered.length + zipCount('altered')} altered, ${result.extra.length} extra${irregular} (of ${result.checked} listed and the zip)`;
}

/** careprint verify [dist]: recompute the manifest's checksums; exit 1 on any difference. */
export async function run(argv: string[]): Promise<ExitCode> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length > 1) throw new UsageError(`expected at most one folder, got ${positionals.length}`);
  const dist = positionals[0] ?? 'dist';
  try {
    requireFolder(dist);
  } catch (error) {
    // Printed by the caller as it is: escaped here, since it names the folder given.
    if (error instanceof UsageError) throw new UsageError(printable(error.message));
    throw error;
  }
  const result = await verifyBundle(dist);
  if (result.error) {
    say(`careprint verify: ${result.error}`);
    return EXIT.contentErrors;
  }
  reportFiles(result);
  say(summary(result));
  return result.ok ? EXIT.ok : EXIT.contentErrors;
}
