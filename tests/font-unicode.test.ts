/**
 * Regression: a glyph first loaded as part of a composite glyph ("D" inside "Ď") must still map
 * back to its character, in the same document and in every later one sharing the parsed font.
 * Its own file, so the fonts start fresh in this process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { renderFile } from '../src/render-file.js';
import { readPdf } from './helpers/pdf-read.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-unicode-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function textOf(markdown: string): Promise<string> {
  const file = path.join(work, 'doc.md');
  writeFileSync(file, markdown);
  return (await readPdf((await renderFile(file, { to: 'pdf', cwd: work })).data!)).contentText;
}

it('maps every glyph back to its character after composite glyphs such as Ď, across documents', async () => {
  // The first document draws Ď but no plain D: embedding its subset loads "D" as a component.
  expect(await textOf('Ďábel\n')).toContain('Ďábel');
  expect(await textOf('David and Ďábel, Doctors and Dentists\n')).toContain('David and Ďábel, Doctors and Dentists');
});
