/**
 * A build checks the library guide by guide, in its worker pool, and keeps each guide's result in
 * the cache. It must report exactly what `careprint check` reports — for every failing rule
 * fixture and every valid variant, cold and from the cache — and a cached check must be dropped
 * when a guide its anchors point into changes, even though its own folder did not.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, type BuildOptions } from '../src/build.js';
import { check } from '../src/check.js';
import { DEFAULT_TODAY, REPO_DIR, describeDiagnostic, diagnosticsOf, loadCases, loadValidCases, materialise, materialiseCase, type Materialised } from './helpers/fixtures.js';

const cases = [
  ...loadCases().map((c) => ({ name: `rules/${c.name}`, materialise: () => materialiseCase(c), strict: c.expect.strict, today: c.expect.today })),
  ...loadValidCases().map((c) => ({
    name: `valid/${c.name}`,
    materialise: () => materialise({ name: c.name, dir: c.dir, setup: c.setup }),
    strict: c.setup.strict,
    today: c.setup.today,
  })),
];

const described = (list: ReturnType<typeof diagnosticsOf>) => list.map(describeDiagnostic).sort();

/** A build that renders nothing (no guide is selected) but checks the whole library, as every build does. */
const checkingBuild = (m: Materialised, options: BuildOptions) =>
  build(m.contentDir, { cwd: m.root, out: path.join(m.root, 'dist'), cache: path.join(m.root, 'cache'), jobs: 0, only: ['no-such-guide'], ...options });

describe('a build reports what careprint check reports', () => {
  it.each(cases)('$name', async (c) => {
    const m = c.materialise();
    try {
      const options = { strict: c.strict, today: c.today ?? DEFAULT_TODAY };
      const expected = await check(m.contentDir, { ...options, cwd: m.contentDir });
      const want = described(diagnosticsOf(expected, m.contentDir));
      const cold = await checkingBuild(m, options);
      expect(described(diagnosticsOf(cold.check, m.contentDir))).toEqual(want);
      expect(cold.ok).toBe(expected.errors === 0);
      expect(cold.check.errors).toBe(expected.errors);
      const cached = await checkingBuild(m, options);
      expect(described(diagnosticsOf(cached.check, m.contentDir))).toEqual(want);
    } finally {
      m.cleanup();
    }
  });
});

describe('cached checks', () => {
  const m = materialise();
  afterAll(() => m.cleanup());
  const guides = path.join(m.contentDir, 'guides');

  it('re-checks a guide when a guide its #anchor link points into loses that heading', async () => {
    cpSync(path.join(guides, 'sample-guide'), path.join(guides, 'other-guide'), { recursive: true });
    appendFileSync(path.join(guides, 'sample-guide/guide.md'), '\nSee [the other guide](../other-guide/guide.md#second-section).\n');
    const first = await checkingBuild(m, { today: DEFAULT_TODAY });
    expect(described(diagnosticsOf(first.check, m.contentDir))).toEqual([]);
    const other = path.join(guides, 'other-guide/guide.md');
    writeFileSync(other, readFileSync(other, 'utf8').replace('## Second section', '## Later section'));
    const second = await checkingBuild(m, { today: DEFAULT_TODAY });
    const found = diagnosticsOf(second.check, m.contentDir);
    expect(found.map((d) => [d.rule, d.file])).toContainEqual(['md-anchor-missing', 'guides/sample-guide/guide.md']);
    expect(second.ok).toBe(false);
  });

  it('reports a cached warning again on a build with nothing changed, and re-checks on a new day', async () => {
    const guide = path.join(guides, 'other-guide/guide.md');
    writeFileSync(guide, readFileSync(guide, 'utf8').replace('## Later section', '## Second section'));
    const warnings = (today: string) => checkingBuild(m, { today }).then((r) => diagnosticsOf(r.check, m.contentDir).map((d) => d.rule));
    // The base guides' next review (2099-01-01) is overdue on this date: a warning without --strict.
    const dueSoon = await check(m.contentDir, { today: '2099-02-01', cwd: m.contentDir });
    const expected = diagnosticsOf(dueSoon, m.contentDir).map((d) => d.rule);
    expect(expected.length).toBeGreaterThan(0);
    expect(await warnings('2099-02-01')).toEqual(expected);
    expect(await warnings('2099-02-01')).toEqual(expected);
    expect(await warnings(DEFAULT_TODAY)).toEqual([]);
  });
});

describe('files outside the content folder', () => {
  it('are never opened by a build, not even to digest a guide folder for the cache', () => {
    const m = materialise();
    try {
      // A named pipe: opening it for reading would block the build until the timeout kills it.
      const pipe = path.join(m.root, 'outside', 'pipe');
      execFileSync('mkfifo', [pipe]);
      symlinkSync(pipe, path.join(m.contentDir, 'guides/sample-guide/images/elsewhere.png'));
      const run = spawnSync(process.execPath, [path.join(REPO_DIR, 'bin/careprint.js'), 'build', m.contentDir, '--out', path.join(m.root, 'dist'), '--quiet'], {
        cwd: m.root,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, CAREPRINT_TODAY: DEFAULT_TODAY },
      });
      expect(run.signal, 'the build blocked on a file outside the content folder').toBeNull();
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    } finally {
      m.cleanup();
    }
  }, 90_000);
});
