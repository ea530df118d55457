/** The build's stall limit: it measures time without progress, not the length of the build. */
import { cpSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { BuildStalledError, stallGuard } from '../src/bundle/stall.js';
import { MARKDOWN_LIMITS } from '../src/content/budget.js';
import { materialise } from './helpers/fixtures.js';
import { FRONT_MATTER } from './helpers/pathological.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('stallGuard', () => {
  it('lets work run far past the limit while something keeps finishing', async () => {
    const guard = stallGuard(0.1, () => []);
    const work = (async () => {
      for (let i = 0; i < 10; i++) {
        await sleep(30);
        guard.progress();
      }
      return 'all done';
    })();
    await expect(guard.watch(work)).resolves.toBe('all done');
  });

  it('fails with what is still pending once nothing has finished for the whole limit', async () => {
    const pending = ['knee', 'hip', 'ankle', 'wrist', 'neck'];
    const guard = stallGuard(0.05, () => pending);
    const error = await guard.watch(new Promise(() => undefined)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildStalledError);
    expect((error as Error).message).toContain('no guide finished rendering in 0.05 s (still waiting for knee, hip, ankle and 2 more)');
  });
});

/**
 * A build names the guide and the file each unfinished task was on. A one-guide build checks and
 * renders in its own process: a costly guide's Markdown is parsed in a thread (parse-thread.ts),
 * so the guard can fire while it is still being read (before, the parse held the event loop and
 * the guard fired minutes late, naming no file). Worker processes send their steps to the build.
 */
describe('a stalled build', () => {
  /** A guide within every budget whose parse still takes seconds: a wide table, then busy paragraphs. */
  const slowGuide = () => {
    const row = '| aaaa | bbbb | cccc | dddd | eeee | ffff | gggg | hhhh |\n';
    const table = `${row}|-|-|-|-|-|-|-|-|\n${row.repeat(Math.floor(MARKDOWN_LIMITS.tableCells / 9) - 2)}`;
    const paragraphs = `${'*a_ '.repeat(100)}\n\n`.repeat(Math.floor((0.98 * MARKDOWN_LIMITS.markup) / 200));
    return `${FRONT_MATTER}${table}\n${paragraphs}`;
  };

  /** A library of one guide, `slow`, with that body. */
  const library = () => {
    const folder = materialise();
    const dir = path.join(folder.contentDir, 'guides', 'slow');
    renameSync(path.join(folder.contentDir, 'guides', 'sample-guide'), dir);
    writeFileSync(path.join(dir, 'guide.md'), slowGuide());
    return folder;
  };

  it('of one guide (checked in the build process) gives up while the guide is read, naming it and its file', async () => {
    const folder = library();
    // The renderer the build loads before its one task starts (a second or more on a busy machine): loaded already.
    await import('../src/bundle/guide-task.js');
    try {
      const started = performance.now();
      const error = await build(folder.contentDir, { cwd: folder.root, out: path.join(folder.root, 'dist'), cache: false, stallSeconds: 2 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BuildStalledError);
      expect((error as Error).message).toContain('still waiting for slow (reading content/guides/slow/guide.md)');
      // At the limit, not after the parse (3-4 s here): the thread left the event loop free.
      expect(performance.now() - started).toBeLessThan(8000);
    } finally {
      folder.cleanup();
    }
  }, 30_000);

  it('of several guides (in worker processes) hears from each worker what its guide is on', async () => {
    const folder = materialise();
    const base = path.join(folder.contentDir, 'guides', 'sample-guide');
    cpSync(base, path.join(folder.contentDir, 'guides', 'second-guide'), { recursive: true });
    const steps: string[] = [];
    try {
      const result = await build(folder.contentDir, { cwd: folder.root, out: path.join(folder.root, 'dist'), cache: false, jobs: 2, onStep: (slug, step) => steps.push(`${slug}: ${step}`) });
      expect(result.ok).toBe(true);
      for (const slug of ['sample-guide', 'second-guide']) {
        expect(steps).toContain(`${slug}: reading content/guides/${slug}/guide.md`);
        expect(steps).toContain(`${slug}: rendering content/guides/${slug}/guide.md`);
      }
    } finally {
      folder.cleanup();
    }
  }, 60_000);
});
