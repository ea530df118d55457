/**
 * A guide whose check or render throws stops the build with the guide's name and the error's own
 * message and stack. Worker processes (tinypool's child_process runtime) hand errors back as plain
 * objects, which the CLI once printed as "internal error: [object Object]".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tinypool } from 'tinypool';
import { afterAll, describe, expect, it } from 'vitest';
import { GuideFailedError } from '../src/bundle/guide-failed.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-failed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('GuideFailedError', () => {
  it('names the guide and keeps the message and stack of an error thrown in a worker process', async () => {
    const worker = path.join(work, 'throwing-worker.mjs');
    writeFileSync(worker, "export default function run() { throw new TypeError('the fonts went missing'); }\n");
    const pool = new Tinypool({ filename: pathToFileURL(worker).href, runtime: 'child_process', minThreads: 1, maxThreads: 1 });
    try {
      const thrown = await pool.run({}).catch((error: unknown) => error);
      // What the worker runtime really hands back: not an Error.
      expect(thrown).not.toBeInstanceOf(Error);
      const failed = new GuideFailedError('knee-pain', thrown);
      expect(failed.message).toContain('guides/knee-pain could not be built: the fonts went missing');
      expect(failed.message).not.toContain('[object Object]');
      expect(failed.detail).toContain('throwing-worker.mjs');
    } finally {
      await pool.destroy();
    }
  });

  it('takes an Error thrown in the build process, and any other value as text', () => {
    const inProcess = new GuideFailedError('hip', new RangeError('Invalid array length'));
    expect(inProcess.message).toContain('guides/hip could not be built: Invalid array length');
    expect(inProcess.detail).toContain('RangeError: Invalid array length');
    expect(new GuideFailedError('hip', 42).message).toContain('could not be built: 42');
  });
});
