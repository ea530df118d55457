/**
 * Every example of the CommonMark spec (npm `commonmark-spec`) and of the GFM extensions goes
 * through `careprint render` (the same entry the CLI uses) to a PDF without an error, and its
 * visible text comes back out of the PDF, in order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { parseMarkdown } from '../src/pipeline/processor.js';
import { renderFile } from '../src/render-file.js';
import { readPdf } from './helpers/pdf-read.js';
import { missingInOrder, visibleChunks } from './helpers/text.js';

interface SpecExample {
  markdown: string;
  section: string;
  number: number;
}

const spec = createRequire(import.meta.url)('commonmark-spec') as { tests: SpecExample[] };
// The spec shows tabs as "→".
const commonmark = spec.tests.map((t) => ({ ...t, markdown: t.markdown.replace(/→/g, '\t') }));

/** The GFM spec's extension examples (tables, task lists, strikethrough, autolinks, footnotes). */
const GFM: Array<{ name: string; markdown: string }> = [
  { name: 'table', markdown: '| foo | bar |\n| --- | --- |\n| baz | bim |\n' },
  { name: 'table alignment', markdown: '| abc | defghi |\n:-: | -----------:\nbar | baz\n' },
  { name: 'table escaped pipe', markdown: '| f\\|oo  |\n| ------ |\n| b `\\|` az |\n| b **\\|** im |\n' },
  { name: 'table ends at block', markdown: '| abc | def |\n| --- | --- |\n| bar | baz |\n> bar\n' },
  { name: 'table ends at blank', markdown: '| abc | def |\n| --- | --- |\n| bar | baz |\nbar\n\nbar\n' },
  { name: 'not a table', markdown: '| abc | def |\n| --- |\n| bar |\n' },
  { name: 'table ragged rows', markdown: '| abc | def |\n| --- | --- |\n| bar |\n| bar | baz | boo |\n' },
  { name: 'table header only', markdown: '| abc | def |\n| --- | --- |\n' },
  { name: 'task list', markdown: '- [ ] foo\n- [x] bar\n' },
  { name: 'nested task list', markdown: '- [x] foo\n  - [ ] bar\n  - [x] baz\n- [ ] bim\n' },
  { name: 'strikethrough', markdown: '~~Hi~~ Hello, ~there~ world!\n' },
  { name: 'strikethrough across paragraph', markdown: 'This ~~has a\n\nnew paragraph~~.\n' },
  { name: 'strikethrough three tildes', markdown: 'This will ~~~not~~~ strike.\n' },
  { name: 'autolink www', markdown: 'www.commonmark.org\n' },
  { name: 'autolink www path', markdown: 'Visit www.commonmark.org/help for more information.\n' },
  { name: 'autolink trailing punctuation', markdown: 'Visit www.commonmark.org.\n\nVisit www.commonmark.org/a.b.\n' },
  { name: 'autolink parentheses', markdown: 'www.google.com/search?q=Markup+(business)\n\nwww.google.com/search?q=Markup+(business)))\n\n(www.google.com/search?q=Markup+(business))\n' },
  { name: 'autolink entity-like', markdown: 'www.google.com/search?q=commonmark&hl=en\n\nwww.google.com/search?q=commonmark&hl;\n' },
  { name: 'autolink less-than', markdown: 'www.commonmark.org/he<lp\n' },
  { name: 'autolink http', markdown: 'http://commonmark.org\n\n(Visit https://encrypted.google.com/search?q=Markup+(business))\n' },
  { name: 'autolink email', markdown: 'foo@bar.baz\n\nhello@mail+xyz.example isn\'t valid, but hello+xyz@mail.example is.\n' },
  { name: 'autolink email edge cases', markdown: 'a.b-c_d@a.b\n\na.b-c_d@a.b.\n\na.b-c_d@a.b-\n\na.b-c_d@a.b_\n' },
  { name: 'autolink protocols', markdown: 'mailto:foo@bar.baz\n\nmailto:a.b-c_d@a.b\n\nxmpp:foo@bar.baz\n' },
  { name: 'disallowed raw html', markdown: '<strong> <title> <style> <em>\n\n<blockquote>\n  <xmp> is disallowed.  <XMP> is also disallowed.\n</blockquote>\n' },
  { name: 'footnotes', markdown: 'Here is a simple footnote[^1]. With some additional text after it.\n\n[^1]: My reference.\n' },
  { name: 'footnote with blocks', markdown: 'Note[^big].\n\n[^big]: Para one.\n\n    Para two, still the note.\n\n    ```\n    code in a note\n    ```\n' },
  { name: 'footnote undefined', markdown: 'A [^missing] reference stays text.\n' },
];

const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-commonmark-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function renderAndCompare(name: string, markdown: string): Promise<void> {
  const file = path.join(work, `${name.replace(/[^a-z0-9-]+/gi, '-')}.md`);
  writeFileSync(file, markdown);
  const result = await renderFile(file, { to: 'pdf', cwd: work });
  expect(result.file.messages.filter((m) => m.fatal).map((m) => m.reason)).toEqual([]);
  expect(result.data).toBeDefined();
  const pdf = await readPdf(result.data!);
  const tree = parseMarkdown(new VFile({ value: markdown }), markdown.replace(/\r\n?/g, '\n'))!;
  expect(missingInOrder(visibleChunks(tree, markdown.replace(/\r\n?/g, '\n')), pdf.contentText)).toEqual([]);
}

describe('CommonMark spec examples through careprint render', () => {
  it('has the whole spec', () => {
    expect(commonmark.length).toBeGreaterThan(600);
  });
  it.each(commonmark.map((t) => [`${t.number} ${t.section}`, t] as const))('example %s', async (_name, example) => {
    await renderAndCompare(`cm-${example.number}`, example.markdown);
  });
});

describe('GFM extension examples through careprint render', () => {
  it.each(GFM.map((t) => [t.name, t] as const))('%s', async (_name, example) => {
    await renderAndCompare(`gfm-${example.name}`, example.markdown);
  });
});
