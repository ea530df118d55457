import type { Tinypool } from 'tinypool';

/** How a worker process ended while the build still needed it: killed by a signal, or an exit code of its own. */
export class WorkerExitedError extends Error {
  override name = 'WorkerExitedError';
  constructor(
    readonly pid: number,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super(signal ? `its worker process (pid ${pid}) was killed by ${signal}` : `its worker process (pid ${pid}) exited unexpectedly with code ${code}`);
  }
}

/** What tinypool rejects a task with when the worker process running it ends. */
const isUnexpectedExit = (error: unknown) => error instanceof Error && error.message === 'Worker exited unexpectedly';

/**
 * Tinypool says of a worker process that died only "Worker exited unexpectedly", whatever killed
 * it (the out-of-memory killer's SIGKILL looked like a careprint bug); and one that dies with no
 * task in hand is an 'error' event on the pool which, unheard, crashed the build process. This
 * watches the pool's processes for how they end: `explain` turns tinypool's words into a
 * WorkerExitedError, and `died` rejects when a worker dies between tasks.
 */
export function watchWorkers(pool: Tinypool): { explain: (error: unknown) => unknown; died: Promise<never> } {
  let last: WorkerExitedError | undefined;
  for (const worker of pool.threads) {
    // `once` hands the child process's own exit event through (code and signal); it runs after
    // tinypool's listener, but before the task's rejection reaches anyone (that is a microtask).
    worker.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      last = new WorkerExitedError(worker.threadId, code, signal);
    });
  }
  let fail: (error: unknown) => void = () => undefined;
  const died = new Promise<never>((_, reject) => {
    fail = reject;
  });
  died.catch(() => undefined);
  // Emitted from within tinypool's own exit listener, before the one above has run: wait for it.
  pool.on('error', (error: unknown) => queueMicrotask(() => fail(isUnexpectedExit(error) ? (last ?? error) : error)));
  return { explain: (error) => (isUnexpectedExit(error) && last ? last : error), died };
}
