/**
 * The glossary box lists the terms a guide uses: found in its text block by block, as the web
 * page marks them, including a term that begins or ends a paragraph, a list item or a cell.
 */
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { termsUsed } from '../src/compose/compose.js';
import type { GlossaryEntry } from '../src/content/schemas.js';
import { parseMarkdown } from '../src/pipeline/processor.js';

const glossary: GlossaryEntry[] = [
  { term: 'bursa', definition: 'A small cushion of fluid.', aliases: [] },
  { term: 'tendon', definition: 'A tough cord.', aliases: ['tendons'] },
  { term: 'hip flexor', definition: 'A muscle that bends the hip.', aliases: [] },
];
const terms = (markdown: string) => termsUsed(parseMarkdown(new VFile({ value: markdown }), markdown)!, glossary).map((entry) => entry.term);

describe('glossary terms a guide uses', () => {
  it('finds a term at the end of one block and the start of the next', () => {
    // Read whole, the list ran together as "…the bursaRest…" and "…days.Tendons…".
    expect(terms('- Protect the bursa\n- Rest for two days.\n\nTendons heal slowly.\n')).toEqual(['bursa', 'tendon']);
  });

  it('finds a term in a table cell, and one split by emphasis', () => {
    expect(terms('| Part | Note |\n| --- | --- |\n| bursa | A **hip** flexor |\n')).toEqual(['bursa', 'hip flexor']);
  });

  it('does not find a term inside a longer word', () => {
    expect(terms('Bursitis and subtendonous pain.\n')).toEqual([]);
  });
});
