/**
 * Generate a corpus of guides for the benchmark: N guides shaped like the sample (same length,
 * quiz, glossary), each with its own title, an image and an exercise figure, so a build has the
 * work a real library of N guides would. Like a real library's, the guides differ in shape, not
 * only in title: each keeps a different number of the sample's references (up to four fewer) and quiz
 * questions (7 to 10), and each question drops one wrong option or not (a pattern of its own per
 * guide), so no build can count on every guide composing to the same Markdown.
 *
 *   npx tsx scripts/corpus.ts <out-dir> [count=200]
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE = path.join(ROOT, 'content');
const SLUG = 'iliopsoas-pain-running';

/** A fixed pseudo-random bit for guide `i`, question `q` (the same corpus every run). */
const bit = (i: number, q: number) => ((Math.imul(i + 1, 2654435761) ^ Math.imul(q + 1, 40503)) >>> (q % 16)) & 1;

interface QuizQuestion {
  options?: Array<{ id: string }>;
  answer: unknown;
}

/** Guide `i`'s quiz: the first 7 to 10 questions; some drop a wrong option (never below two). */
function quizFor(sample: { questions: QuizQuestion[] }, i: number): string {
  const questions = sample.questions.slice(0, sample.questions.length - (i % 4)).map((question, q) => {
    const answers = new Set([question.answer].flat().map(String));
    const wrong = question.options?.filter((option) => !answers.has(option.id)) ?? [];
    if (!question.options || question.options.length <= 2 || wrong.length === 0 || !bit(i, q)) return question;
    const dropped = wrong[wrong.length - 1]!;
    return { ...question, options: question.options.filter((option) => option !== dropped) };
  });
  return stringify({ ...sample, questions });
}

/** Guide `i`'s front matter keeps the sample's references but up to four of the last (at least three). */
function withReferences(guide: string, i: number): string {
  const start = guide.indexOf('\nreferences:\n');
  // The list ends at the next top-level key or the front matter's end.
  const next = /\n(?=\S)/g;
  next.lastIndex = start + '\nreferences:\n'.length;
  const end = start < 0 ? -1 : (next.exec(guide)?.index ?? -1);
  if (start < 0 || end < 0) throw new Error('corpus: the sample guide has no references list to vary');
  const entries = guide.slice(start + '\nreferences:\n'.length, end).split(/\n(?=  - )/);
  const kept = entries.slice(0, Math.max(3, entries.length - (i % 5)));
  return `${guide.slice(0, start)}\nreferences:\n${kept.join('\n')}${guide.slice(end)}`;
}

export function generateCorpus(out: string, count: number, options: { paper?: string[] } = {}): string[] {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, 'guides'), { recursive: true });
  const config = readFileSync(path.join(SAMPLE, 'careprint.yaml'), 'utf8').replace(/^paper:.*$/m, `paper: [${(options.paper ?? ['a4', 'letter']).join(', ')}]`);
  writeFileSync(path.join(out, 'careprint.yaml'), config);
  cpSync(path.join(SAMPLE, 'glossary.yaml'), path.join(out, 'glossary.yaml'));
  const guide = readFileSync(path.join(SAMPLE, 'guides', SLUG, 'guide.md'), 'utf8');
  const quiz = parse(readFileSync(path.join(SAMPLE, 'guides', SLUG, 'quiz.yaml'), 'utf8')) as { questions: QuizQuestion[] };
  const png = readFileSync(path.join(ROOT, 'tests/fixtures/render/images/checks.png'));
  const svg = readFileSync(path.join(ROOT, 'tests/fixtures/render/images/knee-lift.svg'));
  const slugs: string[] = [];
  for (let i = 1; i <= count; i++) {
    const slug = `guide-${String(i).padStart(4, '0')}`;
    slugs.push(slug);
    const dir = path.join(out, 'guides', slug);
    mkdirSync(path.join(dir, 'images'), { recursive: true });
    writeFileSync(path.join(dir, 'images', 'diagram.png'), png);
    writeFileSync(path.join(dir, 'images', 'exercise.svg'), svg);
    const text = withReferences(guide, i)
      .replace('title: Iliopsoas pain while running', `title: Iliopsoas pain while running, part ${i}`)
      .replace('# Iliopsoas pain while running', `# Iliopsoas pain while running, part ${i}`)
      .replace(':::exercise{title="Standing knee lift"}', ':::exercise{title="Standing knee lift" image="images/exercise.svg" alt="A person lifting one knee beside a wall"}')
      .replace('## What it feels like', `![A diagram of the hip, figure ${i}](images/diagram.png)\n\n## What it feels like`);
    writeFileSync(path.join(dir, 'guide.md'), text);
    writeFileSync(path.join(dir, 'quiz.yaml'), quizFor(quiz, i));
  }
  return slugs;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: npx tsx scripts/corpus.ts <out-dir> [count]');
  const count = Number(process.argv[3] ?? 200);
  generateCorpus(path.resolve(out), count);
  process.stdout.write(`${count} guides written to ${out}\n`);
}
