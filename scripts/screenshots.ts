/**
 * Screenshots of every page of the sample site at 375 px (phone) and 1280 px (desktop) into
 * docs/screenshots/, from a fresh build, in Debian's Chromium.
 *
 *   npx tsx scripts/screenshots.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from '../src/build.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync('bash', [path.join(ROOT, 'scripts/ensure-system-packages.sh')], { stdio: 'inherit' });
const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-shots-'));
const result = await build(path.join(ROOT, 'content'), { out: path.join(work, 'dist'), cwd: ROOT });
if (!result.ok) throw new Error('the sample content does not build');
const out = path.join(ROOT, 'docs/screenshots');
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const pages = [
  ['index', 'site/index.html'],
  ['guide', 'site/iliopsoas-pain-running/index.html'],
  ['quiz', 'site/iliopsoas-pain-running/quiz.html'],
  ['404', 'site/404.html'],
];
for (const [name, file] of pages) {
  for (const width of [375, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: width === 375 ? 812 : 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(pathToFileURL(path.join(work, 'dist', file!)).href);
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(out, `${name}-${width}.png`), fullPage: false });
    await context.close();
  }
}
await browser.close();
rmSync(work, { recursive: true, force: true });
process.stdout.write(`screenshots written to ${path.relative(ROOT, out)}\n`);
