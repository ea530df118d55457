/**
 * Every rule in the catalogue has at least one failing fixture (tests/fixtures/rules/<case>/),
 * each with exactly one defect: the case asserts that diagnostic's rule, severity, file, line and
 * column, and that nothing else is reported. Valid variants (tests/fixtures/valid/<case>/) guard
 * against false positives, and the base folder and the sample content must be clean.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../src/check.js';
import { rules } from '../src/diagnostics/catalogue.js';
import {
  BASE_DIR,
  DEFAULT_TODAY,
  REPO_DIR,
  describeDiagnostic,
  diagnosticsOf,
  loadCases,
  loadValidCases,
  materialise,
  materialiseCase,
  type Diagnostic,
  type FixtureCase,
} from './helpers/fixtures.js';

const cases = loadCases();
const validCases = loadValidCases();
const ruleIds = Object.keys(rules) as Array<keyof typeof rules>;

const place = (d: Pick<Diagnostic, 'rule' | 'severity' | 'file' | 'line' | 'column'>) => ({
  rule: d.rule,
  severity: d.severity,
  file: d.file,
  line: d.line,
  column: d.column,
});

describe('fixture set', () => {
  it('has a failing fixture for every rule in the catalogue', () => {
    const covered = new Set(cases.map((c) => c.expect.rule));
    expect(ruleIds.filter((id) => !covered.has(id))).toEqual([]);
  });

  it('names only catalogue rules, at their catalogue severity (review-overdue is an error under --strict)', () => {
    const wrong = cases.flatMap((c) => {
      const { rule, severity, strict } = c.expect;
      if (!Object.hasOwn(rules, rule)) return [`${c.name}: unknown rule ${rule}`];
      const expected = rule === 'review-overdue' && strict ? 'error' : rules[rule as keyof typeof rules].severity;
      return severity === expected ? [] : [`${c.name}: ${rule} is ${expected}, expect.json says ${severity}`];
    });
    expect(wrong).toEqual([]);
  });

  it('lets only warning rules through `alsoAllowed`', () => {
    const wrong = cases.flatMap((c) =>
      c.expect.alsoAllowed.filter((id) => !Object.hasOwn(rules, id) || rules[id as keyof typeof rules].severity !== 'warning').map((id) => `${c.name}: ${id}`),
    );
    expect(wrong).toEqual([]);
  });

  it('has the base fixture as a clean content folder', async () => {
    const result = await check(BASE_DIR, { strict: true, today: DEFAULT_TODAY, cwd: BASE_DIR });
    expect(diagnosticsOf(result, BASE_DIR).map(describeDiagnostic)).toEqual([]);
    expect(result.content.guides.map((g) => g.slug)).toEqual(['sample-guide']);
    expect(result.content.guides[0]?.quiz?.quiz?.questions.map((q) => q.type)).toEqual(['single', 'multiple', 'true-false']);
  });
});

/** Check a materialised fixture folder with its case's settings, then remove the folder. */
async function checkFixture(materialised: ReturnType<typeof materialise>, setup: { strict: boolean; today?: string | undefined }) {
  try {
    const result = await check(materialised.contentDir, { strict: setup.strict, today: setup.today ?? DEFAULT_TODAY, cwd: materialised.contentDir });
    return { result, diagnostics: diagnosticsOf(result, materialised.contentDir) };
  } finally {
    materialised.cleanup();
  }
}

const run = (fixture: FixtureCase) => checkFixture(materialiseCase(fixture), fixture.expect);

describe.each(cases.map((c) => [c.name, c] as const))('rules/%s', (_name, fixture) => {
  const { rule, severity, file, line, column, alsoAllowed } = fixture.expect;

  it(`reports ${severity} ${rule} at ${file}:${line}:${column}, and nothing else`, async () => {
    const { result, diagnostics } = await run(fixture);
    const expected = { rule, severity, file, line, column };

    // The one diagnostic, at its exact place (the failure message lists everything reported).
    expect(diagnostics.map(place)).toContainEqual(expected);
    const hit = diagnostics.find((d) => d.rule === rule && d.severity === severity && d.file === file && d.line === line && d.column === column)!;
    expect(hit.message.trim()).not.toBe('');

    // One defect, one diagnostic: no second error, and no warning the case does not allow.
    const others = diagnostics.filter((d) => d !== hit);
    const unexpected = others.filter((d) => d.severity === 'error' || !alsoAllowed.includes(d.rule));
    expect(unexpected.map(describeDiagnostic)).toEqual([]);

    // check() counts what it reports.
    expect(result.errors).toBe(diagnostics.filter((d) => d.severity === 'error').length);
    expect(result.warnings).toBe(diagnostics.filter((d) => d.severity === 'warning').length);
  });
});

describe.each(validCases.map((c) => [c.name, c] as const))('valid/%s', (_name, variant) => {
  it('reports nothing', async () => {
    const { result, diagnostics } = await checkFixture(materialise(variant), variant.setup);
    expect(diagnostics.map(describeDiagnostic)).toEqual([]);
    expect(result.errors).toBe(0);
    expect(result.warnings).toBe(0);
  });
});

describe('sample content', () => {
  it('passes check --strict with no diagnostics at all', async () => {
    const contentDir = path.join(REPO_DIR, 'content');
    const result = await check('content', { strict: true, today: DEFAULT_TODAY, cwd: REPO_DIR });
    expect(diagnosticsOf(result, contentDir).map(describeDiagnostic)).toEqual([]);
    expect(result.errors).toBe(0);
    expect(result.warnings).toBe(0);
    expect(result.content.guides.length).toBeGreaterThan(0);
    expect(result.content.guides.every((g) => g.meta !== undefined && g.quiz?.quiz !== undefined)).toBe(true);
  });
});
