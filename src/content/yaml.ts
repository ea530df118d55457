import type { VFile } from 'vfile';
import {
  Alias,
  Document,
  isAlias,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Parser,
  visit,
  type Node as YamlNode,
  type Pair,
  type Scalar,
} from 'yaml';
import { report, type Place } from '../diagnostics/report.js';
import { YAML_LIMITS, reportTooComplex, yamlOverrun } from './budget.js';

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
 * One pass over a parsed document (iterative: a deep document must not overflow the stack): the
 * duplicate keys of every mapping, and the first node past YAML_LIMITS. Scalar keys are equal when
 * their values are (`1` and `1.0` are; `1` and `"1"` are not), as the yaml library's own
 * `uniqueKeys` check has them, which compared each key with every earlier key of its mapping:
 * 100,000 keys took minutes.
 */
interface YamlSurvey {
  duplicates: Scalar[];
  /** The first node past the node count or depth limit, and which. */
  over: { node: YamlNode; depth: number | undefined } | undefined;
}

function surveyYaml(doc: Document.Parsed): YamlSurvey {
  const duplicates: Scalar[] = [];
  let nodes = 0;
  const stack: Array<{ node: unknown; depth: number }> = [{ node: doc.contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!isNode(node)) continue;
    nodes += 1;
    if (nodes > YAML_LIMITS.nodes) return { duplicates, over: { node, depth: undefined } };
    if (!isCollection(node)) continue;
    if (depth > YAML_LIMITS.depth) return { duplicates, over: { node, depth } };
    const seen = new Set<unknown>();
    // Pushed in reverse, popped in document order: the first node past a limit is the first in the text.
    for (let i = node.items.length - 1; i >= 0; i--) {
      const item = node.items[i];
      if (isPair(item)) stack.push({ node: item.value, depth: depth + 1 }, { node: item.key, depth: depth + 1 });
      else stack.push({ node: item, depth: depth + 1 });
    }
    if (!isMap(node)) continue;
    for (const pair of node.items) {
      const key = pair.key;
      // NaN is no key's duplicate, not even its own (as in the yaml library's check).
      if (!isScalar(key) || Number.isNaN(key.value)) continue;
      if (seen.has(key.value)) duplicates.push(key);
      else seen.add(key.value);
    }
  }
  return { duplicates, over: undefined };
}

const tooManyNodes = `This YAML holds more than ${YAML_LIMITS.nodes.toLocaleString('en-US')} keys and values; careprint reads up to ${YAML_LIMITS.nodes.toLocaleString('en-US')} in one file: remove entries, or split the file (a glossary per language, a quiz per guide)`;

/** Report a YAML text past its budget. */
function reportYamlOverrun(region: YamlRegion, over: NonNullable<YamlSurvey['over']>): void {
  const where = placeOfNode(region, over.node);
  if (over.depth !== undefined) reportTooComplex(region.file, `YAML nested ${over.depth} levels deep here; careprint reads up to ${YAML_LIMITS.depth} levels: write it flatter`, where);
  else reportTooComplex(region.file, tooManyNodes, where);
}

function lineStarts({ text, lineCounter }: YamlRegion): void {
  lineCounter.addNewLine(0);
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lineCounter.addNewLine(at + 1);
}

/**
 * Parse, or report why the text is over budget: brackets nested too deep or too many scalars
 * (counted before parsing), or too many nodes or levels (after, in one pass).
 */
function composeWithinBudget(region: YamlRegion): { doc: Document.Parsed; survey: YamlSurvey } | undefined {
  const overrun = yamlOverrun(region.text);
  // Unparsed, the text's lines are counted here (the parser counts them as it goes).
  if (overrun) lineStarts(region);
  if (overrun?.past === 'depth') {
    reportTooComplex(region.file, `YAML brackets ([ or {) nested more than ${YAML_LIMITS.depth} levels deep here; careprint reads up to ${YAML_LIMITS.depth} levels: write it flatter`, placeOf(region, overrun.offset));
    return undefined;
  }
  if (overrun?.past === 'nodes') {
    reportTooComplex(region.file, tooManyNodes, placeOf(region, overrun.offset));
    return undefined;
  }
  // uniqueKeys off: see surveyYaml, which finds the same duplicates in one pass.
  const doc = parseDocument(region.text, { lineCounter: region.lineCounter, schema: 'core', uniqueKeys: false, prettyErrors: false, strict: true });
  // The parser turns its own stack overflow (block mappings nested thousands deep) into an error.
  const overflow = doc.errors.find((error) => /call stack/i.test(error.message));
  if (overflow) {
    reportTooComplex(region.file, `YAML nested too deeply to read here; careprint reads up to ${YAML_LIMITS.depth} levels: write it flatter`, placeOf(region, overflow.pos[0]));
    return undefined;
  }
  const survey = surveyYaml(doc);
  if (survey.over) {
    reportYamlOverrun(region, survey.over);
    return undefined;
  }
  return { doc, survey };
}

/**
 * The problems of a parsed document that make its value unusable: a `%YAML` directive, the first
 * syntax error (after it the parser's further errors are mostly its cascade: one tab can yield
 * twenty), and every duplicate key (those are independent), in the order they appear. False when
 * there was any.
 */
function reportYamlErrors(region: YamlRegion, doc: Document.Parsed, duplicates: readonly Scalar[]): boolean {
  const { file, text } = region;
  let ok = true;
  const directive = directiveOffset(text);
  if (directive !== undefined) {
    report(file, 'yaml-directive', 'Remove the `%YAML` directive: careprint reads YAML 1.2 with the core schema only', placeOf(region, directive));
    ok = false;
  }
  const found: Array<{ at: number; end: number; rule: 'yaml-duplicate-key' | 'yaml-syntax'; reason: string }> = [];
  const firstSyntax = doc.errors[0];
  if (firstSyntax) {
    const reason = firstSyntax.code === 'MULTIPLE_DOCS' ? 'A YAML file holds one document: remove the extra `---` line' : cleanYamlMessage(firstSyntax.message);
    found.push({ at: firstSyntax.pos[0], end: firstSyntax.pos[1], rule: 'yaml-syntax', reason });
  }
  for (const key of duplicates) {
    // At the key's first character, as the yaml library placed it.
    const at = key.range?.[0] ?? 0;
    found.push({ at, end: at + 1, rule: 'yaml-duplicate-key', reason: `Duplicate key: "${String(key.value)}" appears twice in this mapping` });
  }
  for (const { at, end, rule, reason } of found.sort((a, b) => a.at - b.at)) {
    report(file, rule, reason, placeOf(region, at, end));
    ok = false;
  }
  // What the YAML library only warns about (an unknown `!tag`) still means the file does not say
  // what its editor meant: an error, at the catalogue's severity for yaml-syntax.
  for (const warning of doc.warnings) {
    report(file, 'yaml-syntax', cleanYamlMessage(warning.message), placeOf(region, warning.pos[0], warning.pos[1]));
  }
  return ok;
}

/** The document's plain value, or undefined with the reason reported (an unresolved alias, an alias bomb). */
function valueOf(region: YamlRegion, doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError && /unresolved alias/i.test(error.message)) {
      const unresolved = firstAlias(doc, (alias) => alias.resolve(doc) === undefined);
      report(region.file, 'yaml-syntax', `Alias *${unresolved?.source ?? ''} names no anchor set before it`, placeOfNode(region, unresolved));
    } else if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      report(
        region.file,
        'yaml-alias-limit',
        `YAML aliases expand past the limit of ${MAX_ALIAS_COUNT} (an alias bomb?): write the values out instead`,
        placeOfNode(region, firstAlias(doc)),
      );
    } else {
      report(region.file, 'yaml-syntax', error instanceof Error ? error.message : String(error), placeOf(region, 0));
    }
    return undefined;
  }
}

/**
 * Parse YAML with positions. `parseDocument` never throws; its errors and warnings become
 * diagnostics at their exact offsets. The core schema is pinned so `yes` stays a string and a
 * date stays text we validate ourselves. A text past its budget (budget.ts) is reported as
 * file-too-complex and has no value.
 */
export function parseYaml(file: VFile, text: string, firstLine: number, offset: number): ParsedYaml {
  const region: YamlRegion = { file, text, firstLine, offset, lineCounter: new LineCounter() };
  const composed = composeWithinBudget(region);
  if (!composed) return { region, doc: new Document() as Document.Parsed, value: undefined };
  const { doc, survey } = composed;
  if (!reportYamlErrors(region, doc, survey.duplicates)) return { region, doc, value: undefined };
  const value = valueOf(region, doc);
  return { region, doc, value };
}

function cleanYamlMessage(message: string): string {
  // yaml appends "at line L, column C" even with prettyErrors off in some paths; our place says it.
  return message.replace(/\s+at line \d+, column \d+:?[\s\S]*$/, '').trim();
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
