/**
 * A quiz question's `section` may name the guide's title. The pages print the front matter's
 * title as plain text for the `#` heading, so check must give the title the anchor the page gives
 * it — not that of the guide's `#` line read as Markdown — and number the sections after it the
 * same way, with and without a `#` line of the guide's own.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { check } from '../src/check.js';
import { DEFAULT_TODAY, materialise, type Materialised } from './helpers/fixtures.js';

let fixture: Materialised | undefined;
afterEach(() => fixture?.cleanup());

/** Build the base guide with this title (and `#` line, or none), its last question pointing at the title's anchor as check knows it. */
async function pageFor(title: string, ownTitleLine: boolean) {
  fixture = materialise();
  const guide = path.join(fixture.contentDir, 'guides/sample-guide/guide.md');
  const source = readFileSync(guide, 'utf8').replace('title: Sample guide', `title: ${JSON.stringify(title)}`);
  writeFileSync(guide, ownTitleLine ? source.replace('# Sample guide', `# ${title}`) : `${source.replace('# Sample guide\n', '')}\n## ${title}\n\nA section named like the title.\n`);
  const checked = await check(fixture.contentDir, { today: DEFAULT_TODAY, cwd: fixture.root });
  const slugs = checked.content.guides[0]!.headings.map((h) => h.slug);
  const quiz = path.join(fixture.contentDir, 'guides/sample-guide/quiz.yaml');
  const named = ownTitleLine ? slugs[0] : slugs.at(-1);
  writeFileSync(quiz, readFileSync(quiz, 'utf8').replace('section: sample-guide', `section: ${named}`));
  const built = await build(fixture.contentDir, { out: path.join(fixture.root, 'dist'), cwd: fixture.root, today: DEFAULT_TODAY });
  expect(built.ok).toBe(true);
  const html = readFileSync(path.join(fixture.root, 'dist/site/sample-guide/index.html'), 'utf8');
  const ids = [...html.matchAll(/<h[1-6][^>]* id="([^"]*)"/g)].map((m) => m[1]);
  const quizPage = readFileSync(path.join(fixture.root, 'dist/site/sample-guide/quiz.html'), 'utf8');
  return { slugs, ids, quizLinks: [...quizPage.matchAll(/href="index\.html#([^"]*)"/g)].map((m) => m[1]) };
}

describe("the title's anchor", () => {
  it('is the same in check and on the page when the title holds markup characters', async () => {
    const { slugs, ids, quizLinks } = await pageFor('Tom &amp; Jerry <https://example.org> a<b>c', true);
    expect(ids[0]).toBe(slugs[0]);
    expect(quizLinks).toContain(slugs[0]);
    for (const link of quizLinks) expect(ids).toContain(link);
  });

  it('is taken before the sections when the guide has no `#` line, so a section named like the title is numbered as on the page', async () => {
    const { slugs, ids } = await pageFor('Knee pain', false);
    // check lists the guide's own headings; the page has the title first.
    expect(slugs.at(-1)).toBe('knee-pain-1');
    expect(ids).toContain('knee-pain-1');
  });
});
