/**
 * Quizzes as their users get them: the printed sheet and key read back with pdf.js, shuffled
 * versions, and the Moodle GIFT export read back by a real GIFT parser (gift-pegjs).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseGift } from 'gift-pegjs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { quizSchema, type Quiz } from '../src/content/schemas.js';
import { toGift } from '../src/quiz/gift.js';
import { correctIds, questionOptions } from '../src/quiz/options.js';
import { readPdf, structureNodes, type ReadPdf } from './helpers/pdf-read.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BASE = path.join(ROOT, 'tests/fixtures/base');
const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-quiz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const loadQuiz = (file: string): Quiz => quizSchema.parse(parseYaml(readFileSync(file, 'utf8')));
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The GIFT file, parsed by gift-pegjs, must hold the same questions, options and answers. */
function expectGiftMatches(quiz: Quiz, gift: string): void {
  const parsed = parseGift(gift).filter((q) => q.type !== 'Category');
  expect(parsed).toHaveLength(quiz.questions.length);
  quiz.questions.forEach((question, i) => {
    const got = parsed[i]! as unknown as {
      type: string;
      title: string;
      stem: { text: string };
      isTrue?: boolean;
      globalFeedback: { text: string } | null;
      choices?: Array<{ isCorrect: boolean; weight: number | null; text: { text: string } }>;
    };
    expect(got.title).toBe(question.id);
    expect(got.stem.text).toBe(question.prompt);
    expect(got.globalFeedback?.text ?? null).toBe(question.explanation ?? null);
    if (question.type === 'true-false') {
      expect(got.type).toBe('TF');
      expect(got.isTrue).toBe(question.answer);
      return;
    }
    expect(got.type).toBe('MC');
    const options = questionOptions(question);
    expect(got.choices!.map((c) => c.text.text)).toEqual(options.map((o) => o.text));
    const correct = new Set(correctIds(question));
    if (question.type === 'single') {
      expect(got.choices!.map((c) => c.isCorrect)).toEqual(options.map((o) => correct.has(o.id)));
    } else {
      const weights = got.choices!.map((c) => c.weight!);
      expect(weights.map((w) => w > 0)).toEqual(options.map((o) => correct.has(o.id)));
      expect(weights.filter((w) => w > 0).reduce((a, b) => a + b, 0)).toBeCloseTo(100, 5);
      expect(weights.filter((w) => w < 0).reduce((a, b) => a + b, 0)).toBeCloseTo(-100, 5);
    }
  });
}

describe('Moodle GIFT export', () => {
  it('of the sample quiz parses into the same questions, options and correct answers', async () => {
    const out = path.join(work, 'sample-dist');
    const result = await build(path.join(ROOT, 'content'), { out, cwd: ROOT, today: '2026-11-27' });
    expect(result.ok).toBe(true);
    const gift = readFileSync(path.join(out, 'quiz/iliopsoas-pain-running.en.gift.txt'), 'utf8');
    expectGiftMatches(loadQuiz(path.join(ROOT, 'content/guides/iliopsoas-pain-running/quiz.yaml')), gift);
  });

  it("escapes every one of GIFT's special characters", () => {
    const quiz = loadQuiz(path.join(ROOT, 'tests/fixtures/quiz/gift-special.yaml'));
    const gift = toGift(quiz, { slug: 'special', lang: 'en', title: 'Special: {all} of #them' });
    expectGiftMatches(quiz, gift);
  });
});

describe('printed quiz sheets, keys and versions', () => {
  let out: string;
  let quiz: Quiz;
  const pdf = (name: string) => readPdf(readFileSync(path.join(out, 'pdf', `sample-guide.en.${name}.pdf`)));

  beforeAll(async () => {
    const content = path.join(work, 'content');
    cpSync(BASE, content, { recursive: true });
    // One more single question whose last option must stay last when shuffled.
    const quizFile = path.join(content, 'guides/sample-guide/quiz.yaml');
    writeFileSync(
      quizFile,
      `${readFileSync(quizFile, 'utf8')}  - id: q-pinned
    type: single
    prompt: Which of these is pinned?
    options:
      - { id: a, text: Apples }
      - { id: b, text: Bananas }
      - { id: c, text: Cherries }
      - { id: d, text: Dates }
      - { id: e, text: All of the above }
    answer: e
  - id: q-order
    type: single
    prompt: A question to shuffle
    options:
      - { id: a, text: North }
      - { id: b, text: East }
      - { id: c, text: South }
      - { id: d, text: West }
    answer: b
`,
    );
    quiz = loadQuiz(quizFile);
    out = path.join(work, 'dist');
    const result = await build(content, { out, cwd: work, today: '2026-11-27', quizVersions: 2, quizSeed: 'seed-1' });
    expect(result.ok).toBe(true);
  });

  it('prints every question, option and answer box, with instructions per type', async () => {
    for (const label of ['A', 'B']) {
      const sheet = await pdf(`quiz-${label}.a4`);
      for (const question of quiz.questions) {
        expect(sheet.contentText).toContain(collapse(question.prompt));
        for (const option of questionOptions(question)) expect(sheet.contentText).toContain(option.text);
      }
      for (const instruction of ['Tick one answer.', 'Tick all that apply.', 'Tick True or False.']) expect(sheet.contentText).toContain(instruction);
      expect(sheet.contentText).toMatch(/Name:.*Date:.*Score:/);
      const boxes = structureNodes(sheet).filter((n) => n.role === 'Lbl' && n.alt?.startsWith('Answer box'));
      const expected = (kind: 'round' | 'square') =>
        quiz.questions.filter((q) => (q.type === 'multiple' ? 'square' : 'round') === kind).reduce((n, q) => n + questionOptions(q).length, 0);
      expect(boxes.filter((b) => b.alt === 'Answer box (tick one)')).toHaveLength(expected('round'));
      expect(boxes.filter((b) => b.alt === 'Answer box (tick any)')).toHaveLength(expected('square'));
    }
  });

  it('never splits a question across pages', async () => {
    const sheet = await pdf('quiz-A.a4');
    for (const question of quiz.questions) {
      const pages = sheet.pages.map((p, i) => [i, p.text] as const).filter(([, text]) => text.includes(question.prompt) || questionOptions(question).some((o) => text.includes(o.text) && text.includes(question.prompt)));
      expect(new Set(pages.map(([i]) => i)).size, question.prompt).toBe(1);
    }
  });

  it('shuffles versions A and B differently, over the same questions, keeping pinned options in place', async () => {
    const order = (sheet: ReadPdf) => quiz.questions.map((q) => [q.id, sheet.contentText.indexOf(collapse(q.prompt))] as const).sort((a, b) => a[1] - b[1]).map(([id]) => id);
    const optionOrder = (sheet: ReadPdf, id: string) =>
      questionOptions(quiz.questions.find((q) => q.id === id)!)
        .map((o) => [o.text, sheet.contentText.indexOf(o.text)] as const)
        .sort((a, b) => a[1] - b[1])
        .map(([text]) => text);
    const a = await pdf('quiz-A.a4');
    const b = await pdf('quiz-B.a4');
    expect([...order(a)].sort()).toEqual([...order(b)].sort());
    expect(order(a).join() !== order(b).join() || quiz.questions.some((q) => optionOrder(a, q.id).join() !== optionOrder(b, q.id).join())).toBe(true);
    for (const sheet of [a, b]) {
      expect(optionOrder(sheet, 'q-pinned').at(-1)).toBe('All of the above');
      expect(optionOrder(sheet, 'q-true-false')).toEqual(['True', 'False']);
    }
  });

  it('gives each version its own answer key, matching the YAML in that version\'s order', async () => {
    for (const label of ['A', 'B']) {
      const sheet = await pdf(`quiz-${label}.a4`);
      const key = await pdf(`quiz-key-${label}.a4`);
      const printedOrder = quiz.questions.map((q) => [q, sheet.contentText.indexOf(collapse(q.prompt))] as const).sort((x, y) => x[1] - y[1]).map(([q]) => q);
      let cursor = 0;
      printedOrder.forEach((question, index) => {
        const options = questionOptions(question);
        const correct = new Set(correctIds(question));
        const answer = options.filter((o) => correct.has(o.id)).map((o) => o.text);
        const at = key.contentText.indexOf(`${index + 1}. ${collapse(question.prompt)}`, cursor);
        expect(at, `${label}: question ${index + 1}`).toBeGreaterThanOrEqual(cursor);
        const next = key.contentText.indexOf(`${index + 2}. `, at + 1);
        const block = key.contentText.slice(at, next < 0 ? undefined : next);
        expect(block).toContain(`Answer: ${answer.join('; ')}`);
        cursor = at;
      });
      expect(key.contentText).toMatch(/Tests the section "First section" \(page \d+ of the handout\)/);
    }
  });

  it('makes byte-identical sheets from the same seed, and different ones from another seed', async () => {
    const again = path.join(work, 'dist-again');
    const other = path.join(work, 'dist-other');
    await build(path.join(work, 'content'), { out: again, cwd: work, today: '2026-11-27', quizVersions: 2, quizSeed: 'seed-1' });
    await build(path.join(work, 'content'), { out: other, cwd: work, today: '2026-11-27', quizVersions: 2, quizSeed: 'seed-2' });
    const bytes = (dir: string, name: string) => readFileSync(path.join(dir, 'pdf', `sample-guide.en.${name}.pdf`));
    for (const name of ['quiz-A.a4', 'quiz-B.letter', 'quiz-key-A.a4', 'quiz-large-B.a4']) expect(bytes(again, name).equals(bytes(out, name)), name).toBe(true);
    expect(bytes(other, 'quiz-A.a4').equals(bytes(out, 'quiz-A.a4'))).toBe(false);
  });

  it('prints every question, option and instruction of the large-print sheet at 16 pt or more', async () => {
    const sheet = await pdf('quiz-large-A.a4');
    const texts = new Set(quiz.questions.flatMap((q) => [...questionOptions(q).map((o) => o.text), q.prompt]).concat(['Tick one answer.', 'Tick all that apply.']));
    const items = sheet.pages.flatMap((p) => p.items).filter((i) => !i.artifact && [...texts].some((t) => i.str.trim() && t.includes(i.str.trim())));
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) expect(item.size, item.str).toBeGreaterThanOrEqual(16);
  });
});

describe('answer key page references', () => {
  // The sample guide's sections land on different pages in A4 and Letter: one composed key must
  // still print, for each paper size, the page of that paper's own handout.
  it('give each section the page its heading is on in the handout of the same paper size', async () => {
    const out = path.join(work, 'page-refs');
    const result = await build(path.join(ROOT, 'content'), { out, cwd: work, today: '2026-11-27', cache: false, jobs: 0 });
    expect(result.ok).toBe(true);
    const slug = 'iliopsoas-pain-running';
    const read = (name: string) => readPdf(readFileSync(path.join(out, 'pdf', `${slug}.en.${name}.pdf`)));
    const pagesSeen = new Map<string, string[]>();
    for (const paper of ['a4', 'letter']) {
      const handout = await read(`handout.${paper}`);
      const key = await read(`quiz-key.${paper}`);
      const refs = [...key.contentText.matchAll(/Tests the section "([^"]+)" \(page (\d+) of the handout\)/g)];
      expect(refs.length, paper).toBeGreaterThan(2);
      for (const [, section, page] of refs) {
        // The first page whose own text (not the running header) holds the heading.
        const index = handout.pages.findIndex((p) => p.items.filter((i) => !i.artifact).map((i) => i.str).join(' ').includes(section!));
        expect(Number(page), `${paper}: "${section}"`).toBe(index + 1);
      }
      pagesSeen.set(paper, refs.map(([, , page]) => page!));
    }
    // Otherwise the test could not tell one paper's numbers from the other's.
    expect(pagesSeen.get('a4')).not.toEqual(pagesSeen.get('letter'));
  });
});
