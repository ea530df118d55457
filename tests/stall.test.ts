/** The build's stall limit: it measures time without progress, not the length of the build. */
import { describe, expect, it } from 'vitest';
import { BuildStalledError, stallGuard } from '../src/bundle/stall.js';

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
