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
