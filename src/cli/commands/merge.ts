import path from 'node:path';
import { parseArgs } from 'node:util';
import { mergeShards } from '../../bundle/merge.js';
import { printable } from '../../bundle/verify.js';
import { UnsafeOutputError } from '../../bundle/write.js';
import { EXIT, type ExitCode, requireFolder, UsageError } from '../errors.js';

/** careprint merge <shard-dir>... --out dist */
export async function run(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string', default: 'dist' } } });
  if (positionals.length === 0) throw new UsageError('expected one or more shard folders');
  try {
    for (const dir of positionals) requireFolder(dir);
  } catch (error) {
    // Printed by the caller as it is: escaped here, since it names the folder given.
    if (error instanceof UsageError) throw new UsageError(printable(error.message));
    throw error;
  }
  // Messages name paths from the shards' manifests and the command line: escaped like verify's,
  // so a control sequence in one cannot hide or fake the result.
  try {
    const manifest = await mergeShards(positionals, path.resolve(values.out));
    process.stderr.write(printable(`careprint merge: ${positionals.length} shards, ${manifest.files.length} files written to ${values.out}`) + '\n');
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(printable(`careprint merge: ${(error as Error).message}`) + '\n');
    // The output folder is not one careprint may replace (or other builds kept replacing it): a
    // usage problem. Anything else is the shards' (exit 1).
    return error instanceof UnsafeOutputError ? EXIT.usage : EXIT.contentErrors;
  }
}
