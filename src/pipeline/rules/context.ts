import type { Node as YamlNode } from 'yaml';
import type { Content } from '../../content/model.js';
import { nodeAtPath, placeOfNode, type ParsedYaml } from '../../content/yaml.js';
import type { Place } from '../../diagnostics/report.js';
import type { FigureTrial } from '../figure-trial.js';

export interface RuleContext {
  readonly content: Content;
  /** `--strict`: warnings that CI must not let through (an overdue review) become errors. */
  readonly strict: boolean;
  /** Today as YYYY-MM-DD, injectable so date rules are testable. */
  readonly today: string;
  /** Draws an SVG figure as the build will (figure-trial.ts); absent when no guide shows an SVG. */
  readonly figureTrial?: FigureTrial | undefined;
  /**
   * Checks that must read a file asynchronously (a linked PDF written again): a rule adds them
   * here and the caller runs them, in order, once every rule has run.
   */
  readonly deferred?: Array<() => Promise<void>>;
}

/** A rule reads the model and records vfile messages; it never throws for bad content. */
export type Rule = (context: RuleContext) => void;

/** The place of the YAML node at a path (or the nearest ancestor that exists). */
export function yamlPlace(parsed: ParsedYaml, path: readonly PropertyKey[]): Place {
  return placeOfNode(parsed.region, nodeAtPath(parsed.doc, path).node as YamlNode | null);
}

/** A node's own position, for mdast nodes. */
export function nodePlace(node: { position?: { start: { line: number; column: number; offset?: number | undefined }; end: { line: number; column: number; offset?: number | undefined } } | undefined }): Place | undefined {
  return node.position ? { start: node.position.start, end: node.position.end } : undefined;
}
