/**
 * A full disk, a read-only or forbidden folder, too many open files and a worker process killed
 * (the out-of-memory killer's SIGKILL) are the machine's problems, not careprint's: they were
 * printed as "internal error" or "this is a careprint bug, please report it". Each now says what
 * happened, where, and what to do, and exits 2 without a stack trace.
 *
 * The end-to-end cases mount small tmpfs file systems (full, read-only), which needs root (as
 * `npm test` and CI run here); where mounting is not allowed they fail and say so, rather than
 * being skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tinypool } from 'tinypool';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentError } from '../src/bundle/environment.js';
import { GuideFailedError } from '../src/bundle/guide-failed.js';
import { WorkerExitedError, watchWorkers } from '../src/bundle/worker-exit.js';
import { careprint, ROOT, sampleLibrary, workersOf } from './helpers/processes.js';

/** An fs error as Node makes it (`code`, `syscall`, maybe `path`), and as a worker process hands it back (a plain object). */
function fsError(code: string, syscall: string, file?: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: something, ${syscall}${file ? ` '${file}'` : ''}`);
  Object.assign(error, { code, syscall, errno: -1, ...(file ? { path: file } : {}) });
  return error;
}
const fromWorker = (error: Error) => ({ ...error, name: error.name, message: error.message, stack: error.stack });

const BUG = /careprint bug|internal error/;

describe('environmentError', () => {
  const context = { out: '/srv/site/dist', cache: '/srv/site/.cache/careprint', workers: 4 };

  it('says the disk is full, where, and to free space or choose another --out (in a worker, naming the guide)', () => {
    const failed = new GuideFailedError('knee-pain', fromWorker(fsError('ENOSPC', 'write')));
    const problem = environmentError(failed, context);
    expect(problem?.message).toMatch(/^guides\/knee-pain could not be built: the disk is full \(ENOSPC\)/);
    expect(problem?.message).toContain('/srv/site/dist');
    expect(problem?.message).toContain('Free some space');
    expect(problem?.message).toContain('--out');
    expect(problem?.message).not.toMatch(BUG);
    expect(problem?.code).toBe('ENOSPC');
  });

  it('names the file when the error does, and suggests --no-cache for the build cache', () => {
    const problem = environmentError(fsError('EDQUOT', 'open', '/srv/site/.cache/careprint/checks/ab/x.json'), context);
    expect(problem?.message).toContain('/srv/site/.cache/careprint/checks/ab/x.json');
    expect(problem?.message).toContain('--no-cache');
  });

  it.each([
    ['EROFS', /read-only/, /another --out/],
    ['EACCES', /permission denied/i, /another --out/],
    ['EPERM', /not permitted/i, /another --out/],
    ['EMFILE', /too many open files/i, /ulimit -n.*--jobs \(this build ran 4 worker processes\)/],
    ['ENFILE', /too many open files/i, /--jobs/],
  ])('%s: says what happened and what to do, naming the path', (code, what, todo) => {
    const problem = environmentError(fsError(code, 'open', '/srv/site/dist.tmp-1-ab/pdf/x.pdf'), context);
    expect(problem?.message).toMatch(what);
    expect(problem?.message).toMatch(todo);
    expect(problem?.message).toContain('/srv/site/dist.tmp-1-ab/pdf/x.pdf');
    expect(problem?.message).not.toMatch(BUG);
  });

  it('a worker killed by a signal: the guide, the signal, and lower --jobs or more memory', () => {
    const problem = environmentError(new GuideFailedError('hip', new WorkerExitedError(4242, null, 'SIGKILL')), context);
    expect(problem?.message).toMatch(/^guides\/hip could not be built: its worker process \(pid 4242\) was killed by SIGKILL/);
    expect(problem?.message).toContain('out of memory');
    expect(problem?.message).toMatch(/lower --jobs \(this build ran 4 worker processes\) or give the machine more memory/);
    expect(problem?.message).not.toMatch(BUG);
  });

  it('leaves real bugs alone: a thrown TypeError, a missing file, a worker that exited with a code of its own', () => {
    expect(environmentError(new GuideFailedError('hip', new TypeError('x is undefined')), context)).toBeUndefined();
    expect(environmentError(fsError('ENOENT', 'open', '/nowhere'), context)).toBeUndefined();
    const exited = new GuideFailedError('hip', new WorkerExitedError(4242, 1, null));
    expect(environmentError(exited, context)).toBeUndefined();
    expect(exited.message).toContain('exited unexpectedly with code 1');
    expect(exited.message).toContain('careprint bug');
  });
});

/** Mount a tmpfs (root only); false where that is not allowed. */
function mountTmpfs(at: string, options: string): boolean {
  mkdirSync(at, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), 'careprint-environment-'));
const full = path.join(work, 'full');
const readOnly = path.join(work, 'read-only');
const mounted = [full, readOnly].filter((at, i) => mountTmpfs(at, ['size=1m', 'ro,size=1m'][i]!));
const canMount = mounted.length === 2;
afterAll(() => {
  // Lazily: a worker still closing a file must not keep the test's folders mounted.
  for (const at of mounted) execFileSync('umount', ['-l', at]);
  rmSync(work, { recursive: true, force: true });
});

let library: string;
let oneGuide: string;
beforeAll(() => {
  library = sampleLibrary(path.join(work, 'library'), 1);
  oneGuide = sampleLibrary(path.join(work, 'one-guide'), 0);
});

describe('watchWorkers', () => {
  /** A pool of one worker process (as the build's: child processes) whose task waits as long as it is told. */
  function sleepingPool() {
    const worker = path.join(work, 'sleeping-worker.mjs');
    writeFileSync(worker, 'export default function run(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }\n');
    const pool = new Tinypool({ filename: pathToFileURL(worker).href, runtime: 'child_process', minThreads: 1, maxThreads: 1 });
    return { pool, watch: watchWorkers(pool), pid: pool.threads[0]!.threadId };
  }
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('turns tinypool\'s "Worker exited unexpectedly" into how it ended: killed by SIGKILL, with its pid', async () => {
    const { pool, watch, pid } = sleepingPool();
    try {
      const task = pool.run(60_000).catch((error: unknown) => watch.explain(error));
      await pause(200);
      process.kill(pid, 'SIGKILL');
      const explained = await task;
      expect(explained).toBeInstanceOf(WorkerExitedError);
      expect(explained).toMatchObject({ pid, signal: 'SIGKILL', code: null });
    } finally {
      await pool.destroy();
    }
  });

  it('a worker killed with no task in hand fails the run instead of crashing the build process (an unheard "error" event)', async () => {
    const { pool, watch, pid } = sleepingPool();
    try {
      await pause(200);
      process.kill(pid, 'SIGKILL');
      await expect(watch.died).rejects.toMatchObject({ pid, signal: 'SIGKILL' });
    } finally {
      await pool.destroy();
    }
  });

  it('leaves any other error of a task as it was', async () => {
    const { pool, watch } = sleepingPool();
    try {
      const thrown = await pool.run('not a number', { name: 'nothing-by-this-name' }).catch((error: unknown) => error);
      expect(watch.explain(thrown)).toBe(thrown);
    } finally {
      await pool.destroy();
    }
  });
});

/** What every environment failure of the CLI shares: exit 2, said plainly, no stack, no bundle. */
function expectPlainFailure(run: { code: number | null; stderr: string }, out: string) {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).not.toMatch(BUG);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(out)).toBe(false);
}

describe('the CLI on a real full or read-only disk', () => {
  it('can mount the small file systems it needs (root)', () => {
    expect(canMount, 'mount -t tmpfs failed: run the suite as root').toBe(true);
  });

  it.each([
    // The guides' PDFs fill it; with one guide they fit, and the release zip (written by the build process) does not.
    { where: 'in worker processes', content: () => library, name: 'workers', subject: /guides\/(iliopsoas-pain-running|copy-1) could not be built: / },
    { where: 'in the build process', content: () => oneGuide, name: 'one', subject: /the build stopped: / },
  ])('a full disk ($where): "the disk is full", the output folder, free space or another --out', async ({ content, name, subject }) => {
    const out = path.join(full, name, 'dist');
    const run = await careprint(['build', content(), '--out', out, '--no-cache', '--quiet', '--jobs', '2'], ROOT);
    expectPlainFailure(run, out);
    expect(run.stderr).toMatch(subject);
    expect(run.stderr).toContain('the disk is full (ENOSPC)');
    expect(run.stderr).toContain(out);
    expect(run.stderr).toContain('Free some space');
  });

  it('an output folder that is a read-only file system of its own: says so, names it (it was an internal error, EBUSY)', async () => {
    const run = await careprint(['build', oneGuide, '--out', readOnly, '--no-cache', '--quiet'], ROOT);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).not.toMatch(BUG);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).toContain(readOnly);
    expect(run.stderr).toContain('mount point');
  });

  it('an output folder on a read-only file system: exit 2, named, not a bug', async () => {
    const out = path.join(readOnly, 'dist');
    const run = await careprint(['build', oneGuide, '--out', out, '--no-cache', '--quiet'], ROOT);
    expectPlainFailure(run, out);
    expect(run.stderr).toContain(out);
  });
});

describe('a worker process killed mid-build', () => {
  it('names the guide and the signal, says lower --jobs or more memory, exits 2 (it was "a careprint bug")', async () => {
    const out = path.join(work, 'killed', 'dist');
    let firstSeen: number | undefined;
    let killed: number | undefined;
    const run = await careprint(['build', library, '--out', out, '--no-cache', '--quiet', '--jobs', '2'], ROOT, (pid) => {
      if (killed !== undefined) return;
      const [worker] = workersOf(pid);
      if (worker === undefined) return;
      firstSeen ??= Date.now();
      // The tasks go out as the workers start; a moment later every worker has a guide in hand.
      if (Date.now() - firstSeen < 300) return;
      killed = worker;
      process.kill(worker, 'SIGKILL');
    });
    expect(killed).toBeDefined();
    expectPlainFailure(run, out);
    expect(run.stderr).toMatch(/guides\/(iliopsoas-pain-running|copy-1) could not be built: its worker process \(pid \d+\) was killed by SIGKILL/);
    expect(run.stderr).toContain(`pid ${killed}`);
    expect(run.stderr).toMatch(/lower --jobs \(this build ran 2 worker processes\) or give the machine more memory/);
  });
});
