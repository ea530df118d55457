import { report } from '../../diagnostics/report.js';
import { yamlPlace, type Rule } from './context.js';

const DAY_MS = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** review-order, review-overdue, review-due-soon: the review cycle editors and CI rely on. */
export const reviewDates: Rule = ({ content, strict, today }) => {
  const warnDays = content.config.review.warn_days;
  for (const guide of content.guides) {
    if (!guide.meta || !guide.frontMatter) continue;
    const { last_reviewed: last, next_review: next } = guide.meta.review;
    const at = yamlPlace(guide.frontMatter, ['review', 'next_review']);
    if (days(last, next) <= 0) {
      report(guide.file, 'review-order', `\`next_review\` (${next}) must be after \`last_reviewed\` (${last})`, at);
      continue;
    }
    const left = days(today, next);
    if (left < 0) {
      report(guide.file, 'review-overdue', `Review overdue: \`next_review\` was ${next} (${-left} days ago); review the guide and update its dates`, at, {
        severity: strict ? 'error' : 'warning',
      });
    } else if (left <= warnDays) {
      report(guide.file, 'review-due-soon', `Review due in ${left} days (${next}); the warning window is ${warnDays} days`, at);
    }
  }
};
