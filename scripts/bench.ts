/**
 * careprint benchmark: the median time to typeset one handout PDF with careprint (pdfkit, fonts
 * parsed once, tagged) against the same guide printed from careprint's own HTML page by headless
 * Chromium (one browser kept open for the whole batch, as a fair peer would), side by side on
 * this machine, and their ratio.
 *
 *   npm run bench                 (BENCH_RUNS=30 by default)
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { guideArtifacts } from '../src/bundle/artifacts.js';
import { composeTree, isChecked, partialText } from '../src/compose/compose.js';
import { loadContent } from '../src/content/load.js';
import { renderPdf } from '../src/render/pdf/document.js';
import { clockFromEnv } from '../src/build.js';
import { siteAssets } from '../src/render/html/assets.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function time(label: string, runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: module loading, font parsing, browser caches
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  const m = median(samples);
  process.stderr.write(`${label}: median ${m.toFixed(1)} ms over ${runs} runs\n`);
  return m;
}

execFileSync('bash', [path.join(ROOT, 'scripts/ensure-system-packages.sh')], { stdio: 'inherit' });
const content = await loadContent(path.join(ROOT, 'content'), { cwd: ROOT });
const guide = content.guides.filter(isChecked)[0]!;
const input = { content, guide };
const tree = composeTree('handout', input);
const options = {
  paper: 'a4' as const,
  variant: 'standard' as const,
  lang: guide.lang,
  title: guide.meta.title,
  date: new Date(`${guide.meta.review.last_reviewed}T00:00:00Z`),
  footer: partialText('review-line', input),
  header: guide.meta.title,
  baseDir: guide.dir,
  imageRoot: content.root,
};
const ours = await time('careprint handout (pdfkit, tagged, embedded fonts)', RUNS, () => renderPdf(tree, options));

// The peer prints careprint's own web page for the same guide (its print stylesheet applies).
const work = await mkdtemp(path.join(os.tmpdir(), 'careprint-bench-'));
const site = siteAssets();
const artifacts = await guideArtifacts(content, guide, clockFromEnv(), site);
const page = artifacts.find((a) => a.path.endsWith('/index.html'))!;
// Lay the page out as the site does (site/<slug>/index.html beside site/assets/), fonts included.
const pageDir = path.join(work, 'site', guide.slug);
await mkdir(pageDir, { recursive: true });
await writeFile(path.join(pageDir, 'index.html'), page.data);
for (const asset of site.artifacts) {
  await mkdir(path.dirname(path.join(work, asset.path)), { recursive: true });
  await writeFile(path.join(work, asset.path), asset.data);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const context = await browser.newContext();
const tab = await context.newPage();
const url = `file://${path.join(pageDir, 'index.html')}`;
const theirs = await time('Chromium page.pdf of the same guide from careprint HTML (browser kept open)', RUNS, async () => {
  await tab.goto(url);
  return tab.pdf({ format: 'A4', printBackground: true });
});
await browser.close();
await rm(work, { recursive: true, force: true });

const table = [
  '| measure (median, this machine) | ms per handout |',
  '| --- | ---: |',
  `| careprint: tagged PDF, embedded fonts | ${ours.toFixed(1)} |`,
  `| Chromium printing the same guide from HTML (untagged) | ${theirs.toFixed(1)} |`,
  `| ratio (Chromium / careprint) | ${(theirs / ours).toFixed(2)}× |`,
].join('\n');
process.stdout.write(`${table}\n`);
