/**
 * Make plain text safe to drop into Markdown, so it always reads back as the same plain text:
 * line breaks become spaces (a value can never start a new block), and every character that can
 * open syntax is backslash-escaped — code, emphasis, links, images, raw HTML, entities,
 * strike-through, tables and directives anywhere; list, quote and heading markers at the start.
 * So `<script>` in a title stays visible text and `:::` cannot open a directive. Commas, hyphens
 * and full stops in prose are left alone: escaping every punctuation mark made the composed
 * Markdown much slower to parse.
 * (tests/escape.test.ts checks the round trip on generated text in every template context.)
 */
export function escapeMarkdown(value: string): string {
  return (
    value
      .replace(/\s*[\r\n]+\s*/g, ' ')
      .trim()
      .replace(/[\\`*_[\]<>!&~|:@#$^{}]/g, '\\$&')
      // Full stops inside words too: a GFM address autolink would otherwise take the escaped
      // character after it into the link.
      .replace(/\.(?=\S)/g, '\\.')
      // At the start of a line these would open a list, quote, setext underline or ordered list.
      .replace(/^[-+=>]/, '\\$&')
      .replace(/^(\d+)([.)])/, '$1\\$2')
  );
}

/** Escape every string in a plain data tree (arrays and plain objects), leaving other values. */
export function escapeDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeMarkdown(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => escapeDeep(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = escapeDeep(item);
    return out as T;
  }
  return value;
}
