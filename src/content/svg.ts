import { readFileSync, statSync } from 'node:fs';

/**
 * What careprint accepts in an SVG figure. A figure is a drawing: it is printed into PDFs and
 * copied as it is into the web site, where a browser opening it on its own runs whatever it
 * holds. So `check` refuses, at the image's line:
 *
 * - anything that runs (a script, an `on…` event attribute, a `javascript:` address) or embeds
 *   another document (`foreignObject`, `iframe`, `embed`, `object`);
 * - a reference to anything outside the file (an image, a stylesheet or another SVG by path or
 *   web address): the renderer would otherwise open any file on the machine it is given, and the
 *   site would load from wherever the SVG points. Images embedded as `data:` PNG or JPEG are fine,
 *   and so are links (`<a href>`) to web, mail and phone addresses;
 * - a drawing too large to print: more than MAX_SVG_ELEMENTS elements once every `<use>` is
 *   expanded (a few kilobytes of nested `<use>` can stand for billions), elements nested deeper
 *   than MAX_SVG_DEPTH, XML entities, or a file over MAX_SVG_BYTES.
 */

export const MAX_SVG_BYTES = 5 * 1024 * 1024;
export const MAX_SVG_ELEMENTS = 20_000;
/** Deeper nesting than any drawing needs (the renderer, and the count below, recurse through it). */
export const MAX_SVG_DEPTH = 256;

/** An image embedded in the SVG itself: a base64 `data:` PNG or JPEG. */
export const isInternalImage = (value: string) => /^data:image\/(png|jpeg|jpg);base64,/i.test(value.replace(/\s+/g, ''));

/** A reference that stays inside the file: `#id`, or an embedded image. */
const isInternalReference = (value: string) => value.trim().startsWith('#') || isInternalImage(value);

const ACTIVE_ELEMENTS = new Set(['script', 'foreignobject', 'iframe', 'embed', 'object', 'handler', 'listener']);

interface Element {
  name: string;
  id: string | undefined;
  /** Ids this element's own `<use>` (or `href`) points at. */
  uses: string[];
  children: Element[];
}

/** Attribute values of one start tag (entities are left as written: only references are read). */
function attributesOf(tag: string): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (const match of tag.matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
    found.push([match[1]!.toLowerCase(), match[2] ?? match[3] ?? match[4] ?? '']);
  }
  return found;
}

/** Why an SVG cannot be printed and published as it is: too big to draw, or holding more than a drawing. */
export interface SvgProblem {
  rule: 'md-image-size' | 'md-image-format';
  /** Completes "<file> cannot be used: …". */
  reason: string;
}

const tooBig = (reason: string): SvgProblem => ({ rule: 'md-image-size', reason });
const notADrawing = (reason: string): SvgProblem => ({ rule: 'md-image-format', reason });

/** What is wrong with the SVG, or undefined when it can be printed and published. */
export function svgProblem(svg: string): SvgProblem | undefined {
  if (Buffer.byteLength(svg) > MAX_SVG_BYTES) return tooBig(`it is larger than ${MAX_SVG_BYTES / 1024 / 1024} MB`);
  // Comments, CDATA and processing instructions hold no elements.
  const text = svg.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  if (/<!ENTITY/i.test(text)) return tooBig('it declares XML entities (which can expand to any size); remove the DOCTYPE');
  const root: Element = { name: '#document', id: undefined, uses: [], children: [] };
  const stack: Element[] = [root];
  const byId = new Map<string, Element>();
  let count = 0;
  for (const match of text.matchAll(/<(\/?)([A-Za-z_][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|<!\[CDATA\[[\s\S]*?\]\]>/g)) {
    if (match[2] === undefined) continue;
    const [, closing, rawName, rest, selfClosing] = match;
    const name = rawName!.toLowerCase().replace(/^svg:/, '');
    if (closing) {
      const open = stack.findLastIndex((element) => element.name === name);
      if (open > 0) stack.length = open;
      continue;
    }
    count += 1;
    if (count > MAX_SVG_ELEMENTS) return tooBig(`it has more than ${MAX_SVG_ELEMENTS} elements; simplify the drawing`);
    if (ACTIVE_ELEMENTS.has(name)) return notADrawing(`it contains a <${rawName}> element; a figure may only draw (remove it)`);
    const element: Element = { name, id: undefined, uses: [], children: [] };
    for (const [attribute, value] of attributesOf(rest!)) {
      if (attribute.startsWith('on')) return notADrawing(`its <${rawName}> has an ${attribute} attribute, which runs code in a browser (remove it)`);
      if (/^\s*javascript:/i.test(value)) return notADrawing(`its <${rawName}> has a javascript: address (remove it)`);
      if (attribute === 'id') element.id = value;
      if (name === 'a' && (attribute === 'href' || attribute.endsWith(':href'))) {
        // A hyperlink is followed only when clicked: web and mail addresses, as in the guide's text.
        if (!isInternalReference(value) && !/^\s*(https?:|mailto:|tel:)/i.test(value)) {
          return notADrawing(`its link to "${value.slice(0, 80)}" is not a web, mail or phone address`);
        }
      } else if (attribute === 'href' || attribute.endsWith(':href') || attribute === 'src') {
        if (!isInternalReference(value)) {
          return notADrawing(`its <${rawName}> refers to "${value.slice(0, 80)}" outside the file; embed images in the SVG (as PNG or JPEG), careprint opens nothing else`);
        }
        if (value.trim().startsWith('#')) element.uses.push(value.trim().slice(1));
      }
      const external = /url\(\s*['"]?(?!\s*#)([^)'"]*)/i.exec(value);
      if (external && !isInternalReference(external[1]!)) {
        return notADrawing(`its <${rawName}> refers to "${external[1]!.slice(0, 80)}" outside the file; careprint opens nothing else`);
      }
    }
    const after = match.index! + match[0].length;
    if (name === 'style' && /@import|url\(\s*['"]?(?!\s*#|data:)/i.test(text.slice(after, Math.max(after, text.indexOf('</style', after))))) {
      return notADrawing('its <style> loads something from outside the file; careprint opens nothing else');
    }
    stack.at(-1)!.children.push(element);
    if (element.id !== undefined && !byId.has(element.id)) byId.set(element.id, element);
    if (!selfClosing) stack.push(element);
    if (stack.length > MAX_SVG_DEPTH) return tooBig(`its elements nest more than ${MAX_SVG_DEPTH} deep; simplify the drawing`);
  }
  // Elements once every reference is drawn where it is used (a reference loop counts as nothing, as the renderer skips it).
  const expanded = new Map<Element, number>();
  const visiting = new Set<Element>();
  const sizeOf = (element: Element): number => {
    const known = expanded.get(element);
    if (known !== undefined) return known;
    if (visiting.has(element)) return 0;
    visiting.add(element);
    let size = 1;
    for (const child of element.children) size += sizeOf(child);
    for (const id of element.uses) {
      const target = byId.get(id);
      if (target) size += sizeOf(target);
    }
    // Past the limit the exact number does not matter (and must not overflow to Infinity).
    size = Math.min(size, MAX_SVG_ELEMENTS + 1);
    visiting.delete(element);
    expanded.set(element, size);
    return size;
  };
  if (root.children.reduce((total, element) => total + sizeOf(element), 0) > MAX_SVG_ELEMENTS) return tooBig(`it draws more than ${MAX_SVG_ELEMENTS} elements once its <use> references are expanded; simplify the drawing`);
  return undefined;
}

/** The same for an SVG file (read only when it is small enough to be a figure). */
export function svgFileProblem(file: string): SvgProblem | undefined {
  if (statSync(file).size > MAX_SVG_BYTES) return tooBig(`it is larger than ${MAX_SVG_BYTES / 1024 / 1024} MB`);
  return svgProblem(readFileSync(file, 'utf8'));
}
