import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { CheckedGuide } from '../../compose/compose.js';
import { TEMPLATES_DIR } from '../../compose/templates-dir.js';
import { questionFacts } from '../../quiz/options.js';
import type { QuizVersion } from '../../quiz/versions.js';

interface FormData {
  questions: Array<{
    number: number;
    type: string;
    inputType: 'radio' | 'checkbox';
    prompt: string;
    instruction: string;
    answer: string;
    answerText: string;
    explanation: string | null;
    sectionTitle: string | null;
    sectionHref: string | null;
    options: Array<{ id: string; text: string }>;
  }>;
}

// An HTML-escaping environment (every value escaped), compiled once per process.
let form: HandlebarsTemplateDelegate<FormData> | undefined;

/**
 * Option ids as input values (what the page's script compares with the answer): letters, digits,
 * hyphens and escapes. Element ids come from question numbers and option positions instead:
 * made from the editors' ids, question "x" with option "y-z" and question "x-y" with option "z"
 * gave two inputs one id, and one label ticked the other question's box.
 */
const safeId = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}`);

/**
 * The web quiz as a real form: a fieldset and legend per question, labelled radio buttons (one
 * answer) or check boxes (several), the answer and explanation in a disclosure that works
 * without JavaScript, and a link to the guide section each question tests.
 */
export function renderQuizForm(guide: CheckedGuide, version: QuizVersion, guideHref: string): string {
  form ??= Handlebars.create().compile<FormData>(readFileSync(path.join(TEMPLATES_DIR, 'quiz-form.html.hbs'), 'utf8'), { strict: true });
  const questions = version.questions.map(({ question, options, correct }, index) => {
    const { sectionSlug: _slug, ...facts } = questionFacts(question, options, correct, guide.anchors, guideHref);
    return {
      number: index + 1,
      type: question.type,
      inputType: question.type === 'multiple' ? ('checkbox' as const) : ('radio' as const),
      answer: correct.map(safeId).join(' '),
      ...facts,
      options: options.map((o) => ({ id: safeId(o.id), text: o.text })),
    };
  });
  return form({ questions }, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
}
