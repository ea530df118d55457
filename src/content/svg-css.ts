import { createRequire } from 'node:module';
import type { CssNode, Declaration, List } from 'css-tree';

/**
 * css-tree, required when a figure first has CSS to read (its CommonJS build, synchronously):
 * loading it costs about 0.1 s, which every check paid before it met an SVG.
 */
let cssTree: typeof import('css-tree') | undefined;
const css = () => (cssTree ??= createRequire(import.meta.url)('css-tree') as typeof import('css-tree'));
const parse = (text: string, options: import('css-tree').ParseOptions): CssNode => css().parse(text, options);
const generate: typeof import('css-tree').generate = (...args) => css().generate(...args);
const walk = (ast: CssNode, visit: (node: CssNode) => void): void => css().walk(ast, visit);
import { CSS_FUNCTIONS, CSS_PROPERTIES } from './svg-allowlist.js';

/**
 * CSS inside an SVG figure (`style="…"` attributes and `<style>` elements), parsed by css-tree
 * (a real CSS parser: escapes, comments and strings are read as a browser reads them) and
 * generated again from what is kept: declarations of presentation properties whose values are
 * plain numbers, colours, keywords and transforms. Everything else is left out; what would load
 * something from outside the file (`@import`, any `url()` but `url(#id)`) is a problem the
 * editor is told about.
 */
export type CssVerdict = { css: string } | { problem: string };

const external = (address: string): CssVerdict => ({ problem: `loads "${address.slice(0, 80)}" from outside the file; careprint opens nothing else` });

/** A `url()` to anything but an element of the same file, anywhere under `node`. */
function externalUrl(node: CssNode): string | undefined {
  let found: string | undefined;
  walk(node, (child) => {
    if (found === undefined && child.type === 'Url' && !child.value.trim().startsWith('#')) found = child.value;
  });
  return found;
}

/** Numbers past this make pdfkit stop once a figure is scaled (see MAX_SVG_NUMBER in svg.ts). */
const MAX_NUMBER = 1e7;
const drawableNumber = (value: number) => Number.isFinite(value) && Math.abs(value) <= MAX_NUMBER;

/** A value is kept when it is made only of plain tokens (finite, drawable numbers) and allowed functions. */
function plainValue(declaration: Declaration): boolean {
  if (declaration.value.type !== 'Value') return false;
  let plain = true;
  walk(declaration.value, (node) => {
    switch (node.type) {
      case 'Number':
      case 'Dimension':
      case 'Percentage':
        if (!drawableNumber(Number(node.value))) plain = false;
        return;
      case 'Identifier':
        // calc(infinity) is CSS; a drawing has no use for it, and a renderer may take it literally.
        if (/^-?(infinity|nan)$/i.test(node.name)) plain = false;
        return;
      case 'Value':
      case 'Hash':
      case 'String':
      case 'Operator':
      case 'WhiteSpace':
      case 'Url':
        return;
      case 'Function':
        if (!CSS_FUNCTIONS.has(node.name.toLowerCase())) plain = false;
        return;
      default:
        plain = false;
    }
  });
  return plain;
}

/** Keep a list's presentation declarations; a problem when one loads from outside. */
function keepDeclarations(children: List<CssNode>): string | undefined {
  let problem: string | undefined;
  const kept: CssNode[] = [];
  children.forEach((node) => {
    if (problem !== undefined || node.type !== 'Declaration') return;
    const address = externalUrl(node);
    if (address !== undefined) problem = address;
    else if (CSS_PROPERTIES.has(node.property.toLowerCase()) && plainValue(node)) kept.push(node);
  });
  if (problem !== undefined) return problem;
  children.fromArray(kept);
  return undefined;
}

/** A `style` attribute's declarations, as kept. */
export function sanitiseDeclarations(text: string): CssVerdict {
  const ast = parse(text, { context: 'declarationList', parseValue: true });
  if (ast.type !== 'DeclarationList') return { css: '' };
  const address = keepDeclarations(ast.children);
  return address !== undefined ? external(address) : { css: generate(ast) };
}

/** A `<style>` element's rules, as kept: style rules only (no at-rules), their declarations filtered. */
export function sanitiseStylesheet(text: string): CssVerdict {
  const ast = parse(text, { context: 'stylesheet', parseValue: true, parseRulePrelude: true });
  if (ast.type !== 'StyleSheet') return { css: '' };
  let problem: CssVerdict | undefined;
  const kept: CssNode[] = [];
  ast.children.forEach((node) => {
    if (problem) return;
    if (node.type === 'Atrule') {
      // @import, and @font-face or @namespace with an address, load from outside; other at-rules
      // (@media, @keyframes, …) are not needed to draw a figure and are left out.
      const address = node.name.toLowerCase() === 'import' ? (node.prelude ? generate(node.prelude) : '@import') : externalUrl(node);
      if (address !== undefined) problem = external(address);
      return;
    }
    if (node.type !== 'Rule' || node.prelude.type !== 'SelectorList') return;
    const address = keepDeclarations(node.block.children);
    if (address !== undefined) problem = external(address);
    else if (!node.block.children.isEmpty) kept.push(node);
  });
  if (problem) return problem;
  ast.children.fromArray(kept);
  return { css: generate(ast) };
}

/**
 * A presentation attribute (`fill="…"`) is CSS to a browser, escapes and all: it is kept, as
 * css-tree writes it again, only when it reads as a plain value, and left out (undefined) otherwise.
 */
export function presentationValue(property: string, value: string): { value: string | undefined } | { problem: string } {
  const ast = parse(`${property}:${value}`, { context: 'declarationList', parseValue: true });
  if (ast.type !== 'DeclarationList') return { value: undefined };
  const declaration = ast.children.first;
  if (declaration?.type !== 'Declaration' || ast.children.size !== 1) return { value: undefined };
  const address = externalUrl(declaration);
  if (address !== undefined) return external(address) as { problem: string };
  // Written again from what css-tree read, as the style attribute is: what a browser parses is what was checked.
  return { value: plainValue(declaration) ? generate(declaration.value) : undefined };
}
