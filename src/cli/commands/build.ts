import { writeSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from '../../build.js';
import { guideFolderNames } from '../../content/load.js';
import { closest } from '../../content/validate-yaml.js';
import { FORMATS, type Format } from '../../diagnostics/format.js';
import { BuildStalledError } from '../../bundle/stall.js';
import { EnvironmentError } from '../../bundle/environment.js';
import { GuideFailedError } from '../../bundle/guide-failed.js';
import { UnsafeOutputError } from '../../bundle/write.js';
import { checkSourceDate, clearLine, EXIT, type ExitCode, requireFolder, UsageError } from '../errors.js';
import { progressReporter } from '../progress.js';
import { printDiagnostics } from './check.js';

export async function run(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      strict: { type: 'boolean', default: false },
      out: { type: 'string', default: 'dist' },
      only: { type: 'string', multiple: true, default: [] },
      format: { type: 'string', default: 'pretty' },
      quiet: { type: 'boolean', default: false },
      'quiz-versions': { type: 'string' },
      'quiz-seed': { type: 'string' },
      jobs: { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      shard: { type: 'string' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`expected at most one folder, got ${positionals.length}`);
  if (!(FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const dir = positionals[0] ?? 'content';
  requireFolder(dir);
  // A slug that names no guide folder is a typo: building nothing would replace the whole bundle.
  const folders = values.only.length > 0 ? await guideFolderNames(path.resolve(dir)) : [];
  const unknown = values.only.filter((slug) => !folders.includes(slug));
  if (unknown.length > 0) {
    const named = unknown.map((slug) => {
      const near = closest(slug, folders);
      return `"${slug}"${near ? ` (did you mean ${near}?)` : ''}`;
    });
    throw new UsageError(`--only: no guide folder ${named.join(', ')} in ${path.join(dir, 'guides')}; nothing was built`);
  }
  const versions = values['quiz-versions'];
  if (versions !== undefined && !/^([1-9]|1\d|2[0-6])$/.test(versions)) throw new UsageError('--quiz-versions must be a whole number from 1 to 26');
  if (values.jobs !== undefined && !/^[1-9]\d*$/.test(values.jobs)) throw new UsageError('--jobs must be a whole number, 1 or more');
  const shardMatch = values.shard === undefined ? undefined : /^([1-9]\d*)\/([1-9]\d*)$/.exec(values.shard);
  if (values.shard !== undefined && (!shardMatch || Number(shardMatch[1]) > Number(shardMatch[2]))) throw new UsageError('--shard is i/n with 1 <= i <= n, e.g. 1/2');
  checkSourceDate();
  const stall = process.env.CAREPRINT_STALL_TIMEOUT;
  if (stall !== undefined && !(Number(stall) > 0)) throw new UsageError('CAREPRINT_STALL_TIMEOUT must be a number of seconds above 0');
  const progress = values.quiet ? undefined : progressReporter();
  let result: Awaited<ReturnType<typeof build>>;
  try {
    result = await build(dir, {
      strict: values.strict,
      out: values.out,
      only: values.only,
      ...(versions !== undefined ? { quizVersions: Number(versions) } : {}),
      ...(values['quiz-seed'] !== undefined ? { quizSeed: values['quiz-seed'] } : {}),
      ...(values.jobs !== undefined ? { jobs: Number(values.jobs) } : {}),
      ...(values['no-cache'] ? { cache: false as const } : {}),
      ...(shardMatch ? { shard: { index: Number(shardMatch[1]), count: Number(shardMatch[2]) } } : {}),
      ...(stall !== undefined ? { stallSeconds: Number(stall) } : {}),
      ...(progress ? { onProgress: progress.update } : {}),
    });
  } catch (error) {
    if (error instanceof UnsafeOutputError) {
      process.stderr.write(`${clearLine()}careprint build: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof EnvironmentError) {
      // The machine's problem, said with what to do: no stack, which would read as a crash.
      process.stderr.write(`${clearLine()}careprint build: ${error.message}\n`);
      return EXIT.environment;
    }
    if (error instanceof GuideFailedError) {
      process.stderr.write(`${clearLine()}careprint build: ${error.message}\n${error.detail ?? ''}\n`);
      return EXIT.usage;
    }
    if (!(error instanceof BuildStalledError)) throw error;
    // Exit now: the operation that never finished may hold the event loop open for good.
    writeSync(2, `${clearLine()}careprint build: ${error.message}\n`);
    process.exit(EXIT.usage);
  }
  await printDiagnostics(result.check.files, values.format as Format);
  if (!result.ok) {
    process.stderr.write(`careprint build: ${result.check.errors} error(s); nothing was written (${values.out} is unchanged)\n`);
    return EXIT.contentErrors;
  }
  if (!values.quiet) {
    const { stats } = result;
    process.stderr.write(
      `careprint build: ${stats.files} files written to ${path.relative(process.cwd(), result.out) || '.'} ` +
        `(${stats.rendered} guides rendered, ${stats.cached} reused from cache) in ${(stats.milliseconds / 1000).toFixed(2)} s\n`,
    );
  }
  return EXIT.ok;
}
