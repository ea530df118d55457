import path from 'node:path';
import { parseArgs } from 'node:util';
import { mergeShards } from '../../bundle/merge.js';
import { UnsafeOutputError } from '../../bundle/write.js';
import { EXIT, type ExitCode, requireFolder, UsageError } from '../errors.js';

/** careprint merge <shard-dir>... --out dist */
export async function run(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string', default: 'dist' } } });
  if (positionals.length === 0) throw new UsageError('expected one or more shard folders');
  for (const dir of positionals) requireFolder(dir);
  try {
    const manifest = await mergeShards(positionals, path.resolve(values.out));
    process.stderr.write(`careprint merge: ${positionals.length} shards, ${manifest.files.length} files written to ${values.out}\n`);
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`careprint merge: ${(error as Error).message}\n`);
    return error instanceof UnsafeOutputError ? EXIT.usage : EXIT.contentErrors;
  }
}
