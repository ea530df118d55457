import GithubSlugger, { slug as rawSlug } from 'github-slugger';

/**
 * Heading anchors, the same everywhere (check's anchor links, the web page's ids, the PDF's
 * section pages): GitHub's slugs, numbered when repeated. A heading whose text slugs to nothing
 * (`## !!!`, or an empty `##`) is called "section" instead: an empty id is not valid HTML, and a
 * contents link to "#" leads nowhere.
 */
export function headingSlugger(): (text: string) => string {
  const slugger = new GithubSlugger();
  // Taken before any heading: a heading "Main" is #main-1, never a second id="main".
  for (const id of PAGE_IDS) slugger.slug(id);
  return (text) => slugger.slug(rawSlug(text) === '' ? 'section' : text);
}

/**
 * Ids the web pages give their own parts (templates/page.html.hbs, guide-page, quiz-form, the
 * contents and footnotes sections): a heading that slugged to one of them gave the page the same
 * id twice, and links to it (the skip link to #main) went to the wrong place.
 */
export const PAGE_IDS = ['main', 'downloads', 'toc-title', 'footnote-label', 'quiz', 'quiz-intro'] as const;
