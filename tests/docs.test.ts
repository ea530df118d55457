import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateContentDocs } from '../scripts/content-docs.js';
import { rules } from '../src/diagnostics/catalogue.js';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('editor documentation', () => {
  it('docs/content-format.md and docs/schemas/*.json match the schemas (run `npx tsx scripts/content-docs.ts`)', () => {
    const generated = generateContentDocs();
    expect(generated.size).toBeGreaterThan(4);
    for (const [file, text] of generated) expect(readFileSync(path.join(ROOT, file), 'utf8'), file).toBe(text);
  });

  it('documents every front-matter field DESIGN.md names', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/content-format.md'), 'utf8');
    for (const field of ['title', 'summary', 'lang', 'version', 'audience', 'review.reviewed_by', 'review.last_reviewed', 'review.next_review', 'references', 'tags']) {
      expect(doc).toContain(`| \`${field}\` |`);
    }
  });

  it('lists every rule id of the catalogue in the README with its severity', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('### Rules'), readme.indexOf('## Architecture'));
    for (const [id, info] of Object.entries(rules)) {
      const row = table.split('\n').find((line) => line.includes(`\`${id}\``));
      expect(row, id).toBeDefined();
      // The severity named after the id's group of ids in its row.
      const after = row!.slice(row!.indexOf(`\`${id}\``));
      const severity = /\((error|warning)/.exec(after)?.[1];
      expect(severity, id).toBe(info.severity);
    }
  });
});
