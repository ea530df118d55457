/**
 * The renderer on Markdown nobody wrote on purpose: generated documents from Markdown's own
 * building blocks (fast-check), plus pathological shapes. Every one must render to a PDF whose
 * text is still there, and nothing may throw.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { parseMarkdown } from '../src/pipeline/processor.js';
import { renderFile } from '../src/render-file.js';
import { themeFor } from '../src/render/pdf/theme.js';
import { readPdf } from './helpers/pdf-read.js';
import { missingInOrder, visibleChunks } from './helpers/text.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-robust-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
async function render(markdown: string, variant: 'standard' | 'large' = 'standard') {
  const file = path.join(work, `doc-${counter++}.md`);
  writeFileSync(file, markdown);
  const result = await renderFile(file, { to: 'pdf', cwd: work, variant });
  return { result, pdf: result.data ? await readPdf(result.data) : undefined };
}

const word = fc.stringMatching(/^[A-Za-z0-9éß€½≤]{1,12}$/);
const inline = fc.oneof(
  word,
  word.map((w) => `**${w}**`),
  word.map((w) => `*${w}*`),
  word.map((w) => `~~${w}~~`),
  word.map((w) => `\`${w}\``),
  word.map((w) => `[${w}](https://example.org/${w})`),
  fc.constant('x'.repeat(120)),
  fc.constant('https://example.org/' + 'segment/'.repeat(20)),
);
const line = fc.array(inline, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(' '));
const block = fc.oneof(
  line,
  line.map((l) => `# ${l}`),
  line.map((l) => `### ${l}`),
  fc.array(line, { minLength: 1, maxLength: 5 }).map((ls) => ls.map((l) => `- ${l}`).join('\n')),
  fc.array(line, { minLength: 1, maxLength: 5 }).map((ls) => ls.map((l, i) => `${i + 3}. ${l}`).join('\n')),
  fc.array(line, { minLength: 1, maxLength: 3 }).map((ls) => ls.map((l) => `- [ ] ${l}`).join('\n')),
  line.map((l) => `> ${l}`),
  line.map((l) => '```\n' + l + '\n```'),
  fc.array(fc.array(word, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }).map((rows) => {
    const width = Math.max(...rows.map((r) => r.length));
    const row = (cells: string[]) => `| ${Array.from({ length: width }, (_, i) => cells[i] ?? '').join(' | ')} |`;
    return [row(rows[0]!), `|${' --- |'.repeat(width)}`, ...rows.slice(1).map(row)].join('\n');
  }),
  line.map((l) => `:::tip\n${l}\n:::`),
  line.map((l) => `:::red-flags\n- ${l}\n- ${l}\n:::`),
  fc.constant('---'),
  fc.constant('::pagebreak'),
  line.map((l) => `${l}[^n]\n\n[^n]: ${l}`),
);
const documentArb = fc.array(block, { minLength: 1, maxLength: 25 }).map((blocks) => blocks.join('\n\n') + '\n');

describe('careprint render on generated and pathological Markdown', () => {
  it('renders any document built from Markdown constructs, keeping all its text inside the margins', async () => {
    const margin = themeFor('standard').margin;
    await fc.assert(
      fc.asyncProperty(documentArb, async (markdown) => {
        const { pdf } = await render(markdown);
        expect(pdf).toBeDefined();
        const tree = parseMarkdown(new VFile({ value: markdown }), markdown)!;
        expect(missingInOrder(visibleChunks(tree, markdown), pdf!.contentText)).toEqual([]);
        for (const page of pdf!.pages) {
          for (const item of page.items) {
            if (!item.str.trim()) continue;
            expect(item.x).toBeGreaterThanOrEqual(margin.left - 0.5);
            expect(item.x + item.width).toBeLessThanOrEqual(page.width - margin.right + 0.5);
          }
        }
      }),
      // Fixed seed in CI (same cases every run); FC_SEED and FC_RUNS explore further by hand.
      { numRuns: Number(process.env.FC_RUNS ?? 40), seed: Number(process.env.FC_SEED ?? 20261127) },
    );
  });

  it.each([
    ['an empty file body', '---\ntitle: x\n---\n'],
    ['only whitespace and a heading', '\n\n#\n\n'],
    ['a table of 40 columns', `| ${Array.from({ length: 40 }, (_, i) => `c${i}`).join(' | ')} |\n|${' --- |'.repeat(40)}\n| ${Array.from({ length: 40 }, () => 'wide').join(' | ')} |\n`],
    ['a table of 300 rows', `| a | b |\n| --- | --- |\n${Array.from({ length: 300 }, (_, i) => `| row ${i} | value ${i} |`).join('\n')}\n`],
    ['lists nested 20 deep', Array.from({ length: 20 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n') + '\n'],
    ['quotes nested 25 deep', `${'> '.repeat(25)}deep\n`],
    // Broken into line-long chunks in linear time, about 2 s here. The search for each chunk's length
    // once spanned the whole rest of the word: 26 s for 30,000 characters, and growing with the square.
    ['a 100,000-character word (a pasted data URL)', `Before ${'0123456789abcdef'.repeat(6250)} after.\n`],
    ['a colon and a tab, as pasted from a spreadsheet (not a directive)', 'Time:\t10 minutes.\nNote:\there\tand\tthere\n'],
    ['a 5,000-line code block', '```\n' + Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n') + '\n```\n'],
    ['a callout longer than a page', `:::warning\n${Array.from({ length: 120 }, (_, i) => `Warning line ${i}.`).join('\n\n')}\n:::\n`],
    ['a missing and an outside image', '![gone](nothere.png)\n\n![escape](../../../etc/passwd.png)\n'],
    ['raw HTML and javascript links', '<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b onclick="y()">bold</b>\n'],
    ['emoji and unassigned code points', 'Smile 🙂 and \u{10FFFD} and \u0007 bell\n'],
  ])('renders %s', async (_name, markdown) => {
    const { result, pdf } = await render(markdown);
    expect(result.file.messages.filter((m) => m.fatal).map((m) => m.reason)).toEqual([]);
    expect(pdf!.pages.length).toBeGreaterThan(0);
    const tree = parseMarkdown(new VFile({ value: markdown }), markdown)!;
    expect(missingInOrder(visibleChunks(tree, markdown), pdf!.contentText)).toEqual([]);
  });

  it('repeats a long table\'s header row on every page it crosses, as an artifact', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => `| row ${i} | value ${i} |`).join('\n');
    const { pdf } = await render(`| Header A | Header B |\n| --- | --- |\n${rows}\n`);
    expect(pdf!.pages.length).toBeGreaterThan(2);
    pdf!.pages.forEach((page, n) => {
      const headers = page.items.filter((i) => i.str.trim() === 'Header A');
      expect(headers, `page ${n + 1}`).toHaveLength(1);
      expect(headers[0]!.artifact, `page ${n + 1}`).toBe(n > 0);
    });
    expect(pdf!.contentText.match(/Header A/g)).toHaveLength(1);
  });

  it.each(['standard', 'large'] as const)('prints every word of quotes nested 60 deep (within the limit) in %s print: indents stop growing', async (variant) => {
    const markdown = `${'> '.repeat(60)}deepquoteword with some more words\n\n${'> '.repeat(30)}${'word '.repeat(60)}\n`;
    const { result, pdf } = await render(markdown, variant);
    expect(result.data).toBeDefined();
    const tree = parseMarkdown(new VFile({ value: markdown }), markdown)!;
    expect(missingInOrder(visibleChunks(tree, markdown), pdf!.contentText)).toEqual([]);
    // No page left blank by text that found no room.
    for (const page of pdf!.pages) expect(page.items.filter((i) => !i.artifact && i.str.trim()).length).toBeGreaterThan(0);
  });

  it('starts a table row taller than a page where it stands: no page holds only the title or the header', async () => {
    const markdown = `# Title\n\nIntro.\n\n| a | b |\n| --- | --- |\n| small | ${'word '.repeat(3000)}|\n| last | row |\n`;
    const { pdf } = await render(markdown);
    const words = pdf!.pages.map((page) => page.items.filter((i) => !i.artifact).reduce((n, i) => n + (i.str.match(/\bword\b/g)?.length ?? 0), 0));
    expect(words[0], 'the row starts on the first page').toBeGreaterThan(100);
    expect(words.slice(0, -1).every((n) => n > 100), `words per page: ${words.join(', ')}`).toBe(true);
    const tree = parseMarkdown(new VFile({ value: markdown }), markdown)!;
    expect(missingInOrder(visibleChunks(tree, markdown), pdf!.contentText)).toEqual([]);
  });

  it.each([
    ['four columns', '| Exercise | Sets | Reps | Rest |\n|---|---|---|---|\n| Bridge | 3 | 10 | 60 s |\n| Clamshell | 3 | 12 | 45 s |\n| Side-lying hip abduction | 2 | 15 | 30 s |\n'],
    ['aligned columns', '| Left | Centre | Right | Day |\n|:--|:-:|--:|--|\n| a | b | c | Monday |\n| longer text | mid | 12.5 | Tue |\n'],
    ['twelve columns', `| ${Array.from({ length: 12 }, (_, i) => `H${i}`).join(' | ')} |\n|${'---|'.repeat(12)}\n| ${Array.from({ length: 12 }, (_, i) => `c${i}`).join(' | ')} |\n`],
  ])('keeps every table cell between its column borders: %s', async (_name, table) => {
    const { pdf } = await render(`# Plan\n\n${table}`);
    const page = pdf!.pages[0]!;
    // The table's borders: the x of every cell box's sides.
    const borders = [...new Set(page.paths.flatMap((p) => [p.minX, p.maxX]).map((x) => Math.round(x * 100) / 100))].sort((a, b) => a - b);
    const cells = page.items.filter((i) => !i.artifact && i.str.trim() && !/^Plan$/.test(i.str.trim()) && !/^Page \d/.test(i.str));
    expect(cells.length).toBeGreaterThan(4);
    const outside = cells.filter((item) => {
      const after = borders.filter((x) => x <= item.x + 0.5).at(-1);
      const before = borders.find((x) => x >= item.x + item.width - 0.5);
      // Inside one column: no border between the text's two ends.
      return after === undefined || before === undefined || borders.some((x) => x > item.x + 0.5 && x < item.x + item.width - 0.5);
    });
    expect(outside.map((i) => `"${i.str}" at ${i.x.toFixed(1)}–${(i.x + i.width).toFixed(1)}, borders ${borders.map((x) => x.toFixed(1)).join(' ')}`)).toEqual([]);
  });

  it('prints accents typed as separate marks (NFD) as the letters they make, the same as typed whole (NFC)', async () => {
    const text = '# Tên\n\nĐặng Văn Việt tập thể dục mỗi ngày.\n';
    const decomposed = await render(text.normalize('NFD'));
    const whole = await render(text.normalize('NFC'));
    // A mark the text font lacks (U+0323) went to the fallback font, and the mark after it was
    // drawn on the next letter ("Việt" showed its circumflex on the t).
    expect(decomposed.pdf!.contentText).not.toMatch(/\p{M}/u);
    expect(decomposed.pdf!.contentText).toBe(whole.pdf!.contentText);
  });

  it('prints the columns the header makes, as the web page does: a cell past them is in neither', async () => {
    const markdown = '# Plan\n\n| Exercise | Sets |\n| --- | --- |\n| Bridge | 3 | ten reps |\n| Clamshell |\n';
    const { pdf } = await render(markdown);
    const file = path.join(work, 'extra-cell.md');
    writeFileSync(file, markdown);
    const html = String((await renderFile(file, { to: 'html', cwd: work })).data);
    expect(html).toContain('Bridge');
    expect(html).not.toContain('ten reps');
    expect(pdf!.contentText).toContain('Bridge 3 Clamshell');
    expect(pdf!.contentText).not.toContain('ten reps');
  });

  it('stacks the cells of a row no page can hold, each under its column heading: no cell drawn over another', async () => {
    const long = Array.from({ length: 900 }, (_, i) => `word${i + 1}`).join(' ');
    const markdown = `# Title\n\nIntro.\n\n| Symptom | What to do |\n| --- | --- |\n| ${long} | Call your physio today. |\n| last | row |\n\nAfter the table.\n`;
    const { pdf } = await render(markdown);
    const tree = parseMarkdown(new VFile({ value: markdown }), markdown)!;
    expect(missingInOrder(visibleChunks(tree, markdown), pdf!.contentText)).toEqual([]);
    // Side by side, the second cell was drawn over the first cell's lines on the page it ended on.
    for (const [n, page] of pdf!.pages.entries()) {
      const lines = page.items.filter((i) => i.str.trim()).map((i) => ({ ...i, top: i.y + i.size, bottom: i.y - i.size * 0.25 }));
      const clashes = lines.flatMap((a, i) =>
        lines.slice(i + 1).filter((b) => a.x < b.x + b.width && b.x < a.x + a.width && a.bottom < b.top && b.bottom < a.top).map((b) => `page ${n + 1}: "${a.str}" / "${b.str}"`),
      );
      expect(clashes).toEqual([]);
    }
    const pageOf = (text: string) => pdf!.pages.findIndex((page) => page.items.some((i) => i.str.includes(text)));
    const callPage = pageOf('Call your physio');
    expect(callPage, 'the second cell comes after the whole first cell').toBeGreaterThanOrEqual(pageOf('word900'));
    // Its column's heading labels it, and the header row opens the page the next row is on.
    const labels = pdf!.pages[callPage]!.items.filter((i) => i.artifact && i.str.includes('What to do'));
    expect(labels.length).toBeGreaterThanOrEqual(1);
    const lastPage = pdf!.pages[pageOf('last')]!;
    expect(lastPage.items.some((i) => i.artifact && i.str.includes('Symptom'))).toBe(true);
  });

  it('breaks the page once for page breaks in a row: no blank page between them', async () => {
    const { pdf } = await render('# Title\n\nFirst part.\n\n::pagebreak\n\n::pagebreak\n\n::pagebreak\n\nSecond part.\n');
    expect(pdf!.pages.map((page) => page.items.filter((i) => !i.artifact && i.str.trim()).map((i) => i.str.trim()).join(' '))).toEqual(['Title First part.', 'Second part.']);
  });

  it('refuses Markdown nested past the limit with an error at its position, not a crash', async () => {
    // Past what careprint renders: parsed, then refused at the deepest node.
    const { result } = await render(`${'> '.repeat(80)}too deep\n`);
    expect(result.data).toBeUndefined();
    expect(result.file.messages.map((m) => [m.ruleId, m.line])).toContainEqual(['md-nesting-depth', 1]);
    // Past what careprint even parses: counted before parsing (the file's budget).
    const { result: deeper } = await render(`${'> '.repeat(200)}too deep\n`);
    expect(deeper.data).toBeUndefined();
    expect(deeper.file.messages.map((m) => [m.ruleId, m.line])).toContainEqual(['file-too-complex', 1]);
  });
});

describe('careprint render through the CLI', () => {
  it('writes a PDF and an HTML page, and exits 2 on bad usage', async () => {
    const run = promisify(execFile);
    const pdf = path.join(work, 'cli.pdf');
    const html = path.join(work, 'cli.html');
    const source = path.join(ROOT, 'tests/fixtures/render/kitchen-sink.md');
    await run(process.execPath, ['bin/careprint.js', 'render', source, '--to', 'pdf', '-o', pdf, '--paper', 'letter'], { cwd: ROOT });
    expect((await readPdf(readFileSync(pdf))).pages[0]!.width).toBeCloseTo(612, 1);
    await run(process.execPath, ['bin/careprint.js', 'render', source, '--to', 'html', '-o', html], { cwd: ROOT });
    expect(readFileSync(html, 'utf8')).toContain('Kitchen sink heading one');
    const css = /href="(assets\/site\.[0-9a-f]{8}\.css)"/.exec(readFileSync(html, 'utf8'))?.[1];
    expect(css && existsSync(path.join(work, css))).toBe(true);
    const bad = await run(process.execPath, ['bin/careprint.js', 'render', source, '--to', 'docx'], { cwd: ROOT }).catch((e: { code: number }) => e);
    expect('code' in bad ? bad.code : 0).toBe(2);
  });

  it('never writes over the Markdown it renders, and says why it cannot write (exit 2, not an internal error)', async () => {
    const run = promisify(execFile);
    const source = path.join(work, 'own-source.md');
    writeFileSync(source, '# Keep me\n\nText.\n');
    const fail = (args: string[]) => run(process.execPath, ['bin/careprint.js', 'render', source, ...args], { cwd: ROOT }).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    const same = await fail(['--to', 'html', '-o', source]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('is the Markdown being rendered');
    expect(readFileSync(source, 'utf8')).toBe('# Keep me\n\nText.\n');
    const folder = await fail(['--to', 'pdf', '-o', work]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('it is a folder');
    const through = await fail(['--to', 'pdf', '-o', path.join(source, 'x.pdf')]);
    expect(through.code).toBe(2);
    expect(through.stderr).toContain('part of its path is a file');
    expect(`${same.stderr}${folder.stderr}${through.stderr}`).not.toMatch(/internal error|\n\s+at /);
  });
});
