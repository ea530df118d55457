import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fromHtml } from 'hast-util-from-html';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/build.js';
import { isChecked } from '../src/compose/compose.js';
import { formatDate } from '../src/compose/dates.js';
import { loadContent } from '../src/content/load.js';
import type { Content } from '../src/content/model.js';
import { readPdf, type ReadPdf } from './helpers/pdf-read.js';
import { elements } from './helpers/html.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const CONTENT = path.join(ROOT, 'content');
const SLUG = 'iliopsoas-pain-running';
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

let tmp: string;
let out: string;
let result: BuildResult;
let content: Content;


beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'careprint-build-'));
  out = path.join(tmp, 'dist');
  result = await build(CONTENT, { out, cwd: ROOT, today: '2026-11-27' });
  content = await loadContent(CONTENT, { cwd: ROOT });
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('careprint build on the sample content', () => {
  it('succeeds and writes the outputs DESIGN.md names, each listed in the manifest with its checksum', async () => {
    expect(result.ok).toBe(true);
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as {
      files: Array<{ path: string; bytes: number; sha256: string }>;
    };
    const paths = manifest.files.map((f) => f.path);
    for (const expected of [
      `site/${SLUG}/index.html`,
      `site/${SLUG}/quiz.html`,
      'site/index.html',
      `pdf/${SLUG}.en.handout.a4.pdf`,
      `pdf/${SLUG}.en.quiz.a4.pdf`,
    ]) {
      expect(paths).toContain(expected);
    }
    expect(paths).toEqual([...paths].sort());
    for (const file of manifest.files) {
      const data = await readFile(path.join(out, file.path));
      expect(data.length).toBe(file.bytes);
      expect(createHash('sha256').update(data).digest('hex')).toBe(file.sha256);
    }
  });

  describe('the A4 handout, read back with pdf.js', () => {
    let pdf: ReadPdf;
    beforeAll(async () => {
      pdf = await readPdf(await readFile(path.join(out, `pdf/${SLUG}.en.handout.a4.pdf`)));
    });

    it('contains every heading of the guide, in order, and bookmarks them', () => {
      const guide = content.guides.find((g) => g.slug === SLUG)!;
      expect(guide.headings.length).toBeGreaterThan(5);
      let cursor = 0;
      for (const heading of guide.headings) {
        const at = pdf.text.indexOf(collapse(heading.text), cursor);
        expect(at, `heading "${heading.text}"`).toBeGreaterThanOrEqual(0);
        cursor = at;
        expect(pdf.outline).toContain(heading.text);
      }
    });

    it('prints the version and review line on every page', () => {
      const guide = content.guides.filter(isChecked).find((g) => g.slug === SLUG)!;
      const { last_reviewed, next_review } = guide.meta.review;
      for (const page of pdf.pages) {
        expect(page.text).toContain(`Version ${guide.meta.version}`);
        expect(page.text).toContain(`Last reviewed ${formatDate(last_reviewed)}`);
        expect(page.text).toContain(`Next review due ${formatDate(next_review)}`);
      }
      pdf.pages.forEach((page, i) => expect(page.text).toContain(`Page ${i + 1} of ${pdf.pages.length}`));
    });

    it('embeds its fonts (Atkinson Hyperlegible Next), never a standard-14 font', () => {
      expect(pdf.fonts.length).toBeGreaterThan(0);
      for (const font of pdf.fonts) expect(font.embedded, font.name).toBe(true);
      expect(pdf.fonts.some((f) => f.name.includes('AtkinsonHyperlegibleNext'))).toBe(true);
      const standard14 = /^(Helvetica|Times|Courier|Symbol|ZapfDingbats)/;
      for (const font of pdf.fonts) expect(font.name.replace(/^[A-Z]{6}\+/, '')).not.toMatch(standard14);
    });

    it('sets body text at 12 pt or more, on an A4 page', () => {
      const sizes = new Map<number, number>();
      for (const page of pdf.pages) for (const item of page.items) if (item.str.trim()) sizes.set(Math.round(item.size * 10) / 10, (sizes.get(Math.round(item.size * 10) / 10) ?? 0) + item.str.length);
      const body = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      expect(body).toBeGreaterThanOrEqual(12);
      for (const page of pdf.pages) {
        expect(page.width).toBeCloseTo(595.28, 1);
        expect(page.height).toBeCloseTo(841.89, 1);
      }
    });

    it('carries title, author, subject, keywords and language metadata', () => {
      expect(pdf.info.Title).toBe('Iliopsoas pain while running');
      expect(pdf.info.Language).toBe('en');
      expect(pdf.info.Author).toBe(content.config.organisation);
      expect(String(pdf.info.Keywords)).toContain('running');
    });
  });

  it('prints every question and option of the quiz on the quiz sheet, on Letter paper too', async () => {
    const quiz = content.guides.find((g) => g.slug === SLUG)!.quiz!.quiz!;
    for (const paper of ['a4', 'letter'] as const) {
      const pdf = await readPdf(await readFile(path.join(out, `pdf/${SLUG}.en.quiz.${paper}.pdf`)));
      for (const question of quiz.questions) {
        expect(pdf.text).toContain(collapse(question.prompt));
        for (const option of question.options ?? []) expect(pdf.text).toContain(collapse(option.text));
      }
      expect(pdf.pages[0]!.width).toBeCloseTo(paper === 'a4' ? 595.28 : 612, 1);
    }
  });

  it('writes a guide page with the quiz link and an anchor for every heading', async () => {
    const html = await readFile(path.join(out, `site/${SLUG}/index.html`), 'utf8');
    const tree = fromHtml(html);
    const all = elements(tree);
    expect(all.some((e) => e.tagName === 'a' && e.properties.href === 'quiz.html')).toBe(true);
    const ids = new Set(all.map((e) => e.properties.id).filter(Boolean));
    for (const heading of content.guides.find((g) => g.slug === SLUG)!.headings) expect(ids.has(heading.slug), heading.slug).toBe(true);
    expect(all.some((e) => e.tagName === 'a' && String(e.properties.href).endsWith(`${SLUG}.en.handout.a4.pdf`))).toBe(true);
  });

  it('gives every quiz question on the web quiz a link to the guide section it tests', async () => {
    const html = await readFile(path.join(out, `site/${SLUG}/quiz.html`), 'utf8');
    const hrefs = elements(fromHtml(html))
      .filter((e) => e.tagName === 'a')
      .map((e) => String(e.properties.href));
    const quiz = content.guides.find((g) => g.slug === SLUG)!.quiz!.quiz!;
    for (const question of quiz.questions) if (question.section) expect(hrefs).toContain(`index.html#${question.section}`);
  });

  it('gives the same bytes for the same input', async () => {
    const again = path.join(tmp, 'again');
    await build(CONTENT, { out: again, cwd: ROOT, today: '2026-11-27' });
    expect(await readFile(path.join(again, 'manifest.json'), 'utf8')).toBe(await readFile(path.join(out, 'manifest.json'), 'utf8'));
  });
});

describe('careprint build with hostile or broken content', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'careprint-hostile-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('removes raw HTML from the web page (a warning, not an error) and keeps the text around it', async () => {
    const dir = path.join(work, 'raw-html');
    await cp(CONTENT, dir, { recursive: true });
    await appendFile(
      path.join(dir, 'guides', SLUG, 'guide.md'),
      '\n\nBefore the markup.\n\n<script>alert("pwned")</script>\n\n<div onclick="steal()">Clickable</div>\n\n<img src="x" onerror="alert(2)">\n\nText with <b onmouseover="x()">inline</b> tags.\n',
    );
    const built = await build(dir, { out: path.join(work, 'raw-dist'), cwd: work, today: '2026-11-27' });
    expect(built.ok).toBe(true);
    const html = await readFile(path.join(work, 'raw-dist', 'site', SLUG, 'index.html'), 'utf8');
    const all = elements(fromHtml(html));
    expect(all.filter((e) => e.tagName === 'script')).toEqual([]);
    for (const element of all) for (const name of Object.keys(element.properties)) expect(name.toLowerCase()).not.toMatch(/^on/);
    expect(html).not.toContain('pwned');
    expect(html).not.toContain('steal()');
    expect(html).toContain('Before the markup.');
    expect(html).toContain('inline');
  });

  it('stops on a content error and leaves the previous dist/ exactly as it was', async () => {
    const dir = path.join(work, 'broken');
    await cp(CONTENT, dir, { recursive: true });
    const quizPath = path.join(dir, 'guides', SLUG, 'quiz.yaml');
    await writeFile(quizPath, (await readFile(quizPath, 'utf8')).replace('answer: b', 'answer: z'));
    const previous = path.join(work, 'previous-dist');
    await cp(out, previous, { recursive: true });
    const before = await readFile(path.join(previous, 'manifest.json'), 'utf8');
    const built = await build(dir, { out: previous, cwd: work, today: '2026-11-27' });
    expect(built.ok).toBe(false);
    expect(await readFile(path.join(previous, 'manifest.json'), 'utf8')).toBe(before);
    expect((await readdir(work)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('through the CLI: exits 1 on a content error and 0 on the sample, as the README says', async () => {
    const dir = path.join(work, 'cli-broken');
    await cp(CONTENT, dir, { recursive: true });
    const guide = path.join(dir, 'guides', SLUG, 'guide.md');
    await writeFile(guide, (await readFile(guide, 'utf8')).replace(':::tip', ':::tipp'));
    const failed = await run(process.execPath, [path.join(ROOT, 'bin/careprint.js'), 'build', dir, '--out', path.join(work, 'cli-out'), '--format', 'github'], { cwd: ROOT }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect('code' in failed ? failed.code : 0).toBe(1);
    expect(failed.stderr).toMatch(/::error file=.*guide\.md,line=\d+,col=1,.*title=md-directive-unknown::/);
    const ok = await run(process.execPath, [path.join(ROOT, 'bin/careprint.js'), 'build', CONTENT, '--out', path.join(work, 'cli-out'), '--quiz-versions', '2', '--quiz-seed', 'x'], { cwd: ROOT });
    expect(ok.stderr).toMatch(/files written/);
    const pdfs = await readdir(path.join(work, 'cli-out', 'pdf'));
    for (const name of ['handout.a4', 'quiz-A.a4', 'quiz-B.letter', 'quiz-key-B.a4', 'quiz-large-A.a4']) expect(pdfs).toContain(`${SLUG}.en.${name}.pdf`);
    const bad = await run(process.execPath, [path.join(ROOT, 'bin/careprint.js'), 'build', CONTENT, '--quiz-versions', '0'], { cwd: ROOT }).catch((error: { code: number }) => error);
    expect('code' in bad ? bad.code : 0).toBe(2);
  });
});
