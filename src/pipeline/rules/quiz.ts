import { report } from '../../diagnostics/report.js';
import type { GuideDoc } from '../../content/model.js';
import { closest } from '../../content/validate-yaml.js';
import type { ParsedYaml } from '../../content/yaml.js';
import { yamlPlace, type Rule } from './context.js';

// "All of the above" and friends: an item-writing flaw that also breaks option shuffling.
export const ALL_NONE = /\b(?:all|none|both|neither)\s+of\s+(?:the\s+)?(?:above|these|them|those)\b/i;

function checkQuiz(guide: GuideDoc, parsed: ParsedYaml): void {
  const quiz = guide.quiz?.quiz;
  const file = guide.quiz?.file;
  if (!quiz || !file) return;
  const seen = new Set<string>();
  const slugs = guide.anchors.map((h) => h.slug);

  quiz.questions.forEach((question, q) => {
    const at = (...rest: PropertyKey[]) => yamlPlace(parsed, ['questions', q, ...rest]);
    if (seen.has(question.id)) report(file, 'quiz-duplicate-id', `Question id "${question.id}" is used twice; ids must be unique in a quiz`, at('id'));
    seen.add(question.id);

    const options = question.options ?? [];
    const optionIds = new Set<string>();
    options.forEach((option, o) => {
      if (optionIds.has(option.id)) report(file, 'quiz-duplicate-option-id', `Option id "${option.id}" is used twice in question "${question.id}"`, at('options', o, 'id'));
      optionIds.add(option.id);
      if (ALL_NONE.test(option.text)) {
        report(file, 'quiz-all-none-option', `"${option.text}" is an item-writing flaw (it rewards test-taking tricks and cannot be shuffled): write a real option`, at('options', o, 'text'));
      }
    });

    const answer = question.answer;
    if (question.type === 'true-false') {
      if (typeof answer !== 'boolean') report(file, 'quiz-true-false', 'A true-false question has `answer: true` or `answer: false`', at('answer'));
      if (question.options !== undefined) report(file, 'quiz-true-false', 'A true-false question has no `options`: True and False are added for you', at('options'));
      return;
    }

    if (options.length < 2) {
      report(file, 'quiz-options-missing', `A ${question.type} question needs at least two options`, question.options ? at('options') : at('type'));
    }
    if (typeof answer === 'boolean') {
      report(file, 'quiz-answer-count', `A ${question.type} question's answer is ${question.type === 'single' ? 'one option id' : 'a list of option ids'}, not ${answer}`, at('answer'));
      return;
    }
    const answers = Array.isArray(answer) ? answer : [answer];
    if (question.type === 'single' && answers.length !== 1) {
      report(file, 'quiz-answer-count', `A single-answer question has exactly one answer (found ${answers.length}); use \`type: multiple\` for several`, at('answer'));
    }
    if (question.type === 'multiple' && answers.length === 0) {
      report(file, 'quiz-answer-count', 'A multiple-answer question needs at least one answer', at('answer'));
    }
    answers.forEach((id, a) => {
      if (optionIds.has(id)) return;
      const where = Array.isArray(answer) ? at('answer', a) : at('answer');
      const suggestion = closest(id, [...optionIds]);
      report(file, 'quiz-answer-unknown', `Answer "${id}" is not an option of question "${question.id}"${suggestion ? ` (options: ${[...optionIds].join(', ')})` : ''}`, where);
    });
  });

  quiz.questions.forEach((question, q) => {
    if (question.section === undefined || !guide.tree) return;
    if (slugs.includes(question.section)) return;
    const suggestion = closest(question.section, slugs);
    report(
      file,
      'quiz-section-unknown',
      `Section "${question.section}" is not a heading of ${guide.slug}${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
      yamlPlace(parsed, ['questions', q, 'section']),
    );
  });
}

/** quiz-duplicate-id, quiz-duplicate-option-id, quiz-answer-*, quiz-true-false, quiz-section-unknown, quiz-all-none-option. */
export const quizRules: Rule = ({ content }) => {
  for (const guide of content.guides) {
    if (guide.quiz?.parsed) checkQuiz(guide, guide.quiz.parsed);
  }
};
