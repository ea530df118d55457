/**
 * The static site, loaded page by page in real headless Chromium as a patient would: zero
 * axe-core violations (WCAG 2.2 A and AA) at phone and desktop widths, no console error, no
 * failed request, no sideways scrolling at 320 px; valid HTML by the W3C Nu checker; every
 * internal link and anchor resolving; and hostile content that never runs and never becomes markup.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { fromHtml } from 'hast-util-from-html';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { launchChromium } from './helpers/browser.js';
import { elements } from './helpers/html.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-site-'));
const SAMPLE = path.join(work, 'sample');
const HOSTILE = path.join(work, 'hostile');
let browser: Browser;

function pagesOf(dist: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.html')) out.push(full);
    }
  };
  walk(path.join(dist, 'site'));
  return out;
}


beforeAll(async () => {
  for (const [content, out] of [
    [path.join(ROOT, 'content'), SAMPLE],
    [path.join(ROOT, 'tests/fixtures/hostile'), HOSTILE],
  ] as const) {
    const result = await build(content, { out, cwd: ROOT, today: '2026-11-27' });
    expect(result.ok, content).toBe(true);
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('every page of the site in Chromium', () => {
  const sites = [
    ['sample', SAMPLE],
    ['hostile', HOSTILE],
  ] as const;

  it.each(sites)('%s: zero axe-core violations at 375 and 1280 px, no console error or failed request, no sideways scroll at 320 px', async (_name, dist) => {
    const pages = pagesOf(dist);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    for (const file of pages) {
      for (const width of [375, 1280]) {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
        });
        page.on('pageerror', (error) => problems.push(String(error)));
        page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
        page.on('request', (request) => {
          if (!request.url().startsWith('file://')) problems.push(`request to another host: ${request.url()}`);
        });
        await page.goto(pathToFileURL(file).href);
        await page.evaluate(() => document.fonts.ready);
        // The page's own behaviour first: axe fetches stylesheets itself, which the page's CSP refuses.
        expect(problems, `${path.relative(dist, file)} at ${width}px`).toEqual([]);
        const fonts = await page.evaluate(() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family));
        expect(fonts.join(), `${path.relative(dist, file)} uses the self-hosted font`).toContain('Atkinson Hyperlegible Next');
        const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
        expect(
          result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`),
          `${path.relative(dist, file)} at ${width}px`,
        ).toEqual([]);
        await context.close();
      }
      const narrow = await browser.newContext({ viewport: { width: 320, height: 800 } });
      const page = await narrow.newPage();
      await page.goto(pathToFileURL(file).href);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path.relative(dist, file)} scrolls sideways at 320px`).toBeLessThanOrEqual(0);
      await narrow.close();
    }
  });

  it('hostile content never runs and never becomes markup', async () => {
    for (const file of pagesOf(HOSTILE)) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', async (dialog) => {
        dialogs.push(dialog.message());
        await dialog.dismiss();
      });
      await page.goto(pathToFileURL(file).href);
      // Hover and click everything a reader could, to give any injected handler its chance.
      for (const handle of await page.locator('main *:visible').elementHandles()) await handle.hover({ timeout: 500 }).catch(() => undefined);
      const report = await page.evaluate(() => ({
        hostile: (window as unknown as { __hostile?: string }).__hostile ?? null,
        scripts: [...document.scripts].map((s) => s.getAttribute('src') ?? 'inline'),
        handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName}[${a.name}]`)),
        unsafe: [...document.querySelectorAll('[href], [src]')]
          .map((el) => el.getAttribute('href') ?? el.getAttribute('src') ?? '')
          .filter((url) => /^\s*(javascript|data|vbscript):/i.test(url.replace(/[\u0000-\u0020]/g, ''))),
        embedded: document.querySelectorAll('iframe, object, embed, svg, math, form:not([data-quiz]), img[src=""]').length,
        title: document.title,
        text: document.body.innerText,
      }));
      const name = path.relative(HOSTILE, file);
      expect(dialogs, name).toEqual([]);
      expect(report.hostile, name).toBeNull();
      expect(report.scripts.every((src) => /^(\.\.\/)?assets\/quiz\.[0-9a-f]{8}\.js$/.test(src)), `${name}: ${report.scripts.join()}`).toBe(true);
      expect(report.handlers, name).toEqual([]);
      expect(report.unsafe, name).toEqual([]);
      expect(report.embedded, name).toBe(0);
      expect(report.text, `${name}: internal directive names must never show`).not.toMatch(/careprint-/);
      // What was typed as markup or template syntax is shown as text.
      expect(report.title, name).toMatch(/<script>|<svg|{{constructor|Page not found/);
      await context.close();
    }
    const guide = readFileSync(path.join(HOSTILE, 'site/sample-guide/index.html'), 'utf8');
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(HOSTILE, 'site/sample-guide/index.html')).href);
    const text = await page.locator('main').innerText();
    expect(text).toContain("{{constructor.constructor('alert(1)')()}}");
    expect(text).toContain('{{#with this}}template{{/with}}');
    expect(text).toContain('javascript link');
    expect(guide).not.toMatch(/<script>window/);
    await page.close();
  });
});

describe('the guide page', () => {
  it('has a contents list linking every section, glossary terms marked up, and no internal markers', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(SAMPLE, 'site/iliopsoas-pain-running/index.html')).href);
    const sections = await page.locator('main h2').evaluateAll((hs) => hs.map((h) => ({ id: h.id, text: (h as HTMLElement).innerText })));
    const toc = await page.locator('nav.toc a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    // Every section of the guide itself (the appended quiz link, glossary, references and downloads aside).
    const appended = ['check-what-you-know', 'words-used-in-this-guide', 'references', 'downloads'];
    for (const section of sections.filter((s) => !appended.includes(s.id))) expect(toc, section.text).toContain(`#${section.id}`);
    expect(toc.length).toBeGreaterThan(5);
    const terms = await page.locator('main dfn[title], main abbr[title]').evaluateAll((els) => els.map((e) => [(e as HTMLElement).innerText, e.getAttribute('title')]));
    expect(terms.length).toBeGreaterThan(5);
    for (const [, title] of terms) expect(title?.length).toBeGreaterThan(10);
    expect(await page.locator('main').innerText()).not.toMatch(/careprint-|::/);
    await page.close();
  });

  it('shows every callout of the guide as one, exercise cards included', async () => {
    const source = readFileSync(path.join(ROOT, 'content/guides/iliopsoas-pain-running/guide.md'), 'utf8');
    const kinds = [...source.matchAll(/^:::([a-z-]+)/gm)].map((m) => m[1]!);
    expect(kinds).toContain('exercise');
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(SAMPLE, 'site/iliopsoas-pain-running/index.html')).href);
    for (const kind of new Set(kinds)) {
      const boxes = page.locator(`main .callout.callout-${kind}`);
      expect(await boxes.count(), kind).toBe(kinds.filter((k) => k === kind).length);
      // The stylesheet's box: a coloured bar down its left side.
      expect(await boxes.first().evaluate((box) => getComputedStyle(box).borderLeftWidth), kind).toBe('6px');
    }
    await page.close();
  });

  it('prints as a clean handout: no navigation, URLs after links', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(SAMPLE, 'site/iliopsoas-pain-running/index.html')).href);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('.downloads').isVisible()).toBe(false);
    const after = await page.locator('main a[href^="https"]').first().evaluate((a) => getComputedStyle(a, '::after').content);
    expect(after).toContain('https://');
    await page.close();
  });
});

describe('HTML validity and links', () => {
  it('passes the W3C Nu Html Checker with zero errors on every page', () => {
    const jar = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar')), 'build/dist/vnu.jar');
    const pages = [...pagesOf(SAMPLE), ...pagesOf(HOSTILE)];
    let output = '';
    try {
      execFileSync('java', ['-jar', jar, '--format', 'json', '--errors-only', ...pages], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      output = (error as { stderr?: string }).stderr ?? String(error);
    }
    const messages = output ? (JSON.parse(output) as { messages: Array<{ type: string; url: string; message: string; lastLine?: number }> }).messages : [];
    expect(messages.filter((m) => m.type === 'error').map((m) => `${m.url}:${m.lastLine ?? 0}: ${m.message}`)).toEqual([]);
  });

  it('resolves every internal link, asset and anchor of the site', () => {
    for (const dist of [SAMPLE, HOSTILE]) {
      const ids = new Map<string, Set<string>>();
      const idsOf = (file: string) => {
        let set = ids.get(file);
        if (!set) {
          set = new Set(elements(fromHtml(readFileSync(file, 'utf8'))).map((e) => String(e.properties.id ?? '')).filter(Boolean));
          ids.set(file, set);
        }
        return set;
      };
      const broken: string[] = [];
      let checked = 0;
      for (const file of pagesOf(dist)) {
        for (const element of elements(fromHtml(readFileSync(file, 'utf8')))) {
          const target = element.properties.href ?? element.properties.src;
          if (typeof target !== 'string' || /^(https?|mailto|tel):/i.test(target)) continue;
          checked += 1;
          const [pathPart, fragment] = target.split('#') as [string, string | undefined];
          const resolved = pathPart ? path.resolve(path.dirname(file), decodeURIComponent(pathPart)) : file;
          if (!resolved.startsWith(dist + path.sep)) broken.push(`${path.relative(dist, file)}: ${target} leaves dist/`);
          else if (!existsSync(resolved)) broken.push(`${path.relative(dist, file)}: ${target} (missing file)`);
          else if (fragment && resolved.endsWith('.html') && !idsOf(resolved).has(decodeURIComponent(fragment))) broken.push(`${path.relative(dist, file)}: ${target} (no such anchor)`);
        }
      }
      expect(checked).toBeGreaterThan(20);
      expect(broken).toEqual([]);
    }
  });
});
