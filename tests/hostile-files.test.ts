/**
 * Hostile files an editor commits, opened as a reader's click opens them: every file the site
 * publishes is loaded on its own in Chromium (not through <img>, where scripts never run), and
 * nothing may run, open a dialog or ask another host for anything.
 *
 * tests/fixtures/hostile-files passes `check --strict`: its SVG holds what the allowlist leaves
 * out (foreign elements with script text, CSS that fetches through image-set(), @font-face and
 * @namespace rules, a cursor and an xml:base on another host), its PDF is an HTML polyglot with
 * an open action, a page action and a document-level script that Chromium's PDF viewer runs, and a
 * link annotation. The same checks run on the source files first, to show that they see what a
 * raw copy would do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { check } from '../src/check.js';
import { CSS_PROPERTIES, SVG_ATTRIBUTES, SVG_ELEMENTS, SVG_NS } from '../src/content/svg-allowlist.js';
import { launchChromium } from './helpers/browser.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURE = path.join(ROOT, 'tests/fixtures/hostile-files');
const SOURCE_SVG = path.join(FIXTURE, 'guides/sample-guide/images/figure.svg');
const SOURCE_PDF = path.join(FIXTURE, 'guides/sample-guide/images/leaflet.pdf');
const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-hostile-'));
const dist = path.join(work, 'dist');
let browser: Browser;

beforeAll(async () => {
  const result = await build(FIXTURE, { out: dist, cwd: ROOT, today: '2026-11-27' });
  expect(result.ok).toBe(true);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? filesUnder(full) : [full];
    });
}

/** Open one file directly and report what it did: requests off the machine, dialogs, a title set by script. */
async function openDirectly(file: string): Promise<string[]> {
  const context = await browser.newContext({ acceptDownloads: false });
  const page = await context.newPage();
  const seen: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    // Files on this machine and the browser's own PDF viewer are not another host.
    if (!/^(https?|wss?|ftp):/i.test(url)) return route.continue();
    seen.push(`request: ${url}`);
    return route.abort();
  });
  page.on('dialog', (dialog) => {
    seen.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 10_000 });
    // Timers, fonts and late loads get their chance; Chromium's PDF viewer starts a PDF's own
    // scripts a second or more after the page loads.
    await page.waitForTimeout(file.endsWith('.pdf') ? 6000 : 300);
    const title = await page.title().catch(() => '');
    if (/ran/.test(title)) seen.push(`script ran: title "${title}"`);
  } catch (error) {
    // Chromium hands a PDF to its viewer or a download: nothing of the page ran.
    if (!/download|ERR_ABORTED/i.test(String(error))) throw error;
  }
  await context.close();
  return seen;
}

describe('hostile files opened directly in Chromium', () => {
  it('the fixture passes check --strict: these are files an editor can commit', async () => {
    const result = await check(FIXTURE, { strict: true, today: '2026-11-27', cwd: ROOT });
    expect(result.errors + result.warnings).toBe(0);
  });

  it('the source figure, opened as it is, fetches from another host (what a raw copy would publish)', async () => {
    const seen = await openDirectly(SOURCE_SVG);
    expect(seen.some((line) => line.startsWith('request: https://example.org/'))).toBe(true);
  });

  it('the source leaflet, opened as it is, runs its script in the PDF viewer (what a raw copy would publish)', async () => {
    const seen = await openDirectly(SOURCE_PDF);
    expect(seen).toContain('dialog: ran');
  });

  it('publishes the leaflet as pdf-lib writes it from its pages: its text, and no action, script or annotation', () => {
    const published = path.join(dist, 'site/sample-guide/images/leaflet.pdf');
    expect(execFileSync('pdftotext', [published, '-'], { encoding: 'utf8' })).toContain('Home plan: walk 10 minutes a day');
    const bytes = readFileSync(published, 'latin1');
    expect(bytes).not.toMatch(/\/(JavaScript|JS|OpenAction|AA|Annots|URI|Launch|Names)\b|<html|example\.org/);
  });

  // The tricks check refuses (tests/fixtures/rules/<case>/): each is a real attack, opened raw.
  const REFUSED = ['svg-attlist', 'svg-cdata-comment', 'svg-cdata-pi', 'svg-linked', 'svg-prefixed-script', 'svg-xhtml-script', 'svg-prefixed-style-import', 'svg-xml-stylesheet', 'svg-script'];
  it.each(REFUSED)('md-image-format-%s really runs or fetches when opened as it is (check refuses it)', async (name) => {
    const seen = await openDirectly(path.join(ROOT, `tests/fixtures/rules/md-image-format-${name}/guides/sample-guide/images/figure.svg`));
    expect(seen.length).toBeGreaterThan(0);
  });

  it('every published file of the site runs nothing and asks no other host for anything', async () => {
    const files = filesUnder(path.join(dist, 'site'));
    expect(files.map((file) => path.relative(dist, file))).toEqual(expect.arrayContaining(['site/sample-guide/images/figure.svg', 'site/sample-guide/images/leaflet.pdf']));
    const report: Record<string, string[]> = {};
    for (const file of files) {
      if (file.endsWith('.woff2')) continue;
      const seen = await openDirectly(file);
      if (seen.length > 0) report[path.relative(dist, file)] = seen;
    }
    expect(report).toEqual({});
  });

  it('publishes the SVG as careprint wrote it: only allowlisted SVG elements and attributes, no address but #id', () => {
    const svg = readFileSync(path.join(dist, 'site/sample-guide/images/figure.svg'), 'utf8');
    const parser = new SaxesParser({ xmlns: true });
    const found: string[] = [];
    parser.on('opentag', (tag: SaxesTagNS) => {
      if (tag.uri !== SVG_NS || !SVG_ELEMENTS.has(tag.local)) found.push(`element ${tag.name}`);
      for (const attribute of Object.values(tag.attributes)) {
        if (attribute.name === 'xmlns' || attribute.name === 'style') continue;
        if (attribute.uri !== '' || !(SVG_ATTRIBUTES.has(attribute.local) || CSS_PROPERTIES.has(attribute.local) || attribute.local === 'href')) found.push(`attribute ${attribute.name}`);
      }
    });
    parser.write(svg).close();
    expect(found).toEqual([]);
    expect(svg).not.toMatch(/example\.org|image-set|@font-face|@namespace|@media|cursor|xml:base|inkscape|ran/);
    // It still draws: the rectangle, its colour and the label.
    expect(svg).toContain('<rect width="120" height="60"');
    expect(svg).toContain('fill:#3a6ea5');
    expect(svg).toContain('>Knee</text>');
  });
});
