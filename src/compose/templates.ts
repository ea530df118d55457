import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

import { TEMPLATES_DIR } from './templates-dir.js';

export { TEMPLATES_DIR };

export type MarkdownTemplate = 'handout' | 'guide-page' | 'quiz-sheet' | 'quiz-key' | 'quiz-page' | 'site-index' | 'not-found';

/**
 * The composition environment: an isolated Handlebars instance whose partials are every
 * `templates/partials/*.md.hbs`, so the handout, the quiz sheet and the web page share the title
 * block, review line and disclaimer text. Templates compile with `strict` (a misspelt field
 * throws rather than printing nothing) and without HTML escaping: their output is Markdown, and
 * the data's strings reach them as placeholders, their values going into the parsed tree as
 * text (see values.ts). Prototype access stays off (Handlebars' default since 4.6).
 */
function createEnvironment() {
  const env = Handlebars.create();
  const partialsDir = path.join(TEMPLATES_DIR, 'partials');
  for (const name of readdirSync(partialsDir).sort()) {
    if (!name.endsWith('.md.hbs')) continue;
    env.registerPartial(name.slice(0, -'.md.hbs'.length), readFileSync(path.join(partialsDir, name), 'utf8'));
  }
  const compiled = new Map<MarkdownTemplate, HandlebarsTemplateDelegate>();
  const partials = new Map<string, HandlebarsTemplateDelegate>();
  return {
    renderPartial(name: string, data: object): string {
      let fn = partials.get(name);
      if (!fn) {
        fn = env.compile(`{{> ${name}}}`, { strict: true, noEscape: true });
        partials.set(name, fn);
      }
      return fn(data, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
    },
    render(template: MarkdownTemplate, data: object): string {
      let fn = compiled.get(template);
      if (!fn) {
        fn = env.compile(readFileSync(path.join(TEMPLATES_DIR, `${template}.md.hbs`), 'utf8'), { strict: true, noEscape: true });
        compiled.set(template, fn);
      }
      return fn(data, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
    },
  };
}

let environment: ReturnType<typeof createEnvironment> | undefined;

/** Render a Markdown composition template (compiled once per process). */
export function renderTemplate(template: MarkdownTemplate, data: object): string {
  environment ??= createEnvironment();
  return environment.render(template, data);
}

/** Render one shared partial on its own (e.g. the review line for a PDF footer). */
export function renderPartial(name: 'review-line' | 'disclaimer', data: object): string {
  environment ??= createEnvironment();
  return environment.renderPartial(name, data);
}
