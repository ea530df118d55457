/**
 * Links between guides on the web site. Editors link to a guide's source file, as `check`
 * resolves it (`../other/guide.md#heading`); the site must take a reader to that guide's page
 * and heading, and a file the guide links to in its images/ folder must be published with it.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fromHtml } from 'hast-util-from-html';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { elements } from './helpers/html.js';
import { DEFAULT_TODAY, loadValidCases, materialise, type Materialised } from './helpers/fixtures.js';

let fixture: Materialised;
let dist: string;

beforeAll(async () => {
  fixture = materialise(loadValidCases().find((c) => c.name === 'link-to-other-guide'));
  const guide = path.join(fixture.contentDir, 'guides/sample-guide');
  mkdirSync(path.join(guide, 'images'), { recursive: true });
  // A PDF: the kinds of file the site publishes are few (src/content/published-files.ts).
  copyFileSync(path.join(import.meta.dirname, 'fixtures/render/home-plan.pdf'), path.join(guide, 'images/home-plan.pdf'));
  appendFileSync(
    path.join(guide, 'guide.md'),
    '\nBack to [the first section](guide.md#first-section), and your [home plan](images/home-plan.pdf).\n\n## !!!\n\nHeadings whose text makes no anchor.\n\n## ???\n\nAnother [back to it](#section).\n',
  );
  dist = path.join(fixture.root, 'dist');
  const result = await build(fixture.contentDir, { out: dist, cwd: fixture.root, today: DEFAULT_TODAY });
  expect(result.ok).toBe(true);
});

afterAll(() => fixture?.cleanup());

/** Where each link of a page leads: the file it opens and the element id it scrolls to. */
function linksOf(page: string): Array<{ href: string; file: string; id: string | undefined }> {
  const html = fromHtml(readFileSync(page, 'utf8'));
  return elements(html)
    .filter((e) => e.tagName === 'a' && typeof e.properties.href === 'string' && !/^[a-z]+:/i.test(String(e.properties.href)))
    .map((e) => {
      const href = String(e.properties.href);
      const [file, id] = href.split('#');
      return { href, file: file ? path.resolve(path.dirname(page), file) : page, id };
    });
}

const idsOf = (file: string) => new Set(elements(fromHtml(readFileSync(file, 'utf8'))).map((e) => String(e.properties.id ?? '')));

describe('links on guide pages', () => {
  it('give every heading an anchor, one that makes no slug included, and the contents list leads to each', () => {
    const page = path.join(dist, 'site/sample-guide/index.html');
    const html = fromHtml(readFileSync(page, 'utf8'));
    const ids = elements(html).map((e) => e.properties.id).filter((id) => id !== undefined).map(String);
    expect(ids).not.toContain('');
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids).toEqual(expect.arrayContaining(['section', 'section-1']));
    const contents = elements(html).filter((e) => e.tagName === 'nav').flatMap((nav) => elements(nav)).filter((e) => e.tagName === 'a').map((a) => String(a.properties.href));
    expect(contents).toEqual(expect.arrayContaining(['#section', '#section-1']));
    for (const href of contents) expect(ids, href).toContain(href.slice(1));
  });

  it("lead to the other guide's page and heading, not to its Markdown source", () => {
    const page = path.join(dist, 'site/sample-guide/index.html');
    const toOther = linksOf(page).filter((l) => l.href.includes('second-guide'));
    expect(toOther.map((l) => l.href)).toEqual(['../second-guide/index.html#second-guide']);
    expect(idsOf(toOther[0]!.file).has('second-guide')).toBe(true);
  });

  it('lead from a guide to its own headings, and to its files, which are published', () => {
    const page = path.join(dist, 'site/sample-guide/index.html');
    const links = linksOf(page);
    expect(links.map((l) => l.href)).toContain('index.html#first-section');
    expect(links.map((l) => l.href)).toContain('images/home-plan.pdf');
    for (const link of links) {
      expect(existsSync(link.file), link.href).toBe(true);
      if (link.id) expect(idsOf(link.file).has(decodeURIComponent(link.id)), link.href).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8')) as { files: Array<{ path: string }> };
    expect(manifest.files.map((f) => f.path)).toContain('site/sample-guide/images/home-plan.pdf');
  });
});
