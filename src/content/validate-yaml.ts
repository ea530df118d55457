import leven from 'leven';
import type { z } from 'zod';
import type { Node as YamlNode } from 'yaml';
import type { RuleId } from '../diagnostics/catalogue.js';
import { report } from '../diagnostics/report.js';
import { FIELD_RULES } from './schemas.js';
import { mappingKeys, nodeAtPath, placeOf, placeOfNode, type ParsedYaml, isMap, isSeq } from './yaml.js';

export type SchemaKind = keyof typeof FIELD_RULES;

const pathKey = (path: readonly PropertyKey[]) => path.map((p) => (typeof p === 'number' ? '*' : String(p))).join('.');
const pathText = (path: readonly PropertyKey[]) =>
  path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');

/**
 * Check parsed YAML against a schema. Every zod issue is mapped back to the YAML node it is
 * about, so the message lands on the offending line and column (a missing field lands on its
 * parent's key). Returns the typed value, or undefined when any error was reported.
 */
export function validateYaml<S extends z.ZodType>(parsed: ParsedYaml, schema: S, kind: SchemaKind): z.output<S> | undefined {
  const { region, doc } = parsed;
  if (parsed.value === undefined) return undefined;
  reportUnknownKeys(parsed, schema, kind, doc.contents, []);

  const result = schema.safeParse(parsed.value ?? (schema.def.type === 'array' ? undefined : {}));
  if (result.success) return result.data;

  const fieldRules: Record<string, RuleId> = FIELD_RULES[kind];
  for (const issue of result.error.issues) {
    const path = issue.path;
    const lookup = nodeAtPath(doc, path);
    const missing = !lookup.complete && path.length > 0 && lookup.node !== null && isMap(lookup.node) && nodeAtPath(doc, path.slice(0, -1)).complete;
    const emptyDocument = doc.contents === null;
    if (missing || emptyDocument) {
      // At the key of the mapping that lacks the field, or at the start of a list item.
      const where = lookup.pair ? placeOfNode(region, lookup.pair.key as YamlNode) : lookup.node && !emptyDocument ? placeOf(region, lookup.node.range?.[0] ?? 0) : placeOf(region, 0);
      const field = pathText(path);
      report(region.file, `${kind}-required`, field ? `Missing required field \`${field}\`` : `The ${kind} is empty`, where);
      continue;
    }
    const rule = fieldRules[pathKey(path)] ?? (`${kind}-type` as RuleId);
    const field = pathText(path);
    report(region.file, rule, field ? `\`${field}\`: ${issue.message}` : issue.message, placeOfNode(region, lookup.node));
  }
  return undefined;
}

interface ZodDefLike {
  type: string;
  innerType?: ZodLike;
  in?: ZodLike;
  element?: ZodLike;
  options?: ZodLike[];
  shape?: Record<string, ZodLike>;
}
interface ZodLike {
  def: ZodDefLike;
}

/** Strip wrappers (optional, default, pipe) down to the schema that says what shape is expected. */
function unwrap(schema: ZodLike): ZodLike {
  let current = schema;
  for (;;) {
    const def = current.def;
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

function reportUnknownKeys(parsed: ParsedYaml, schema: ZodLike, kind: SchemaKind, node: YamlNode | null, path: PropertyKey[]): void {
  const shape = unwrap(schema);
  if (shape.def.type === 'object' && shape.def.shape && isMap(node)) {
    const known = Object.keys(shape.def.shape);
    for (const { name, key } of mappingKeys(node)) {
      // Own keys only: `constructor` or `toString` in the YAML must not find Object.prototype's.
      const child = Object.hasOwn(shape.def.shape, name) ? shape.def.shape[name] : undefined;
      if (!child) {
        const suggestion = closest(name, known);
        const where = path.length ? ` in \`${pathText(path)}\`` : '';
        report(
          parsed.region.file,
          `${kind}-unknown-key`,
          `Unknown key \`${name}\`${where}${suggestion ? `: did you mean \`${suggestion}\`?` : ''}`,
          placeOfNode(parsed.region, key),
        );
        continue;
      }
      const value = node.get(name, true) as YamlNode | null | undefined;
      reportUnknownKeys(parsed, child, kind, value ?? null, [...path, name]);
    }
  } else if (shape.def.type === 'array' && shape.def.element && isSeq(node)) {
    node.items.forEach((item, index) => reportUnknownKeys(parsed, shape.def.element as ZodLike, kind, item as YamlNode, [...path, index]));
  }
}

/** The nearest known key, if it is close enough to be a likely typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = leven(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}
