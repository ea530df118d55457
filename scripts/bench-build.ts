/**
 * Build benchmark on a generated library (scripts/corpus.ts): cold build with 1 and 2 worker
 * processes, no-op rebuild, one-guide edit, one-template edit, and peak memory (the largest of
 * the main and worker processes, as /usr/bin/time reports it) at two library sizes, each through
 * the real CLI in a fresh process, as medians over BENCH_RUNS rounds (each round runs every
 * case once, back to back).
 *
 *   npx tsx scripts/bench-build.ts            (BENCH_GUIDES=200, BENCH_RUNS=3)
 * Prints a Markdown table (copied into README.md and docs/bench.md by hand).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './corpus.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GUIDES = Number(process.env.BENCH_GUIDES ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-benchbuild-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** One CLI build in a fresh process: wall time (ms) and peak resident memory of the main process (MB). */
function timedBuild(corpus: string, args: string[], cache: string): { ms: number; mb: number } {
  const out = path.join(work, 'dist');
  const started = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, path.join(ROOT, 'bin/careprint.js'), 'build', corpus, '--out', out, '--quiet', ...args], {
    cwd: cache,
    encoding: 'utf8',
  });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`build failed: ${child.stderr}`);
  const kb = Number(child.stderr.trim().split('\n').at(-1));
  return { ms, mb: kb / 1024 };
}

/** Median time and largest peak memory of a set of runs (printed as it goes). */
function summarise(label: string, samples: Array<{ ms: number; mb: number }>): { ms: number; mb: number } {
  const result = { ms: median(samples.map((s) => s.ms)), mb: Math.max(...samples.map((s) => s.mb)) };
  process.stderr.write(`${label}: median ${(result.ms / 1000).toFixed(2)} s, peak ${result.mb.toFixed(0)} MB\n`);
  return result;
}

function series(label: string, fn: () => { ms: number; mb: number }): { ms: number; mb: number } {
  return summarise(label, Array.from({ length: RUNS }, fn));
}

const corpus = path.join(work, 'corpus');
generateCorpus(corpus, GUIDES);
const cacheHome = path.join(work, 'home');
execFileSync('mkdir', ['-p', cacheHome]);
const clearCache = () => rmSync(path.join(cacheHome, '.cache'), { recursive: true, force: true });

// Measure the CLI as `npm ci` leaves it: compiled to lib/ (else it would run through tsx).
execFileSync(process.execPath, [path.join(ROOT, 'scripts/compile.mjs')], { stdio: 'inherit' });
// Each round measures every case back to back (cold with 1 worker, cold with 2, then the
// rebuilds against the cache the 2-worker build filled), so a slow spell of this shared machine
// hits a round's numerator and denominator alike.
type Sample = { ms: number; mb: number };
const rounds: Array<{ one: Sample; two: Sample; noop: Sample; oneGuide: Sample; template: Sample }> = [];
const template = path.join(ROOT, 'templates/partials/disclaimer.md.hbs');
const original = readFileSync(template, 'utf8');
let edits = 0;
try {
  for (let i = 0; i < RUNS; i++) {
    writeFileSync(template, original);
    clearCache();
    const one = timedBuild(corpus, ['--jobs', '1'], cacheHome);
    clearCache();
    const two = timedBuild(corpus, ['--jobs', '2'], cacheHome);
    const noop = timedBuild(corpus, [], cacheHome);
    appendFileSync(path.join(corpus, 'guides/guide-0001/guide.md'), `\nEdit ${++edits}.\n`);
    const oneGuide = timedBuild(corpus, [], cacheHome);
    writeFileSync(template, `${original.trimEnd()}{{!-- bench ${++edits} --}}\n`);
    const templateEdit = timedBuild(corpus, [], cacheHome);
    rounds.push({ one, two, noop, oneGuide, template: templateEdit });
    process.stderr.write(
      `round ${i + 1}: cold 1 worker ${(one.ms / 1000).toFixed(2)} s, 2 workers ${(two.ms / 1000).toFixed(2)} s, no-op ${(noop.ms / 1000).toFixed(2)} s, ` +
        `one guide ${(oneGuide.ms / 1000).toFixed(2)} s, template ${(templateEdit.ms / 1000).toFixed(2)} s\n`,
    );
  }
} finally {
  writeFileSync(template, original);
}
const cold1 = summarise(`cold build, ${GUIDES} guides, 1 worker`, rounds.map((r) => r.one));
const cold2 = summarise(`cold build, ${GUIDES} guides, 2 workers`, rounds.map((r) => r.two));
const noop = summarise('no-op rebuild', rounds.map((r) => r.noop));
const oneGuide = summarise('one-guide edit', rounds.map((r) => r.oneGuide));
const templateEdit = summarise('one-template edit (disclaimer partial)', rounds.map((r) => r.template));
const small = path.join(work, 'small');
generateCorpus(small, Math.max(10, Math.round(GUIDES / 4)));
const smallCold = series(`cold build, ${Math.max(10, Math.round(GUIDES / 4))} guides (memory)`, () => timedBuild(small, ['--no-cache'], cacheHome));
rmSync(work, { recursive: true, force: true });

const pct = (x: number) => `${((x / cold2.ms) * 100).toFixed(1)}%`;
process.stdout.write(
  [
    `| build of ${GUIDES} guides (median of ${RUNS}, this 2-core machine) | time | vs cold | peak memory (largest process) |`,
    '| --- | ---: | ---: | ---: |',
    `| cold, 1 worker | ${(cold1.ms / 1000).toFixed(2)} s | | ${cold1.mb.toFixed(0)} MB |`,
    `| cold, 2 workers (default) | ${(cold2.ms / 1000).toFixed(2)} s | 100% | ${cold2.mb.toFixed(0)} MB |`,
    `| no-op rebuild | ${(noop.ms / 1000).toFixed(2)} s | ${pct(noop.ms)} | ${noop.mb.toFixed(0)} MB |`,
    `| one guide edited | ${(oneGuide.ms / 1000).toFixed(2)} s | ${pct(oneGuide.ms)} | ${oneGuide.mb.toFixed(0)} MB |`,
    `| one shared template edited | ${(templateEdit.ms / 1000).toFixed(2)} s | ${pct(templateEdit.ms)} | ${templateEdit.mb.toFixed(0)} MB |`,
    `| speed-up, 1 → 2 workers | ${(cold1.ms / cold2.ms).toFixed(2)}× | | |`,
    `| cold, ${Math.max(10, Math.round(GUIDES / 4))} guides (memory growth check) | ${(smallCold.ms / 1000).toFixed(2)} s | | ${smallCold.mb.toFixed(0)} MB |`,
  ].join('\n') + '\n',
);
// The same ratios taken within each round (both sides measured minutes apart at most), then the
// median: a second view when the machine's speed drifts between rounds.
const roundRatio = (f: (r: (typeof rounds)[number]) => number) => median(rounds.map(f));
process.stdout.write(
  `\nWithin each round, then the median: no-op ${(roundRatio((r) => r.noop.ms / r.two.ms) * 100).toFixed(1)}%, ` +
    `one guide ${(roundRatio((r) => r.oneGuide.ms / r.two.ms) * 100).toFixed(1)}%, ` +
    `one template ${(roundRatio((r) => r.template.ms / r.two.ms) * 100).toFixed(1)}%, ` +
    `1 → 2 workers ${roundRatio((r) => r.one.ms / r.two.ms).toFixed(2)}× ` +
    `(rounds: ${rounds.map((r) => `${(r.one.ms / r.two.ms).toFixed(2)}×`).join(', ')}).\n`,
);
