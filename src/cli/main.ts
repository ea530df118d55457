import { EXIT, UsageError, clearLine, type ExitCode } from './errors.js';

/** Commands are loaded only when run, so `careprint check` never pays for the PDF engine. */
const COMMANDS = {
  check: () => import('./commands/check.js'),
  build: () => import('./commands/build.js'),
  render: () => import('./commands/render.js'),
  verify: () => import('./commands/verify.js'),
  merge: () => import('./commands/merge.js'),
} as const satisfies Record<string, () => Promise<{ run(argv: string[]): Promise<ExitCode> }>>;

const USAGE = `Usage: careprint <command> [options]

Commands:
  check [dir] [--strict] [--format pretty|json|github]   validate content; print diagnostics
  build [dir] [--strict] [--out dist] [--only slug] [--jobs N] [--no-cache] [--shard i/n] [--quiet]
                                                         check, then write the bundle to dist/
  verify [dist]                                          recompute the manifest's checksums
  merge <shard-dir>... --out dist                        combine shard builds into one bundle
  render <file.md> --to pdf|html [-o out] [--paper a4|letter] [--large-print]
                                                         render one Markdown file

dir defaults to content/. --jobs is capped at the cores (and the guides to build).
Exit status: 0 ok (warnings allowed), 1 content errors, 2 bad usage or a problem of the machine
(a full disk, a read-only output folder, a worker process killed) or an internal fault.`;

export async function main(argv: string[]): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    const { VERSION } = await import('../version.js');
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    process.stderr.write(`careprint: unknown command "${name}"\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  try {
    const command = await COMMANDS[name as keyof typeof COMMANDS]();
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`careprint ${name}: ${error.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    // A full disk or a forbidden folder met by any command is the machine's, not a careprint bug.
    const { environmentError } = await import('../bundle/environment.js');
    const problem = environmentError(error);
    if (problem) {
      process.stderr.write(`${clearLine()}careprint ${name}: ${problem.message}\n`);
      return EXIT.environment;
    }
    const report = 'this is a careprint bug, please report it with this message';
    process.stderr.write(`${clearLine()}careprint ${name}: internal error (${report}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.usage;
  }
}
