/**
 * The real CLI (`node bin/careprint.js check`), run from the repo root on fixture cases: GitHub
 * annotations with paths relative to the working directory, exit codes, JSON on stdout. Each
 * start costs about a second, so this file keeps to a handful of invocations.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { check } from '../src/check.js';
import { toGithub, toJson } from '../src/diagnostics/format.js';
import { DEFAULT_TODAY, REPO_DIR, loadCases, materialise, materialiseCase, type FixtureCase, type Materialised } from './helpers/fixtures.js';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function careprint(args: string[], env: Record<string, string> = {}, command: readonly string[] = ['node', 'bin/careprint.js']): Promise<CliRun> {
  const [file, ...pre] = command;
  return new Promise((resolve) => {
    execFile(
      file!,
      [...pre, ...args],
      { cwd: REPO_DIR, env: { ...process.env, CAREPRINT_TODAY: DEFAULT_TODAY, NO_COLOR: '1', ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const allCases = loadCases();
const materialised: Materialised[] = [];
afterAll(() => {
  for (const m of materialised) m.cleanup();
});

/** A rule fixture copied to a temp folder; `dir` is how the CLI is given it (relative to the repo). */
function fixture(name: string): { fixture: FixtureCase; dir: string; fileFromCwd: string } {
  const found = allCases.find((c) => c.name === name);
  if (!found) throw new Error(`no fixture case ${name}`);
  const m = materialiseCase(found);
  materialised.push(m);
  const dir = path.relative(REPO_DIR, m.contentDir).split(path.sep).join('/');
  return { fixture: found, dir, fileFromCwd: `${dir}/${found.expect.file}` };
}

// GitHub workflow commands escape %, CR, LF in data, and also ':' and ',' in properties.
const escapeProperty = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C');
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The exact annotation line for a case's expected diagnostic (end position optional). */
function annotation(severity: string, file: string, line: number, column: number, rule: string): RegExp {
  return new RegExp(
    `^::${severity} file=${escapeRegExp(escapeProperty(file))},line=${line},col=${column}(?:,endLine=\\d+)?(?:,endColumn=\\d+)?,title=${escapeRegExp(rule)}::\\S.*$`,
  );
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('careprint check --format github', () => {
  it.each(['frontmatter-audience', 'quiz-answer-unknown', 'md-directive-unknown'])(
    'annotates %s at its file:line:col relative to the working directory, exit 1',
    async (name) => {
      const { fixture: c, dir, fileFromCwd } = fixture(name);
      const { code, stdout, stderr } = await careprint(['check', dir, '--format', 'github']);
      const annotations = lines(stderr);
      expect(annotations).toHaveLength(1);
      expect(annotations[0]).toMatch(annotation('error', fileFromCwd, c.expect.line, c.expect.column, c.expect.rule));
      expect(stdout).toBe('');
      expect(code).toBe(1);
    },
  );

  it('prints a warning annotation and exits 0 when there are only warnings', async () => {
    const { fixture: c, dir, fileFromCwd } = fixture('review-overdue-warning');
    const { code, stderr } = await careprint(['check', dir, '--format', 'github'], { CAREPRINT_TODAY: c.expect.today! });
    expect(lines(stderr)).toHaveLength(1);
    expect(lines(stderr)[0]).toMatch(annotation('warning', fileFromCwd, c.expect.line, c.expect.column, 'review-overdue'));
    expect(code).toBe(0);
  });

  it('makes the same overdue review an error under --strict, exit 1', async () => {
    const { fixture: c, dir, fileFromCwd } = fixture('review-overdue-strict');
    const { code, stderr } = await careprint(['check', dir, '--strict', '--format', 'github'], { CAREPRINT_TODAY: c.expect.today! });
    expect(lines(stderr)).toHaveLength(1);
    expect(lines(stderr)[0]).toMatch(annotation('error', fileFromCwd, c.expect.line, c.expect.column, 'review-overdue'));
    expect(code).toBe(1);
  });
});

describe('careprint check --format json', () => {
  it('prints one parseable JSON array to stdout, exit 1', async () => {
    const { fixture: c, fileFromCwd, dir } = fixture('quiz-duplicate-option-id');
    const { code, stdout } = await careprint(['check', dir, '--format', 'json']);
    const parsed: unknown = JSON.parse(stdout);
    expect(Array.isArray(parsed)).toBe(true);
    expect(parsed).toEqual([
      expect.objectContaining({
        file: fileFromCwd,
        line: c.expect.line,
        column: c.expect.column,
        severity: 'error',
        ruleId: 'quiz-duplicate-option-id',
        source: 'careprint',
        message: expect.stringMatching(/\S/),
        url: expect.stringContaining('quiz-duplicate-option-id'),
      }),
    ]);
    expect(code).toBe(1);
  });
});

describe('careprint check usage', () => {
  it('exits 2 for an unknown --format', async () => {
    const { code, stdout, stderr } = await careprint(['check', 'content', '--format', 'xml']);
    expect(code).toBe(2);
    expect(stderr).toContain('--format');
    expect(stdout).toBe('');
  });

  it.each([['check'], ['build', '--out', 'never-written'], ['verify']])('exits 2 saying so when `%s` is given a file for its folder (it was an internal error)', async (command, ...rest) => {
    const { code, stderr } = await careprint([command, 'content/careprint.yaml', ...rest]);
    expect(code).toBe(2);
    expect(stderr).toContain('content/careprint.yaml is a file: give a folder');
    expect(stderr).not.toMatch(/internal error|ENOTDIR|\n\s+at /);
  });

  it('prints a message quoting a control character (a link to "leaf%0Alet.pdf") on one line, escaped', async () => {
    const m = materialise();
    try {
      const guide = path.join(m.contentDir, 'guides/sample-guide/guide.md');
      writeFileSync(guide, readFileSync(guide, 'utf8').replace('See [the second section](#second-section) below.', 'See [a leaflet](leaf%0Alet.pdf) below.'));
      const { code, stderr } = await careprint(['check', m.contentDir]);
      expect(code).toBe(1);
      // The decoded newline split the row: the rule id landed on a line of its own.
      expect(stderr).toMatch(/error "leaf\\nlet\.pdf" does not exist .* md-link-missing/);
    } finally {
      m.cleanup();
    }
  });

  it('passes the sample content through `npx careprint check content`, exit 0', async () => {
    const { code, stdout, stderr } = await careprint(['careprint', 'check', 'content'], {}, ['npx', '--no']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe('');
  });
});

describe('report paths (in process, no CLI start)', () => {
  it('names the content folder itself "." when it is the working directory (`careprint check .`)', async () => {
    const found = allCases.find((c) => c.name === 'file-missing-config')!;
    const m = materialiseCase(found);
    materialised.push(m);
    const result = await check(m.contentDir, { today: DEFAULT_TODAY, cwd: m.contentDir });
    expect(toJson(result.content.files, m.contentDir).map((d) => [d.file, d.line, d.column, d.ruleId])).toEqual([['.', 1, 1, 'file-missing']]);
    expect(lines(toGithub(result.content.files, m.contentDir))).toEqual([expect.stringMatching(/^::error file=\.,line=1,col=1,title=file-missing::\S/)]);
  });
});

describe('every failing fixture through the CLI entry (`check --format github`, in-process)', () => {
  /** Run the CLI's own entry point in this process, capturing what it prints. */
  async function runMain(args: string[], today: string): Promise<{ code: number; stderr: string }> {
    const { main } = await import('../src/cli/main.js');
    let stderr = '';
    const previousToday = process.env.CAREPRINT_TODAY;
    process.env.CAREPRINT_TODAY = today;
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      return { code: await main(args), stderr };
    } finally {
      spy.mockRestore();
      if (previousToday === undefined) delete process.env.CAREPRINT_TODAY;
      else process.env.CAREPRINT_TODAY = previousToday;
    }
  }

  it.each(allCases.map((c) => [c.name, c] as const))('%s', async (_name, found) => {
    const m = materialiseCase(found);
    materialised.push(m);
    const dir = path.relative(process.cwd(), m.contentDir).split(path.sep).join('/');
    const args = ['check', dir, '--format', 'github', ...(found.expect.strict ? ['--strict'] : [])];
    const { code, stderr } = await runMain(args, found.expect.today ?? DEFAULT_TODAY);
    const file = found.expect.file === '.' ? dir : `${dir}/${found.expect.file}`;
    const lines = stderr.split('\n');
    expect(lines.some((l) => annotation(found.expect.severity, file, found.expect.line, found.expect.column, found.expect.rule).test(l)), stderr).toBe(true);
    expect(code).toBe(found.expect.severity === 'error' ? 1 : 0);
  });
});
