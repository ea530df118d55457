/**
 * Pathological content: bodies that stay under careprint's 1 MiB file-size limit yet once made
 * `careprint check` run for minutes or gigabytes (issue 21). Each case writes one file over the
 * base fixture (tests/fixtures/base/), filled up to just under the limit by repeating a unit.
 * Shared by tests/pathological.test.ts and scripts/pathological.ts (which measures them).
 */
import { MARKDOWN_LIMITS, YAML_LIMITS } from '../../src/content/budget.js';
import { MAX_FILE_BYTES } from '../../src/content/read.js';

const count = (n: number) => n.toLocaleString('en-US');

/** Every generated file is this many bytes at most: just under the limit, so it is parsed. */
export const TARGET_BYTES = MAX_FILE_BYTES - 1024;

/** The base fixture's front matter, so a guide body is the only thing wrong with a guide. */
export const FRONT_MATTER = `---
title: Sample guide
summary: A short guide used by the tests.
lang: en
version: 1.0.0
audience: patient
review:
  reviewed_by: A. Tester
  last_reviewed: 2026-01-01
  next_review: 2099-01-01
---

# Sample guide

`;

export interface PathologicalCase {
  name: string;
  /** Relative to the content folder. */
  path: string;
  /** What makes it expensive, for the table and for people reading the test. */
  note: string;
  /** The file's text, at most `bytes` bytes (default TARGET_BYTES; smaller for profiling). */
  text: (bytes?: number) => string;
}

/** `head`, then `unit(i)` for i = 0, 1, … while it fits, then `tail`: at most `target` bytes. */
export function fill(head: string, unit: (i: number) => string, tail = '', target = TARGET_BYTES): string {
  const parts = [head];
  let bytes = Buffer.byteLength(head) + Buffer.byteLength(tail);
  for (let i = 0; ; i++) {
    const next = unit(i);
    const size = Buffer.byteLength(next);
    if (bytes + size > target) break;
    parts.push(next);
    bytes += size;
  }
  parts.push(tail);
  return parts.join('');
}

const GUIDE = 'guides/sample-guide/guide.md';
const guide = (unit: (i: number) => string, bytes?: number) => fill(FRONT_MATTER, unit, '', bytes);

/** One paragraph of `lines` lines ("a"), then a setext underline. */
const setextBlock = (lines: number) => `${'a\n'.repeat(lines)}===\n\n`;

export const PATHOLOGICAL_CASES: readonly PathologicalCase[] = [
  { name: 'setext-short', path: GUIDE, note: 'a\\n=\\n repeated: one setext heading per two lines', text: (b) => guide(() => 'a\n=\n', b) },
  { name: 'setext-long-paragraph', path: GUIDE, note: 'one 500k-line paragraph, then ===', text: (b) => fill(FRONT_MATTER, () => 'a\n', '===\n', b) },
  { name: 'setext-paragraphs', path: GUIDE, note: '1,000-line paragraphs, each underlined with ===', text: (b) => guide(() => setextBlock(1000), b) },
  { name: 'emphasis-runs', path: GUIDE, note: '*a_ repeated: unmatched emphasis delimiters in one paragraph', text: (b) => guide(() => '*a_ ', b) },
  { name: 'emphasis-runs-lines', path: GUIDE, note: '*a_ *a_ … over many lines of one paragraph', text: (b) => guide((i) => (i % 20 === 19 ? '*a_\n' : '*a_ '), b) },
  { name: 'lazy-quote', path: GUIDE, note: '> a, then lazy continuation lines b', text: (b) => guide((i) => (i === 0 ? '> a\n' : 'b\n'), b) },
  { name: 'lazy-quote-deep', path: GUIDE, note: '> > > > a, then lazy continuation lines b', text: (b) => guide((i) => (i === 0 ? `${'> '.repeat(30)}a\n` : 'b\n'), b) },
  { name: 'quote-deep-line', path: GUIDE, note: 'one line of 500k nested > markers', text: (b) => guide(() => '> ', b) },
  { name: 'quote-deep-lines', path: GUIDE, note: 'every line 30 nested > markers', text: (b) => guide(() => `${'> '.repeat(30)}a\n`, b) },
  { name: 'list-long', path: GUIDE, note: '250k items in one list', text: (b) => guide(() => '- a\n', b) },
  { name: 'list-long-loose', path: GUIDE, note: 'list items separated by blank lines', text: (b) => guide(() => '- a\n\n', b) },
  { name: 'list-deep', path: GUIDE, note: 'each item nested one deeper than the last', text: (b) => guide((i) => `${'  '.repeat(i)}- a\n`, b) },
  { name: 'list-nested-sawtooth', path: GUIDE, note: 'nesting up 30 levels and down again, repeated', text: (b) => guide((i) => `${'  '.repeat(i % 30)}- a\n`, b) },
  { name: 'footnotes-chained', path: GUIDE, note: 'footnote definitions each referring to the next', text: (b) => guide((i) => (i === 0 ? 'See[^1].\n\n' : `[^${i}]: see [^${i + 1}]\n`), b) },
  { name: 'footnotes-many', path: GUIDE, note: 'references to many footnotes', text: (b) => guide((i) => `a[^${i}]\n\n[^${i}]: b\n\n`, b) },
  { name: 'links-brackets', path: GUIDE, note: 'unclosed [ brackets in one paragraph', text: (b) => guide(() => '[a ', b) },
  { name: 'yaml-keys-config', path: 'careprint.yaml', note: 'careprint.yaml: 100k short keys in one mapping', text: (b) => fill('title: Test guides\n', (i) => `k${i}: 1\n`, '', b) },
  { name: 'yaml-keys-glossary', path: 'glossary.yaml', note: 'glossary.yaml: one entry with 100k keys', text: (b) => fill('- term: tendon\n  definition: A cord.\n', (i) => `  k${i}: 1\n`, '', b) },
  { name: 'yaml-entries-glossary', path: 'glossary.yaml', note: 'glossary.yaml: 30k short entries', text: (b) => fill('', (i) => `- term: t${i}\n  definition: d\n`, '', b) },
  {
    name: 'yaml-keys-frontmatter',
    path: GUIDE,
    note: 'front matter: 100k short keys',
    text: (b) => fill(FRONT_MATTER.slice(0, FRONT_MATTER.indexOf('\n---\n') + 1), (i) => `k${i}: 1\n`, '---\n\n# Sample guide\n', b),
  },
  { name: 'yaml-keys-quiz', path: 'guides/sample-guide/quiz.yaml', note: 'quiz.yaml: 100k short keys', text: (b) => fill('title: Quiz\nquestions: []\n', (i) => `k${i}: 1\n`, '', b) },
  { name: 'yaml-deep-flow', path: 'careprint.yaml', note: 'careprint.yaml: 500k nested [ flow sequences', text: (b) => fill('title: ', () => '[', '', b) },
  { name: 'yaml-deep-block', path: 'careprint.yaml', note: 'careprint.yaml: mappings nested one deeper per line', text: (b) => fill('', (i) => `${' '.repeat(i)}a:\n`, '', b) },
];

/** `unit(i)` for i = 0 … n-1 after the front matter: a guide body of exactly n units. */
const repeatGuide = (n: number, unit: (i: number) => string, tail = '') => FRONT_MATTER + Array.from({ length: n }, (_, i) => unit(i)).join('') + tail;
const FRONT_LINES = FRONT_MATTER.split('\n').length - 1;
/** The largest n whose n × lines(n) stays within 98% of the block budget. */
const withinBlockWork = (linesPer: number, constructsPer = 1) => {
  let n = 1;
  while ((n + 1) * constructsPer * ((n + 1) * linesPer + FRONT_LINES) <= 0.98 * MARKDOWN_LIMITS.blockWork) n += 1;
  return n;
};
/** How many paragraphs of `perParagraph` emphasis characters stay within 98% of both inline budgets. */
const inlineUnits = (perParagraph: number) => Math.floor(0.98 * Math.min(MARKDOWN_LIMITS.inlineWork / (perParagraph * perParagraph), MARKDOWN_LIMITS.markup / perParagraph));

/** Several budgets used at once, each to 90-95%: their costs add up, which the parse deadline bounds. */
function combinedAtLimits(): string {
  const row = '| aaaa | bbbb | cccc | dddd | eeee | ffff | gggg | hhhh |\n';
  const table = `${row}|-|-|-|-|-|-|-|-|\n${row.repeat(Math.floor(MARKDOWN_LIMITS.tableCells / 9) - 3)}`;
  const paragraphs = `${'*a_ '.repeat(100)}\n\n`.repeat(Math.floor((0.95 * MARKDOWN_LIMITS.markup) / 200));
  const constructs = Math.floor((0.9 * MARKDOWN_LIMITS.blockWork) / MARKDOWN_LIMITS.lines / 2);
  const text = `${FRONT_MATTER}${table}\n${paragraphs}${'- a\n\nb\n\n'.repeat(constructs)}${'a\n=\n'.repeat(constructs)}`;
  const lines = text.split('\n').length;
  return text + 'a\n\n'.repeat(Math.floor((MARKDOWN_LIMITS.lines - lines - 10) / 2));
}

/**
 * The same shapes just inside each limit: these must be checked (no file-too-complex) and still
 * answer in time, which is what shows the limits bound the cost rather than only refuse the worst.
 */
export const AT_LIMIT_CASES: readonly PathologicalCase[] = [
  {
    name: 'limit-table',
    path: GUIDE,
    note: 'an 8-column table up to the cell budget',
    text: () => {
      const row = '| aaaa | bbbb | cccc | dddd | eeee | ffff | gggg | hhhh |\n';
      return repeatGuide(Math.floor(MARKDOWN_LIMITS.tableCells / 9) - 2, (i) => (i === 0 ? `${row}|-|-|-|-|-|-|-|-|\n` : row));
    },
  },
  { name: 'limit-lines-paragraphs', path: GUIDE, note: 'one-word paragraphs up to the line limit', text: () => repeatGuide((MARKDOWN_LIMITS.lines - 20) / 2, () => 'a\n\n') },
  { name: 'limit-setext', path: GUIDE, note: 'underlined headings up to the block budget', text: () => repeatGuide(withinBlockWork(2), () => 'a\n=\n') },
  { name: 'limit-lists-separate', path: GUIDE, note: 'one-item lists, each closed by a paragraph', text: () => repeatGuide(withinBlockWork(4), () => '- a\n\nb\n\n') },
  { name: 'limit-quotes-separate', path: GUIDE, note: 'block quotes, each closed by a paragraph', text: () => repeatGuide(withinBlockWork(4), () => '> a\n\nb\n\n') },
  { name: 'limit-lazy-quote', path: GUIDE, note: 'lazy lines in one block quote', text: () => repeatGuide(withinBlockWork(1), (i) => (i === 0 ? '> a\n' : 'b\n')) },
  { name: 'limit-footnotes', path: GUIDE, note: 'chained footnote definitions', text: () => repeatGuide(withinBlockWork(1), (i) => (i === 0 ? 'See[^1].\n' : `[^${i}]: see [^${i + 1}]\n`)) },
  { name: 'limit-list-tight', path: GUIDE, note: 'one tight list', text: () => repeatGuide(withinBlockWork(1), () => '- a\n') },
  { name: 'limit-emphasis-one', path: GUIDE, note: 'one paragraph of *a_ at the inline budget', text: () => repeatGuide(Math.floor(Math.sqrt(0.98 * MARKDOWN_LIMITS.inlineWork) / 2), () => '*a_ ') },
  { name: 'limit-emphasis-many', path: GUIDE, note: 'paragraphs of 200 * and _ each, at the inline budgets', text: () => repeatGuide(inlineUnits(200), () => `${'*a_ '.repeat(100)}\n\n`) },
  { name: 'limit-brackets', path: GUIDE, note: 'one paragraph of unmatched ] at the inline budget', text: () => repeatGuide(Math.floor(Math.sqrt(0.98 * MARKDOWN_LIMITS.inlineWork)), () => 'a] ') },
  {
    name: 'limit-container-lines',
    path: GUIDE,
    note: 'every line block quotes deep, up to the container budget',
    text: () => {
      const depth = Math.ceil(MARKDOWN_LIMITS.containerLines / (MARKDOWN_LIMITS.lines - 20));
      return repeatGuide(Math.floor(MARKDOWN_LIMITS.containerLines / depth), () => `${'> '.repeat(depth)}a\n`);
    },
  },
  { name: 'limit-nesting', path: GUIDE, note: `one line ${MARKDOWN_LIMITS.nesting} block quotes deep`, text: () => repeatGuide(1, () => `${'> '.repeat(MARKDOWN_LIMITS.nesting)}a\n`) },
  { name: 'limit-combined', path: GUIDE, note: 'a table, busy paragraphs, lists, headings and short paragraphs, each near its budget', text: combinedAtLimits },
  {
    name: 'limit-yaml-nodes',
    path: 'glossary.yaml',
    note: `a glossary of ${count(Math.floor(YAML_LIMITS.nodes / 5) - 1)} terms`,
    text: () => Array.from({ length: Math.floor(YAML_LIMITS.nodes / 5) - 1 }, (_, i) => `- term: t${i}\n  definition: d\n`).join(''),
  },
];

/**
 * A real guide of 5,000 words and more: the sample guide's body (after its `# title`) four times
 * over, each copy's headings told apart. It must pass untouched.
 */
export function realGuide(sample: string): string {
  const title = sample.indexOf('\n# ');
  const bodyStart = sample.indexOf('\n', title + 1) + 1;
  const body = sample.slice(bodyStart);
  const copies = [2, 3, 4].map((n) => body.replace(/^(#{2,} .*)$/gm, `$1 (part ${n})`));
  return [sample, ...copies].join('\n');
}
