/**
 * `--jobs N` asks for worker processes, but more than the machine has cores only adds processes
 * that take turns on them, each holding a renderer's memory: `--jobs 10000` started one worker
 * per guide. The count is capped at the cores (and the guides to build).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { build } from '../src/build.js';
import { careprint, ROOT, sampleLibrary, workersOf } from './helpers/processes.js';

// The build in this process sees two cores, whatever the machine has, so its cap is exact.
vi.mock('node:os', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:os')>();
  const twoCores = () => 2;
  return { ...actual, availableParallelism: twoCores, default: { ...actual, availableParallelism: twoCores } };
});

const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-jobs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let content: string;
beforeAll(() => {
  content = sampleLibrary(work, 2);
});

describe('--jobs is capped at what the machine can use', () => {
  it('jobs 10000 on three guides and two cores starts two worker processes (counted, and the build result says so)', async () => {
    // The workers as the system sees them: children of this process running tinypool's entry.
    const seen = new Set<number>();
    const count = setInterval(() => {
      for (const worker of workersOf(process.pid)) seen.add(worker);
    }, 20);
    try {
      const result = await build(content, { out: path.join(work, 'api'), cwd: work, today: '2026-11-27', cache: false, jobs: 10_000 });
      expect(result.ok).toBe(true);
      expect(result.ok && result.stats.workers).toBe(2);
    } finally {
      clearInterval(count);
    }
    expect(seen.size).toBe(2);
  });

  it.each(['0', '-1', '1.5'])('--jobs %s is still bad usage (exit 2)', async (jobs) => {
    const run = await careprint(['build', content, '--out', path.join(work, 'never'), `--jobs=${jobs}`], ROOT);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--jobs must be a whole number, 1 or more');
  });
});
