import type { Quiz } from '../content/schemas.js';
import { correctIds, questionOptions } from './options.js';

/**
 * Moodle GIFT. Text is escaped for GIFT's special characters (~ = # { } : and the backslash
 * itself) and line breaks become spaces (a GIFT question is read as one paragraph). Text that
 * starts with "[" gets an explicit [moodle] format marker first, so it can never be taken for one.
 */
export function escapeGift(text: string): string {
  const escaped = text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim()
    .replace(/[\\~=#{}:]/g, '\\$&');
  return escaped.startsWith('[') ? `[moodle]${escaped}` : escaped;
}

/**
 * Weights (percent) that share `total` between `count` answers, to Moodle's five decimals,
 * adding to exactly `total` (the last takes the rounding remainder).
 */
export function shares(total: number, count: number): number[] {
  if (count <= 0) return [];
  const unit = Math.trunc((total / count) * 100000) / 100000;
  const weights = new Array<number>(count).fill(unit);
  weights[count - 1] = Math.round((total - unit * (count - 1)) * 100000) / 100000;
  return weights;
}

const percent = (weight: number) => `%${Number(weight.toFixed(5))}%`;

/** A quiz as a GIFT file: single → =/~, multiple → weighted ~%w%, true-false → {TRUE}/{FALSE}. */
export function toGift(quiz: Quiz, meta: { slug: string; lang: string; title: string }): string {
  const lines = [`// ${meta.title.replace(/\s+/g, ' ')}: ${quiz.title.replace(/\s+/g, ' ')} (careprint, ${meta.slug}, ${meta.lang})`, `$CATEGORY: careprint/${meta.slug}/${meta.lang}`, ''];
  for (const question of quiz.questions) {
    const head = `::${escapeGift(question.id)}::${escapeGift(question.prompt)}`;
    const feedback = question.explanation ? `####${escapeGift(question.explanation)}` : '';
    if (question.type === 'true-false') {
      lines.push(`${head} {${question.answer === true ? 'TRUE' : 'FALSE'}${feedback}}`, '');
      continue;
    }
    const correct = new Set(correctIds(question));
    const options = questionOptions(question);
    lines.push(`${head} {`);
    if (question.type === 'single') {
      for (const option of options) lines.push(`${correct.has(option.id) ? '=' : '~'}${escapeGift(option.text)}`);
    } else {
      const right = shares(100, options.filter((o) => correct.has(o.id)).length);
      const wrong = shares(-100, options.filter((o) => !correct.has(o.id)).length);
      for (const option of options) lines.push(`~${percent(correct.has(option.id) ? right.shift()! : wrong.shift()!)}${escapeGift(option.text)}`);
    }
    if (feedback) lines.push(feedback);
    lines.push('}', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
