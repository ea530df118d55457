import type { Heading, Root } from 'mdast';
import type { VFile } from 'vfile';
import type { Config } from '../config/schema.js';
import type { FrontMatter, GlossaryEntry, Quiz } from './schemas.js';
import type { ParsedYaml } from './yaml.js';

/** A heading of a guide, with the slug its anchor and `quiz.section` use. */
export interface GuideHeading {
  readonly depth: number;
  readonly text: string;
  readonly slug: string;
  readonly node: Heading;
}

export interface QuizDoc {
  readonly file: VFile;
  readonly parsed: ParsedYaml | undefined;
  /** Set only when the quiz passed its schema. */
  readonly quiz: Quiz | undefined;
}

/** One language of one guide: `guides/<slug>/guide[.<lang>].md` and its quiz. */
export interface GuideDoc {
  readonly slug: string;
  readonly lang: string;
  /** Absolute path of the guide folder. */
  readonly dir: string;
  readonly file: VFile;
  readonly tree: Root | undefined;
  readonly frontMatter: ParsedYaml | undefined;
  /** Set only when the front matter passed its schema. */
  readonly meta: FrontMatter | undefined;
  readonly headings: readonly GuideHeading[];
  /**
   * Every anchor the guide's page and handouts give a heading, with its text: the headings', and
   * the printed title's when the guide has no `#` line of its own (see headingsOf).
   */
  readonly anchors: ReadonlyArray<{ readonly slug: string; readonly text: string }>;
  readonly quiz: QuizDoc | undefined;
}

export interface GlossaryDoc {
  readonly lang: string;
  readonly file: VFile;
  readonly parsed: ParsedYaml | undefined;
  readonly entries: readonly GlossaryEntry[];
}

export interface Content {
  /** Absolute content folder, and its real path (symlinks resolved) for containment checks. */
  readonly root: string;
  readonly rootReal: string;
  readonly config: Config;
  readonly configDoc: { file: VFile; parsed: ParsedYaml | undefined } | undefined;
  readonly glossaries: readonly GlossaryDoc[];
  readonly guides: readonly GuideDoc[];
  /** Every file read, plus a pseudo-file per folder for folder-level diagnostics. */
  readonly files: readonly VFile[];
}
