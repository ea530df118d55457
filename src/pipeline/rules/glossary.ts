import { report } from '../../diagnostics/report.js';
import { yamlPlace, type Rule } from './context.js';

/** glossary-duplicate-term: each term and alias names one entry, compared case-insensitively. */
export const glossaryRules: Rule = ({ content }) => {
  for (const glossary of content.glossaries) {
    if (!glossary.parsed) continue;
    const seen = new Map<string, string>();
    glossary.entries.forEach((entry, e) => {
      const names: Array<{ name: string; path: PropertyKey[] }> = [
        { name: entry.term, path: [e, 'term'] },
        ...entry.aliases.map((alias, a) => ({ name: alias, path: [e, 'aliases', a] as PropertyKey[] })),
      ];
      for (const { name, path } of names) {
        const key = name.trim().toLowerCase();
        const owner = seen.get(key);
        if (owner !== undefined) {
          report(glossary.file, 'glossary-duplicate-term', `"${name}" is already defined (by "${owner}"): one term, one definition`, yamlPlace(glossary.parsed!, path));
        } else {
          seen.set(key, entry.term);
        }
      }
    });
  }
};
