/**
 * Make plain text safe to drop into Markdown: every ASCII punctuation character is
 * backslash-escaped (CommonMark allows escaping any of them, in text and in link destinations),
 * and line breaks become spaces so a value can never start a new block. So `<script>` in a title
 * stays visible text instead of becoming raw HTML, and `:::` cannot open a directive.
 */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim()
    .replace(/[!-/:-@[-`{-~]/g, '\\$&');
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
