import type { Nodes } from 'mdast';
import { visit } from 'unist-util-visit';
import { location } from 'vfile-location';
import type { VFile } from 'vfile';
import { isScalar, visit as visitYaml } from 'yaml';
import { isPrintable } from '../../fonts/index.js';
import { placeOf, type ParsedYaml } from '../../content/yaml.js';
import { report, type Place } from '../../diagnostics/report.js';
import type { Rule } from './context.js';

/** Past this many, one file's further glyph errors are summarised rather than listed. */
const MAX_PER_FILE = 50;

type Primary = 'text' | 'mono';

function printable(cache: Map<string, boolean>, codePoint: number, primary: Primary): boolean {
  const key = `${primary}:${codePoint}`;
  let ok = cache.get(key);
  if (ok === undefined) {
    ok = isPrintable(codePoint, primary);
    cache.set(key, ok);
  }
  return ok;
}

const describe = (char: string) => {
  const hex = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `Character "${char}" (U+${hex}) has no glyph in the embedded fonts and would print as a blank box: write it another way`;
};

/**
 * Each unprintable character of `value`, with its offset in `source`. The value may differ from
 * its source (escapes, entities), so characters are matched in order; one that cannot be found
 * in the source (an entity like `&#x2192;`) is placed at the start of its node.
 */
function missingCharacters(value: string, source: string, cache: Map<string, boolean>, primary: Primary): Array<{ char: string; offset: number }> {
  const found: Array<{ char: string; offset: number }> = [];
  let cursor = 0;
  for (const char of value) {
    const at = source.indexOf(char, cursor);
    if (at >= 0) cursor = at + char.length;
    if (!printable(cache, char.codePointAt(0)!, primary)) found.push({ char, offset: at >= 0 ? at : 0 });
  }
  return found;
}

class FileBudget {
  private count = 0;
  constructor(private readonly file: VFile) {}
  add(char: string, place: Place): void {
    this.count += 1;
    if (this.count <= MAX_PER_FILE) report(this.file, 'glyph-missing', describe(char), place);
    else if (this.count === MAX_PER_FILE + 1) report(this.file, 'glyph-missing', `More characters without glyphs follow; only the first ${MAX_PER_FILE} are listed`, place);
  }
}

function checkYaml(parsed: ParsedYaml, cache: Map<string, boolean>): void {
  const budget = new FileBudget(parsed.region.file);
  visitYaml(parsed.doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return;
      const [start, end] = node.range;
      for (const { char, offset } of missingCharacters(node.value, parsed.region.text.slice(start, end), cache, 'text')) {
        budget.add(char, placeOf(parsed.region, start + offset));
      }
    },
  });
}

export function checkMarkdown(file: VFile, tree: Nodes, cache: Map<string, boolean> = new Map()): void {
  const text = String(file.value);
  const points = location(file);
  const budget = new FileBudget(file);
  const check = (value: string, node: Nodes, primary: Primary) => {
    const start = node.position?.start.offset ?? 0;
    const end = node.position?.end.offset ?? start;
    for (const { char, offset } of missingCharacters(value, text.slice(start, end), cache, primary)) {
      const point = points.toPoint(start + offset);
      budget.add(char, { start: point ?? { line: 1, column: 1 } });
    }
  };
  visit(tree, (node) => {
    switch (node.type) {
      case 'text':
        check(node.value, node, 'text');
        break;
      case 'inlineCode':
      case 'code':
        check(node.value, node, 'mono');
        break;
      case 'image':
        check(node.alt ?? '', node, 'text');
        break;
      case 'containerDirective':
      case 'leafDirective':
      case 'textDirective':
        for (const value of Object.values(node.attributes ?? {})) if (value) check(value, node, 'text');
        break;
      default:
    }
  });
}

/** glyph-missing: every character that can reach a PDF must have a glyph in the embedded fonts. */
export const glyphs: Rule = ({ content }) => {
  const cache = new Map<string, boolean>();
  if (content.configDoc?.parsed?.value !== undefined) checkYaml(content.configDoc.parsed, cache);
  for (const glossary of content.glossaries) if (glossary.parsed?.value !== undefined) checkYaml(glossary.parsed, cache);
  for (const guide of content.guides) {
    if (guide.frontMatter?.value !== undefined) checkYaml(guide.frontMatter, cache);
    if (guide.tree) checkMarkdown(guide.file, guide.tree, cache);
    if (guide.quiz?.parsed?.value !== undefined) checkYaml(guide.quiz.parsed, cache);
  }
};
