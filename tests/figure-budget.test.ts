/**
 * `check` draws every SVG figure once as the build will, in the budget thread (parse-thread.ts):
 * a figure that takes longer than the thread's deadline is refused with a reason, never a hung
 * check, and an ordinary one is answered as svg-to-pdfkit answers it in this thread.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParseThread } from '../src/pipeline/parse-thread.js';
import { svgDrawProblem } from '../src/render/pdf/svg-cache.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** About a second of svg-to-pdfkit's time: 15,000 shapes. */
const SLOW = `<svg xmlns="${SVG_NS}" width="150" height="100">${Array.from({ length: 15_000 }, (_, i) => `<rect x="${i % 150}" y="${Math.floor(i / 150)}" width="1" height="1"/>`).join('')}</svg>`;
/** Every number small, but the transforms multiply past what pdfkit writes under a gradient. */
const OVERFLOW = readFileSync(path.join(import.meta.dirname, 'fixtures/rules/md-image-format-svg-undrawable/guides/sample-guide/images/figure.svg'), 'utf8');

const threads: ParseThread[] = [];
afterAll(async () => {
  for (const thread of threads) await thread.close();
});

describe('figure trials in the budget thread', () => {
  it('refuses a figure that takes longer than the deadline, and the thread serves the next one', async () => {
    const thread = new ParseThread({ seconds: 0.2, memoryMb: 640 });
    threads.push(thread);
    expect(await thread.drawFigure(SLOW)).toMatch(/took longer than 0.2 s/);
    expect(await thread.drawFigure(`<svg xmlns="${SVG_NS}" width="10" height="10"><rect width="5" height="5"/></svg>`)).toBeUndefined();
  });

  it('answers as the renderer in this thread does: a figure pdfkit cannot draw, and one it can', async () => {
    const thread = new ParseThread();
    threads.push(thread);
    const inThread = await thread.drawFigure(OVERFLOW);
    expect(inThread).toMatch(/unsupported number/);
    expect(inThread).toBe(svgDrawProblem(OVERFLOW));
    expect(await thread.drawFigure(SLOW)).toBeUndefined();
  }, 30_000);
});
