import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PAPER_SIZES, type PaperSize } from '../../config/schema.js';
import { siteAssets } from '../../render/html/assets.js';
import { renderFile } from '../../render-file.js';
import { EXIT, UsageError, type ExitCode, checkSourceDate } from '../errors.js';
import { printDiagnostics } from './check.js';

/** careprint render <file.md> --to pdf|html [-o out] [--paper a4|letter] [--large-print] */
export async function run(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      to: { type: 'string', default: 'pdf' },
      out: { type: 'string', short: 'o' },
      paper: { type: 'string', default: 'a4' },
      'large-print': { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('expected one Markdown file');
  if (values.to !== 'pdf' && values.to !== 'html') throw new UsageError('--to must be pdf or html');
  if (!(PAPER_SIZES as readonly string[]).includes(values.paper)) throw new UsageError(`--paper must be one of ${PAPER_SIZES.join(', ')}`);
  checkSourceDate();
  const input = positionals[0]!;
  try {
    readFileSync(input, { flag: 'r' }).subarray(0, 0);
  } catch {
    throw new UsageError(`cannot read ${input}`);
  }
  const result = await renderFile(input, { to: values.to, paper: values.paper as PaperSize, variant: values['large-print'] ? 'large' : 'standard' });
  await printDiagnostics([result.file], 'pretty');
  if (!result.data) return EXIT.contentErrors;
  const out = values.out ?? `${path.basename(input, path.extname(input))}.${values.to}`;
  if (out === '-') {
    process.stdout.write(result.data);
    return EXIT.ok;
  }
  // The editor's source is never written over (`render guide.md --to html -o guide.md` replaced it).
  if (path.resolve(out) === path.resolve(input)) throw new UsageError(`-o ${out} is the Markdown being rendered: choose another file`);
  try {
    mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    writeFileSync(out, result.data);
    if (values.to === 'html') {
      // The page links its stylesheet and fonts (the Content-Security-Policy forbids inline styles).
      for (const asset of siteAssets().artifacts) {
        const target = path.join(path.dirname(path.resolve(out)), ...asset.path.slice('site/'.length).split('/'));
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, asset.data);
      }
    }
  } catch (error) {
    // A folder, a path through a file, no permission: the user's to fix, not an internal error.
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UsageError(`cannot write ${out}: ${code === 'EISDIR' ? 'it is a folder' : code === 'ENOTDIR' || code === 'EEXIST' ? 'part of its path is a file' : code}`);
    throw error;
  }
  return EXIT.ok;
}
