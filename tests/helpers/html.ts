import type { Element, Root as HastRoot } from 'hast';

/** Every element of a parsed HTML tree (template contents included), in document order. */
export function elements(tree: HastRoot | Element): Element[] {
  const found: Element[] = [];
  const walk = (node: HastRoot | Element) => {
    for (const child of node.children) {
      if (child.type === 'element') {
        found.push(child);
        walk(child);
        if (child.content) walk(child.content as unknown as Element);
      }
    }
  };
  walk(tree);
  return found;
}
