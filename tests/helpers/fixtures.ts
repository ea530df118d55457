/**
 * Fixture cases for the rule tests. `tests/fixtures/base/` is a small valid content folder;
 * `tests/fixtures/rules/<case>/` holds only the files that differ from it (same relative paths,
 * an overlaid file replaces the base one) plus `expect.json`, which names the one diagnostic the
 * case must produce and any files to delete or generate when the case is materialised.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CheckResult } from '../../src/check.js';
import type { VFile } from 'vfile';

export const TESTS_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = path.dirname(TESTS_DIR);
export const FIXTURES_DIR = path.join(TESTS_DIR, 'fixtures');
export const BASE_DIR = path.join(FIXTURES_DIR, 'base');
export const CASES_DIR = path.join(FIXTURES_DIR, 'rules');
export const VALID_DIR = path.join(FIXTURES_DIR, 'valid');

/** The date every rule test runs on unless a case says otherwise. */
export const DEFAULT_TODAY = '2026-11-27';

/** Placeholder in a symlink target: the absolute path of a file outside the content folder. */
export const OUTSIDE_PLACEHOLDER = '{outside}';

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !path.isAbsolute(p) && !p.split('/').includes('..'), { error: 'must be a relative path inside the content folder' });

/** How a case is set up beyond copying its overlay files (shared by rule cases and valid variants). */
const setupShape = {
  /** What the case is about, for people reading the fixture. */
  note: z.string().optional(),
  strict: z.boolean().default(false),
  today: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  /** Base files (or folders) to delete. */
  remove: z.array(relativePath).default([]),
  /** Files written from base64 (binary content such as invalid UTF-8, a BOM or CRLF line ends). */
  bytes: z.array(z.strictObject({ path: relativePath, base64: z.string() })).default([]),
  /** Symlinks made at copy time; `{outside}` in a target is a file outside the content folder. */
  symlinks: z.array(z.strictObject({ path: relativePath, target: z.string().min(1) })).default([]),
  /** Files of a given size in bytes (filled with lines of text). */
  large: z.array(z.strictObject({ path: relativePath, size: z.number().int().positive() })).default([]),
};

export const setupSchema = z.strictObject(setupShape);
export type CaseSetup = z.output<typeof setupSchema>;

/** `tests/fixtures/rules/<case>/expect.json`. */
export const expectSchema = z.strictObject({
  ...setupShape,
  rule: z.string().min(1),
  severity: z.enum(['error', 'warning']),
  /** Relative to the content folder, `/`-separated; `.` is the content folder itself. */
  file: z.string().min(1),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  /** Rule ids whose WARNINGS may appear besides the expected diagnostic (never errors). */
  alsoAllowed: z.array(z.string()).default([]),
});
export type CaseExpect = z.output<typeof expectSchema>;

export interface FixtureCase {
  name: string;
  dir: string;
  expect: CaseExpect;
}

/** A valid variant: `tests/fixtures/valid/<case>/` plus an optional `case.json`; no diagnostics at all. */
export interface ValidCase {
  name: string;
  dir: string;
  setup: CaseSetup;
}

const caseDirs = (parent: string) =>
  readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

function readJson<S extends z.ZodType>(file: string, schema: S, label: string): z.output<S> {
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${label}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function loadCases(): FixtureCase[] {
  return caseDirs(CASES_DIR).map((name) => {
    const dir = path.join(CASES_DIR, name);
    return { name, dir, expect: readJson(path.join(dir, 'expect.json'), expectSchema, `rules/${name}/expect.json`) };
  });
}

export function loadValidCases(): ValidCase[] {
  return caseDirs(VALID_DIR).map((name) => {
    const dir = path.join(VALID_DIR, name);
    const json = path.join(dir, 'case.json');
    return { name, dir, setup: existsSync(json) ? readJson(json, setupSchema, `valid/${name}/case.json`) : setupSchema.parse({}) };
  });
}

/** Files in a case folder that describe the case rather than overlay the content. */
const CASE_FILES = new Set(['expect.json', 'case.json']);

export interface Materialised {
  /** The temporary folder holding `content/` and `outside/`. */
  root: string;
  /** The content folder to check. */
  contentDir: string;
  /** A file outside the content folder that symlinks may point to. */
  outsideFile: string;
  cleanup(): void;
}

/** Copy base + an overlay folder into a fresh temporary folder, then apply the case's setup. */
export function materialise(overlay?: { name: string; dir: string; setup: CaseSetup }, parent: string = os.tmpdir()): Materialised {
  const root = mkdtempSync(path.join(parent, 'careprint-fixture-'));
  const contentDir = path.join(root, 'content');
  const outsideDir = path.join(root, 'outside');
  mkdirSync(outsideDir);
  const outsideFile = path.join(outsideDir, 'secret.txt');
  writeFileSync(outsideFile, 'title: not content\n');
  const cleanup = () => rmSync(root, { recursive: true, force: true });

  try {
    cpSync(BASE_DIR, contentDir, { recursive: true });
    if (overlay) applyOverlay(overlay, contentDir, outsideFile);
  } catch (error) {
    cleanup();
    throw error;
  }
  return { root, contentDir, outsideFile, cleanup };
}

function applyOverlay({ name, dir, setup }: { name: string; dir: string; setup: CaseSetup }, contentDir: string, outsideFile: string): void {
  for (const entry of readdirSync(dir)) {
    if (CASE_FILES.has(entry)) continue;
    cpSync(path.join(dir, entry), path.join(contentDir, entry), { recursive: true, force: true });
  }
  for (const p of setup.remove) {
    const target = path.join(contentDir, p);
    if (!existsSync(target)) throw new Error(`${name}: "remove" names ${p}, which the base does not have`);
    rmSync(target, { recursive: true });
  }
  const ensureParent = (p: string) => mkdirSync(path.dirname(p), { recursive: true });
  for (const { path: p, base64 } of setup.bytes) {
    const target = path.join(contentDir, p);
    ensureParent(target);
    writeFileSync(target, Buffer.from(base64, 'base64'));
  }
  for (const { path: p, size } of setup.large) {
    const target = path.join(contentDir, p);
    ensureParent(target);
    const line = 'All work and no play makes a very long guide.\n';
    writeFileSync(target, line.repeat(Math.ceil(size / line.length)).slice(0, size));
  }
  for (const { path: p, target } of setup.symlinks) {
    const link = path.join(contentDir, p);
    ensureParent(link);
    rmSync(link, { force: true });
    symlinkSync(target.split(OUTSIDE_PLACEHOLDER).join(outsideFile), link);
  }
}

export const materialiseCase = (fixture: FixtureCase, parent?: string) => materialise({ name: fixture.name, dir: fixture.dir, setup: fixture.expect }, parent);

export interface Diagnostic {
  rule: string;
  severity: 'error' | 'warning';
  /** Relative to the content folder, `/`-separated; `.` for the content folder itself. */
  file: string;
  line: number | undefined;
  column: number | undefined;
  message: string;
}

/** Every diagnostic of a check (or of a build's check), with paths relative to the content folder. */
export function diagnosticsOf(result: CheckResult | { files: readonly VFile[] }, contentDir: string): Diagnostic[] {
  const files = 'content' in result ? result.content.files : result.files;
  return files.flatMap((file) => {
    const absolute = path.resolve(file.cwd, file.path);
    const relative = path.relative(contentDir, absolute).split(path.sep).join('/') || '.';
    return file.messages.map((message) => ({
      rule: String(message.ruleId),
      severity: message.fatal === true ? ('error' as const) : ('warning' as const),
      file: relative,
      line: message.line,
      column: message.column,
      message: message.reason,
    }));
  });
}

export const describeDiagnostic = (d: Diagnostic) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule} — ${d.message}`;
