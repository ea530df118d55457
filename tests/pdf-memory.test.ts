/**
 * Memory of a long build: a finished PDF document must be garbage as soon as its bytes are
 * taken. Rendering is awaited back to back within a guide, and Node runs process.nextTick
 * callbacks only once such a chain of promise jobs is done, so a tick that names the document
 * keeps all of a guide's documents (pages, fonts, structure trees) alive until the guide ends.
 */
import type { Root } from 'mdast';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseMarkdown } from '../src/pipeline/processor.js';
import { renderPdf } from '../src/render/pdf/document.js';
import { CollectedPdf } from '../src/render/pdf/output.js';
import { VFile } from 'vfile';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a rendered PDF document', () => {
  it('is not held by a pending process.nextTick once renderPdf has returned its bytes', async () => {
    const text = '# Knee pain\n\nRest, then *move* a little more each day.\n';
    const tree = parseMarkdown(new VFile({ path: 'memory.md', value: text }), text) as Root;
    const ticks = vi.spyOn(process, 'nextTick');
    const bytes = await renderPdf(tree, { paper: 'a4', variant: 'standard', lang: 'en', title: 'Knee pain', date: new Date(0), footer: '', header: 'Knee pain', baseDir: process.cwd(), imageRoot: process.cwd() });
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const holdingDocument = ticks.mock.calls.filter((call) => call.slice(1).some((arg) => arg instanceof CollectedPdf));
    expect(holdingDocument).toEqual([]);
  });
});
