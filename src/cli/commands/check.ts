import { parseArgs } from 'node:util';
import { check } from '../../check.js';
import { FORMATS, toGithub, toJson, toPretty, type Format } from '../../diagnostics/format.js';
import { EXIT, type ExitCode, requireFolder, UsageError } from '../errors.js';

export interface CheckCommandOptions {
  dir: string;
  strict: boolean;
  format: Format;
}

export function parseCheckArgs(argv: string[]): CheckCommandOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { strict: { type: 'boolean', default: false }, format: { type: 'string', default: 'pretty' } },
  });
  if (positionals.length > 1) throw new UsageError(`expected at most one folder, got ${positionals.length}`);
  if (!(FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  return { dir: positionals[0] ?? 'content', strict: values.strict, format: values.format as Format };
}

/** Print diagnostics in the chosen format: pretty and github to stderr, json to stdout. */
export async function printDiagnostics(files: Parameters<typeof toJson>[0], format: Format): Promise<void> {
  const cwd = process.cwd();
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(toJson(files, cwd), null, 2)}\n`);
  } else if (format === 'github') {
    const text = toGithub(files, cwd);
    if (text) process.stderr.write(`${text}\n`);
  } else {
    const text = await toPretty(files, cwd, Boolean(process.stderr.isTTY) && !process.env.NO_COLOR);
    if (text) process.stderr.write(`${text}\n`);
  }
}

export async function run(argv: string[]): Promise<ExitCode> {
  const options = parseCheckArgs(argv);
  requireFolder(options.dir);
  const result = await check(options.dir, { strict: options.strict });
  await printDiagnostics(result.content.files, options.format);
  return result.errors > 0 ? EXIT.contentErrors : EXIT.ok;
}
