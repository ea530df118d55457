/**
 * An answer key's "page N of the handout". The key is composed once for every paper size, so a
 * template's `{{sectionPage}}` becomes this directive, and the PDF renderer fills in the page the
 * section's heading landed on in the standard handout of the paper it is printing.
 */
export const PAGE_REFERENCE = 'careprint-page';

/**
 * The directive for a heading slug; null for a slug that is not letters, digits, `-` and `_`
 * (github-slugger's), which could not sit in the quoted attribute safely. `written` is what the
 * Markdown says in its place (a template value's placeholder: the slug goes in after parsing).
 */
export const pageReference = (slug: string, written = slug): string | null => (/^[\p{L}\p{N}_-]+$/u.test(slug) ? `:${PAGE_REFERENCE}{section="${written}"}` : null);
