/**
 * Generate a corpus of guides for the benchmark: N guides shaped like the sample (same length,
 * quiz, glossary), each with its own title, an image and an exercise figure, so a build has the
 * work a real library of N guides would.
 *
 *   npx tsx scripts/corpus.ts <out-dir> [count=200]
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE = path.join(ROOT, 'content');
const SLUG = 'iliopsoas-pain-running';

export function generateCorpus(out: string, count: number, options: { paper?: string[] } = {}): string[] {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, 'guides'), { recursive: true });
  const config = readFileSync(path.join(SAMPLE, 'careprint.yaml'), 'utf8').replace(/^paper:.*$/m, `paper: [${(options.paper ?? ['a4', 'letter']).join(', ')}]`);
  writeFileSync(path.join(out, 'careprint.yaml'), config);
  cpSync(path.join(SAMPLE, 'glossary.yaml'), path.join(out, 'glossary.yaml'));
  const guide = readFileSync(path.join(SAMPLE, 'guides', SLUG, 'guide.md'), 'utf8');
  const quiz = readFileSync(path.join(SAMPLE, 'guides', SLUG, 'quiz.yaml'), 'utf8');
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
    const text = guide
      .replace('title: Iliopsoas pain while running', `title: Iliopsoas pain while running, part ${i}`)
      .replace('# Iliopsoas pain while running', `# Iliopsoas pain while running, part ${i}`)
      .replace(':::exercise{title="Standing knee lift"}', ':::exercise{title="Standing knee lift" image="images/exercise.svg" alt="A person lifting one knee beside a wall"}')
      .replace('## What it feels like', `![A diagram of the hip, figure ${i}](images/diagram.png)\n\n## What it feels like`);
    writeFileSync(path.join(dir, 'guide.md'), text);
    writeFileSync(path.join(dir, 'quiz.yaml'), quiz);
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
