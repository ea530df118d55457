import type { Rule } from './context.js';
import { configFiles } from './config-files.js';
import { directives } from './directives.js';
import { glossaryRules } from './glossary.js';
import { glyphs } from './glyphs.js';
import { links } from './links.js';
import { markup } from './markup.js';
import { quizRules } from './quiz.js';
import { reviewDates } from './review-dates.js';

/** Every rule that runs over a loaded model (load-time rules live with the loaders). */
export const RULES: readonly Rule[] = [reviewDates, quizRules, glossaryRules, configFiles, directives, links, markup, glyphs];

export type { Rule, RuleContext } from './context.js';
