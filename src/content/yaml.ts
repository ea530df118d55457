import type { VFile } from 'vfile';
import {
  Alias,
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Parser,
  visit,
  type Node as YamlNode,
  type Pair,
} from 'yaml';
import { report, type Place } from '../diagnostics/report.js';

/**
 * A YAML text and where it sits in its file: a whole `.yaml` file, or the front matter of a
 * guide (which starts on a later line). Every position reported from it is shifted to the file.
 */
export interface YamlRegion {
  readonly file: VFile;
  readonly text: string;
  /** File line of the region's first line (1-based). */
  readonly firstLine: number;
  /** File offset of the region's first character. */
  readonly offset: number;
  readonly lineCounter: LineCounter;
}

export interface ParsedYaml {
  readonly region: YamlRegion;
  readonly doc: Document.Parsed;
  /** The plain JavaScript value, or undefined when parsing failed (errors are on the file). */
  readonly value: unknown;
}

/** The alias expansion budget: the `yaml` default, which stops billion-laughs documents early. */
const MAX_ALIAS_COUNT = 100;

export function placeOf(region: YamlRegion, start: number, end?: number): Place {
  const point = (offset: number) => {
    const { line, col } = region.lineCounter.linePos(offset);
    return { line: region.firstLine + line - 1, column: col, offset: region.offset + offset };
  };
  return { start: point(start), end: end !== undefined && end > start ? point(end) : undefined };
}

export function placeOfNode(region: YamlRegion, node: YamlNode | null | undefined): Place {
  const range = node?.range;
  if (!range) return placeOf(region, 0);
  return placeOf(region, range[0], range[1]);
}

/** Where a `%YAML` directive sits, read from the parser's own tokens (never a regex). */
function directiveOffset(text: string): number | undefined {
  // Tokenising costs as much as parsing: only do it when a directive could be there at all.
  if (!text.includes('%YAML')) return undefined;
  for (const token of new Parser().parse(text)) {
    if (token.type === 'directive' && token.source.startsWith('%YAML')) return token.offset;
  }
  return undefined;
}

function firstAlias(doc: Document.Parsed, matches: (alias: Alias) => boolean = () => true): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (!matches(node)) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Parse YAML with positions. `parseDocument` never throws; its errors and warnings become
 * diagnostics at their exact offsets. The core schema is pinned so `yes` stays a string and a
 * date stays text we validate ourselves.
 */
export function parseYaml(file: VFile, text: string, firstLine: number, offset: number): ParsedYaml {
  const lineCounter = new LineCounter();
  const region: YamlRegion = { file, text, firstLine, offset, lineCounter };
  const doc = parseDocument(text, { lineCounter, schema: 'core', uniqueKeys: true, prettyErrors: false, strict: true });
  let ok = true;

  const directive = directiveOffset(text);
  if (directive !== undefined) {
    report(file, 'yaml-directive', 'Remove the `%YAML` directive: careprint reads YAML 1.2 with the core schema only', placeOf(region, directive));
    ok = false;
  }
  // After the first syntax error the parser's further errors are mostly its cascade (one tab
  // can yield twenty): report the first, plus every duplicate key (those are independent).
  const firstSyntax = doc.errors.find((error) => error.code !== 'DUPLICATE_KEY');
  for (const error of doc.errors.filter((e) => e.code === 'DUPLICATE_KEY' || e === firstSyntax)) {
    const rule = error.code === 'DUPLICATE_KEY' ? 'yaml-duplicate-key' : 'yaml-syntax';
    const reason =
      error.code === 'DUPLICATE_KEY'
        ? `Duplicate key: ${duplicateKeyName(doc, error.pos[0]) ?? 'a key'} appears twice in this mapping`
        : error.code === 'MULTIPLE_DOCS'
          ? 'A YAML file holds one document: remove the extra `---` line'
          : cleanYamlMessage(error.message);
    report(file, rule, reason, placeOf(region, error.pos[0], error.pos[1]));
    ok = false;
  }
  // What the YAML library only warns about (an unknown `!tag`) still means the file does not say
  // what its editor meant: an error, at the catalogue's severity for yaml-syntax.
  for (const warning of doc.warnings) {
    report(file, 'yaml-syntax', cleanYamlMessage(warning.message), placeOf(region, warning.pos[0], warning.pos[1]));
  }
  if (!ok) return { region, doc, value: undefined };

  try {
    const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { region, doc, value };
  } catch (error) {
    if (error instanceof ReferenceError && /unresolved alias/i.test(error.message)) {
      const unresolved = firstAlias(doc, (alias) => alias.resolve(doc) === undefined);
      report(file, 'yaml-syntax', `Alias *${unresolved?.source ?? ''} names no anchor set before it`, placeOfNode(region, unresolved));
    } else if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      report(
        file,
        'yaml-alias-limit',
        `YAML aliases expand past the limit of ${MAX_ALIAS_COUNT} (an alias bomb?): write the values out instead`,
        placeOfNode(region, firstAlias(doc)),
      );
    } else {
      report(file, 'yaml-syntax', error instanceof Error ? error.message : String(error), placeOf(region, 0));
    }
    return { region, doc, value: undefined };
  }
}

function cleanYamlMessage(message: string): string {
  // yaml appends "at line L, column C" even with prettyErrors off in some paths; our place says it.
  return message.replace(/\s+at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

function duplicateKeyName(doc: Document.Parsed, offset: number): string | undefined {
  let name: string | undefined;
  visit(doc, {
    Pair(_key, pair) {
      const key = pair.key;
      if (isScalar(key) && key.range && key.range[0] <= offset && offset <= key.range[1]) {
        name = `"${String(key.value)}"`;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return name;
}

/**
 * Find the YAML node at a schema path (the path of a zod issue). Returns the deepest node that
 * exists, the pair whose key named it, and whether the whole path was found.
 */
export interface NodeLookup {
  node: YamlNode | null;
  pair: Pair | undefined;
  complete: boolean;
}

export function nodeAtPath(doc: Document.Parsed, path: readonly PropertyKey[]): NodeLookup {
  let node: YamlNode | null = doc.contents;
  let pair: Pair | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc) ?? node;
    if (isMap(node)) {
      const found = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!found) return { node, pair, complete: false };
      pair = found as Pair;
      node = (found.value as YamlNode | null) ?? (found.key as YamlNode);
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment] as YamlNode;
      pair = undefined;
    } else {
      return { node, pair, complete: false };
    }
  }
  return { node, pair, complete: true };
}

/** Each key of a mapping node with its scalar key node, for unknown-key checks. */
export function mappingKeys(node: YamlNode | null): Array<{ name: string; key: YamlNode }> {
  if (!isMap(node)) return [];
  return node.items.flatMap((item) => (isScalar(item.key) ? [{ name: String(item.key.value), key: item.key as YamlNode }] : []));
}

export function isYamlMap(node: unknown): boolean {
  return isMap(node);
}

export { isMap, isSeq, isScalar, Document };
