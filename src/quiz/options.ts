import type { Question } from '../content/schemas.js';

/** The instruction printed under each question, by type. */
export const INSTRUCTIONS: Record<Question['type'], string> = {
  single: 'Tick one answer.',
  multiple: 'Tick all that apply.',
  'true-false': 'Tick True or False.',
};

/** A question's options; true-false questions get True and False, in that order. */
export function questionOptions(question: Question): Array<{ id: string; text: string }> {
  return question.type === 'true-false'
    ? [
        { id: 'true', text: 'True' },
        { id: 'false', text: 'False' },
      ]
    : (question.options ?? []);
}

/** The ids of the correct options ("true"/"false" for a true-false question). */
export function correctIds(question: Question): string[] {
  if (typeof question.answer === 'boolean') return [String(question.answer)];
  return Array.isArray(question.answer) ? question.answer : [question.answer];
}

/**
 * What every rendering of a question shows besides its options: the instruction, the correct
 * answers as text, the explanation, and the guide section it tests (title and link).
 */
export function questionFacts(
  question: Question,
  options: ReadonlyArray<{ id: string; text: string }>,
  correct: readonly string[],
  headings: ReadonlyArray<{ slug: string; text: string }>,
  guideHref: string,
) {
  const heading = headings.find((h) => h.slug === question.section);
  const right = new Set(correct);
  return {
    prompt: question.prompt,
    instruction: INSTRUCTIONS[question.type],
    answerText: options
      .filter((o) => right.has(o.id))
      .map((o) => o.text)
      .join('; '),
    explanation: question.explanation ?? null,
    sectionTitle: heading?.text ?? null,
    sectionHref: heading ? `${guideHref}#${heading.slug}` : null,
    sectionSlug: heading?.slug ?? null,
  };
}
