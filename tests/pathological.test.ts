/**
 * Issue 21: size limits do not bound time. Bodies under the 1 MiB file limit (setext headings,
 * `*a_` runs, lazy block-quote lines, long lists, chained footnotes, deep nesting; YAML of many
 * short keys in careprint.yaml, a glossary, front matter or a quiz) made `careprint check` run for
 * minutes and gigabytes. Each is checked here in a child process limited to a 1 GB heap and
 * killed if it runs on: it must answer within 10 s and 1 GB, with file-too-complex at the file.
 * The same shapes just inside each limit must be checked (not refused) within the same bounds,
 * and a real 5,000-word guide must pass untouched. `npx tsx scripts/pathological.ts` measures
 * the same corpus without the test's limits.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import type { ChildReport } from '../scripts/pathological.js';
import { markdownCost, MARKDOWN_LIMITS } from '../src/content/budget.js';
import { parseYaml } from '../src/content/yaml.js';
import { ParseThread } from '../src/pipeline/parse-thread.js';
import { parseMarkdown } from '../src/pipeline/processor.js';
import { REPO_DIR, materialise, type Materialised } from './helpers/fixtures.js';
import { AT_LIMIT_CASES, PATHOLOGICAL_CASES, TARGET_BYTES, realGuide, type PathologicalCase } from './helpers/pathological.js';

const LIMIT_MS = 10_000;
const LIMIT_MB = 1024;
/** A case still running this long has hung: its process is killed and it fails. */
const KILL_MS = 30_000;
const SAMPLE_GUIDE = readFileSync(path.join(REPO_DIR, 'content/guides/iliopsoas-pain-running/guide.md'), 'utf8');

interface Outcome {
  kind: 'pathological' | 'at limit' | 'real';
  testCase: PathologicalCase;
  bytes: number;
  /** Undefined when the process did not answer (killed, crashed). */
  report: ChildReport | undefined;
  failure: string | undefined;
}

/** Checked in a copy of the sample content (its quiz asks about the sample guide's sections). */
const REAL: PathologicalCase = { name: 'real-5000-words', path: 'guides/iliopsoas-pain-running/guide.md', note: 'the sample guide body four times', text: () => realGuide(SAMPLE_GUIDE) };
const ALL = [
  ...PATHOLOGICAL_CASES.map((testCase) => ({ kind: 'pathological' as const, testCase })),
  ...AT_LIMIT_CASES.map((testCase) => ({ kind: 'at limit' as const, testCase })),
  { kind: 'real' as const, testCase: REAL },
];
const outcomes = new Map<string, Outcome>();
const folders: Materialised[] = [];

interface Prepared {
  kind: Outcome['kind'];
  testCase: PathologicalCase;
  dir: string;
  bytes: number;
}

/** Each case's content folder: the base fixture (or, for the real guide, the sample content) with the case's file written over it. */
function prepare({ kind, testCase }: (typeof ALL)[number]): Prepared {
  const folder = materialise();
  folders.push(folder);
  if (kind === 'real') {
    rmSync(folder.contentDir, { recursive: true });
    cpSync(path.join(REPO_DIR, 'content'), folder.contentDir, { recursive: true });
  }
  const target = path.join(folder.contentDir, testCase.path);
  mkdirSync(path.dirname(target), { recursive: true });
  const text = testCase.text();
  writeFileSync(target, text);
  return { kind, testCase, dir: folder.contentDir, bytes: Buffer.byteLength(text) };
}

/**
 * Check folders one after another in a child process with a 1 GB heap, which reports each as it
 * is done: the process is killed when one takes KILL_MS, so a hang fails its case (and those
 * after it) rather than the suite. One process per batch, not per case: starting one costs about
 * a second here (tsx compiling the sources), more than most checks.
 */
function runBatch(batch: readonly Prepared[]): Promise<void> {
  return new Promise((resolve) => {
    const args = [`--max-old-space-size=${LIMIT_MB}`, '--import', 'tsx', path.join(REPO_DIR, 'scripts/pathological.ts'), '--child', ...batch.map((p) => p.dir)];
    const proc = spawn(process.execPath, args, { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    let err = '';
    let timer = setTimeout(() => proc.kill('SIGKILL'), KILL_MS);
    proc.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const report = JSON.parse(pending.slice(0, nl)) as ChildReport;
        pending = pending.slice(nl + 1);
        const done = batch.find((p) => p.dir === report.dir)!;
        outcomes.set(done.testCase.name, { kind: done.kind, testCase: done.testCase, bytes: done.bytes, report, failure: undefined });
        clearTimeout(timer);
        timer = setTimeout(() => proc.kill('SIGKILL'), KILL_MS);
      }
    });
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      const why = signal ? `killed (${signal}): no answer within ${KILL_MS / 1000} s` : `exit ${code}: ${err.trim().split('\n').slice(-4).join(' | ')}`;
      for (const p of batch) {
        if (!outcomes.has(p.testCase.name)) outcomes.set(p.testCase.name, { kind: p.kind, testCase: p.testCase, bytes: p.bytes, report: undefined, failure: why });
      }
      resolve();
    });
  });
}

/** Every case, in two batches side by side (this machine has two cores; more only take turns). */
async function runAll(): Promise<void> {
  const prepared = ALL.map(prepare);
  const lanes = Math.min(2, availableParallelism());
  await Promise.all(Array.from({ length: lanes }, (_, lane) => runBatch(prepared.filter((_, i) => i % lanes === lane))));
}

beforeAll(runAll, 300_000);

afterAll(() => {
  for (const folder of folders) folder.cleanup();
  const rows = ALL.map(({ testCase }) => {
    const o = outcomes.get(testCase.name);
    const time = o?.report ? `${(o.report.ms / 1000).toFixed(2)} s` : '—';
    const memory = o?.report ? `${o.report.maxRssMb.toFixed(0)} MB` : '—';
    const rules = o?.report ? [...new Set(o.report.errors.map((e) => e.rule))].join(', ') || 'passes' : (o?.failure ?? 'not run');
    return `${testCase.name.padEnd(24)} ${(o?.kind ?? '').padEnd(12)} ${String(Math.round((o?.bytes ?? 0) / 1024)).padStart(5)} KB ${time.padStart(8)} ${memory.padStart(8)}  ${rules}`;
  });
  const note = '(time: the check alone; peak RSS: of the checking process so far, which checks every other case in turn)';
  console.log(['case                     kind           size     time  peak RSS  result', ...rows, note].join('\n'));
});

describe.each(ALL.map(({ kind, testCase }) => [testCase.name, kind, testCase] as const))('%s (%s)', (name, kind, testCase) => {
  it(`answers within ${LIMIT_MS / 1000} s and ${LIMIT_MB} MB`, () => {
    const outcome = outcomes.get(name)!;
    expect(outcome.failure).toBeUndefined();
    expect(outcome.report!.ms).toBeLessThan(LIMIT_MS);
    expect(outcome.report!.maxRssMb).toBeLessThan(LIMIT_MB);
    if (kind === 'pathological') expect(outcome.bytes).toBeLessThanOrEqual(TARGET_BYTES);
  });

  if (kind === 'pathological') {
    it(`is refused as file-too-complex at ${testCase.path}, saying what to change`, () => {
      const errors = outcomes.get(name)!.report?.errors ?? [];
      const refused = errors.filter((e) => e.rule === 'file-too-complex');
      expect(refused.map((e) => e.at.replace(/:\d+:\d+$/, ''))).toEqual([testCase.path]);
      expect(refused[0]!.message).toMatch(/careprint reads up to|careprint's limit/);
    });
  } else {
    it(kind === 'real' ? 'passes with no error at all' : 'is checked, not refused', () => {
      const errors = outcomes.get(name)!.report?.errors ?? [];
      if (kind === 'real') expect(errors).toEqual([]);
      else expect(errors.filter((e) => e.rule === 'file-too-complex')).toEqual([]);
    });
  }
});

describe('the Markdown budget', () => {
  it('leaves a real 5,000-word guide and the sample guide far inside every limit (under 5% of each)', () => {
    const real = realGuide(SAMPLE_GUIDE);
    expect(real.split(/\s+/).length).toBeGreaterThan(5000);
    for (const text of [SAMPLE_GUIDE, real]) {
      const cost = markdownCost(text);
      for (const [limit, value] of Object.entries(cost)) expect(value / MARKDOWN_LIMITS[limit as keyof typeof MARKDOWN_LIMITS], limit).toBeLessThan(0.05);
    }
  });

  it('is counted in well under a second for a body at the size limit', () => {
    const started = performance.now();
    for (const testCase of PATHOLOGICAL_CASES.filter((c) => c.path.endsWith('.md'))) markdownCost(testCase.text());
    expect((performance.now() - started) / PATHOLOGICAL_CASES.length).toBeLessThan(200);
  });
});

describe('the parse thread', () => {
  it('gives the tree and diagnostics the same parse in this thread gives', async () => {
    const thread = new ParseThread();
    try {
      const here = new VFile({ path: 'guide.md', value: SAMPLE_GUIDE });
      const there = new VFile({ path: 'guide.md', value: SAMPLE_GUIDE });
      expect(await thread.parse(there, SAMPLE_GUIDE)).toEqual(parseMarkdown(here, SAMPLE_GUIDE));
      const deep = `${'> '.repeat(70)}Deep.\n`;
      const [a, b] = [new VFile({ path: 'deep.md', value: deep }), new VFile({ path: 'deep.md', value: deep })];
      expect(await thread.parse(a, deep)).toBeUndefined();
      parseMarkdown(b, deep);
      expect(a.messages.map((m) => [m.ruleId, m.reason, m.line, m.column, m.fatal])).toEqual(b.messages.map((m) => [m.ruleId, m.reason, m.line, m.column, m.fatal]));
    } finally {
      await thread.close();
    }
  });

  it('stops a parse past its deadline and reports file-too-complex, then parses the next file in a new thread', async () => {
    const thread = new ParseThread({ seconds: 1, memoryMb: 640 });
    try {
      // Within every counted budget, but about 4 s to parse.
      const slow = AT_LIMIT_CASES.find((c) => c.name === 'limit-combined')!.text();
      const file = new VFile({ path: 'guide.md', value: slow });
      expect(await thread.parse(file, slow)).toBeUndefined();
      expect(file.messages.map((m) => [m.ruleId, m.fatal])).toEqual([['file-too-complex', true]]);
      expect(file.messages[0]!.reason).toContain('took longer than 1 s');
      const next = new VFile({ path: 'guide.md', value: SAMPLE_GUIDE });
      expect(await thread.parse(next, SAMPLE_GUIDE)).toBeDefined();
      expect(next.messages).toEqual([]);
    } finally {
      await thread.close();
    }
  });

  it('stops a parse past its memory and reports file-too-complex', async () => {
    const thread = new ParseThread({ seconds: 60, memoryMb: 48 });
    try {
      const heavy = AT_LIMIT_CASES.find((c) => c.name === 'limit-table')!.text();
      const file = new VFile({ path: 'guide.md', value: heavy });
      expect(await thread.parse(file, heavy)).toBeUndefined();
      expect(file.messages.map((m) => m.ruleId)).toEqual(['file-too-complex']);
      expect(file.messages[0]!.reason).toContain('needed more than 48 MB');
    } finally {
      await thread.close();
    }
  });
});

describe('YAML duplicate keys (found in one pass, as the yaml library placed them)', () => {
  const duplicates = (text: string) => {
    const file = new VFile({ path: 'x.yaml', value: text });
    const parsed = parseYaml(file, text, 1, 0);
    return { value: parsed.value, found: file.messages.map((m) => `${m.ruleId} ${m.line}:${m.column} ${m.reason}`) };
  };

  it('reports each repeated key of a mapping at the repeat, nested and flow mappings too', () => {
    expect(duplicates('a: 1\nb:\n  c: 1\n  c: 2\nd: {e: 1, e: 2}\na: 3\n')).toEqual({
      value: undefined,
      found: [
        'yaml-duplicate-key 4:3 Duplicate key: "c" appears twice in this mapping',
        'yaml-duplicate-key 5:11 Duplicate key: "e" appears twice in this mapping',
        'yaml-duplicate-key 6:1 Duplicate key: "a" appears twice in this mapping',
      ],
    });
  });

  it('compares keys by value: 1 and 1.0 are one key, 1 and "1" are two, the same key in two mappings is fine', () => {
    expect(duplicates('1: a\n1.0: b\n').found).toEqual(['yaml-duplicate-key 2:1 Duplicate key: "1" appears twice in this mapping']);
    expect(duplicates('1: a\n"1": b\n').found).toEqual([]);
    expect(duplicates('- a: 1\n- a: 2\n').found).toEqual([]);
  });

  it('reports the first syntax error and the duplicates in the order they appear', () => {
    const { found } = duplicates('a: 1\na: 2\nb: [1\n');
    expect(found.map((f) => f.split(' ').slice(0, 2).join(' '))).toEqual(['yaml-duplicate-key 2:1', 'yaml-syntax 4:1']);
  });
});
