/**
 * The web quiz in real headless Chromium: answered wrongly, then rightly, with feedback and the
 * score announced in a status region; zero axe-core violations; and readable without JavaScript.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { quizSchema, type Quiz } from '../src/content/schemas.js';
import { correctIds, questionOptions } from '../src/quiz/options.js';
import { launchChromium } from './helpers/browser.js';
import { materialise } from './helpers/fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SLUG = 'iliopsoas-pain-running';
const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-webquiz-'));
let browser: Browser;
let quiz: Quiz;
let url: string;

beforeAll(async () => {
  const result = await build(path.join(ROOT, 'content'), { out: path.join(work, 'dist'), cwd: ROOT, today: '2026-11-27' });
  expect(result.ok).toBe(true);
  quiz = quizSchema.parse(parseYaml(readFileSync(path.join(ROOT, 'content/guides', SLUG, 'quiz.yaml'), 'utf8')));
  url = pathToFileURL(path.join(work, 'dist/site', SLUG, 'quiz.html')).href;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

async function openQuiz(javaScriptEnabled = true): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
  await page.goto(url);
  return { page, problems };
}

const axe = (page: Page) => new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();

describe('the web quiz', () => {
  it('is a real form: a fieldset and legend per question, every option a labelled control', async () => {
    const { page } = await openQuiz();
    const fieldsets = page.locator('form fieldset.question');
    await expect(fieldsets.count()).resolves.toBe(quiz.questions.length);
    for (const [i, question] of quiz.questions.entries()) {
      const fieldset = fieldsets.nth(i);
      await expect(fieldset.locator('legend').innerText()).resolves.toContain(question.prompt);
      for (const option of questionOptions(question)) {
        const control = fieldset.getByLabel(option.text, { exact: true });
        await expect(control.getAttribute('type')).resolves.toBe(question.type === 'multiple' ? 'checkbox' : 'radio');
      }
    }
    await page.context().close();
  });

  it('marks wrong answers, then right ones, says why, and announces the score', async () => {
    const { page, problems } = await openQuiz();
    const first = quiz.questions[0]!;
    const wrong = questionOptions(first).find((o) => !correctIds(first).includes(o.id))!;
    const firstSet = page.locator('fieldset.question').first();
    await firstSet.getByLabel(wrong.text, { exact: true }).check();
    await page.getByRole('button', { name: 'Check my answers' }).click();
    await expect(firstSet.locator('.feedback').innerText()).resolves.toBe('Not quite.');
    await expect(firstSet.locator('details.answer').getAttribute('open')).resolves.not.toBeNull();
    await expect(firstSet.locator('details.answer').innerText()).resolves.toContain(first.explanation!);
    await expect(page.getByRole('status').innerText()).resolves.toBe(`You got 0 out of ${quiz.questions.length} right.`);
    // The page itself: no console error, no failed request (checked before axe, which fetches
    // stylesheets itself and so trips the page's own Content-Security-Policy).
    expect(problems).toEqual([]);
    expect((await axe(page)).violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    for (const [i, question] of quiz.questions.entries()) {
      const fieldset = page.locator('fieldset.question').nth(i);
      const right = new Set(correctIds(question));
      for (const option of questionOptions(question)) {
        const control = fieldset.getByLabel(option.text, { exact: true });
        if (right.has(option.id)) await control.check();
        else if (question.type === 'multiple') await control.uncheck();
      }
    }
    await page.getByRole('button', { name: 'Check my answers' }).click();
    for (const i of quiz.questions.keys()) await expect(page.locator('fieldset.question').nth(i).locator('.feedback').innerText()).resolves.toBe('Correct.');
    await expect(page.getByRole('status').innerText()).resolves.toBe(`You got ${quiz.questions.length} out of ${quiz.questions.length} right.`);
    const link = firstSet.locator('details.answer a');
    await expect(link.getAttribute('href')).resolves.toBe(`index.html#${first.section}`);
    expect((await axe(page)).violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await page.context().close();
  });

  it('reads well without JavaScript: questions as a list, the answers behind a disclosure', async () => {
    const { page } = await openQuiz(false);
    await expect(page.getByRole('button', { name: 'Check my answers' }).isVisible()).resolves.toBe(false);
    const first = page.locator('fieldset.question').first();
    const details = first.locator('details.answer');
    await expect(details.getAttribute('open')).resolves.toBeNull();
    await details.locator('summary').click();
    await expect(details.innerText()).resolves.toContain('Answer:');
    // Every question's text is there to read; axe-core needs JavaScript, so it checks this same
    // markup in the tests above.
    await expect(page.locator('fieldset.question legend').allInnerTexts()).resolves.toHaveLength(quiz.questions.length);
    await page.context().close();
  });
});

describe('the web quiz with ids that run into each other', () => {
  it('gives every control its own id: each label ticks its own box', async () => {
    const fixture = materialise();
    try {
      // Question "x" with option "y-z", question "x-y" with option "z", an option named "hint".
      writeFileSync(
        path.join(fixture.contentDir, 'guides/sample-guide/quiz.yaml'),
        [
          'title: Check what you know',
          'questions:',
          '  - { id: x, type: single, prompt: First question?, answer: y-z, section: first-section, options: [{ id: y-z, text: First yes }, { id: hint, text: First no }] }',
          '  - { id: x-y, type: single, prompt: Second question?, answer: z, section: second-section, options: [{ id: z, text: Second yes }, { id: w, text: Second no }] }',
          '',
        ].join('\n'),
      );
      const dist = path.join(fixture.root, 'dist');
      expect((await build(fixture.contentDir, { out: dist, cwd: fixture.root, today: '2026-11-27' })).ok).toBe(true);
      const page = await browser.newPage();
      await page.goto(pathToFileURL(path.join(dist, 'site/sample-guide/quiz.html')).href);
      const ids = await page.locator('[id]').evaluateAll((els) => els.map((e) => e.id));
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
      for (const text of ['First yes', 'First no', 'Second yes', 'Second no']) {
        await page.getByText(text, { exact: true }).click();
        expect(await page.getByLabel(text, { exact: true }).isChecked(), text).toBe(true);
      }
      // Each question kept its own answer: the second question's clicks did not untick the first's.
      expect(await page.getByLabel('First no', { exact: true }).isChecked()).toBe(true);
      await page.close();
    } finally {
      fixture.cleanup();
    }
  });
});
