import { createHash } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { correctIds, questionOptions } from './options.js';
import type { Question, Quiz } from '../content/schemas.js';
import { ALL_NONE } from '../pipeline/rules/quiz.js';

export interface QuizOption {
  id: string;
  text: string;
}

/** One question as one version prints it: its options in that version's order. */
export interface VersionQuestion {
  question: Question;
  options: QuizOption[];
  /** Correct option ids (true/false for true-false questions). */
  correct: string[];
}

export interface QuizVersion {
  /** "A", "B", …; undefined when only one version is made (it keeps the written order). */
  label: string | undefined;
  questions: VersionQuestion[];
}

export const versionLabel = (index: number) => String.fromCharCode(65 + index);

/** A 32-bit seed from any text, so `seed: iliopsoas` and `seed: 42` both work, stably. */
export function seedFrom(value: string | number): number {
  return createHash('sha256').update(String(value)).digest().readInt32LE(0);
}

type Rng = ReturnType<typeof xoroshiro128plus>;

/** Fisher–Yates with a seeded generator: the same seed gives the same order, on any machine. */
function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Shuffle options, except those that must keep their place: "all/none of the above" stays last
 * (it refers to the options above it), and True/False never reorders.
 */
function orderOptions(question: Question, rng: Rng): QuizOption[] {
  const options = questionOptions(question);
  if (question.type === 'true-false') return options;
  const pinned = options.filter((o) => ALL_NONE.test(o.text));
  const free = options.filter((o) => !ALL_NONE.test(o.text));
  return [...shuffle(free, rng), ...pinned];
}

/**
 * The versions of a quiz to print. One version keeps the order the editor wrote; with several,
 * each (A, B, …) has its questions and options shuffled by a generator seeded from the seed and
 * the version's label, so every version is reproducible on its own.
 */
export function quizVersions(quiz: Quiz, count: number, seed: string | number): QuizVersion[] {
  if (count <= 1) {
    return [{ label: undefined, questions: quiz.questions.map((question) => ({ question, options: questionOptions(question), correct: correctIds(question) })) }];
  }
  return Array.from({ length: count }, (_, index) => {
    const label = versionLabel(index);
    const rng = xoroshiro128plus(seedFrom(`${seed}:${label}`));
    const questions = shuffle(quiz.questions, rng).map((question) => ({ question, options: orderOptions(question, rng), correct: correctIds(question) }));
    return { label, questions };
  });
}
