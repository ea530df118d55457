import GithubSlugger, { slug as rawSlug } from 'github-slugger';

/**
 * Heading anchors, the same everywhere (check's anchor links, the web page's ids, the PDF's
 * section pages): GitHub's slugs, numbered when repeated. A heading whose text slugs to nothing
 * (`## !!!`, or an empty `##`) is called "section" instead: an empty id is not valid HTML, and a
 * contents link to "#" leads nowhere.
 */
export function headingSlugger(): (text: string) => string {
  const slugger = new GithubSlugger();
  return (text) => slugger.slug(rawSlug(text) === '' ? 'section' : text);
}
