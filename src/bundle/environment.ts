/**
 * Failures of the machine rather than of careprint or the content: a full disk, a read-only or
 * forbidden folder, too many open files, a worker process killed (most often by the system's
 * out-of-memory killer). They were printed as an internal error or "this is a careprint bug,
 * please report it", which sends people to the wrong place and tells them nothing to do: each
 * now says what happened, where, and what to do about it.
 */
import path from 'node:path';
import { GuideFailedError } from './guide-failed.js';
import { WorkerExitedError } from './worker-exit.js';

/** A failure the user can fix on their machine (the CLI exits 2 with the message alone, no stack). */
export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
  constructor(
    message: string,
    /** The system's error code (ENOSPC…), or the signal that killed a worker process. */
    readonly code: string,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

/** What the failing command was doing, for naming the place and the remedy. */
export interface FailureContext {
  /** The output folder being written (the bundle is made in a temporary folder beside it). */
  out?: string;
  /** The build cache folder, when one is used. */
  cache?: string;
  /** Worker processes the build ran. */
  workers?: number;
}

interface Errno {
  code: string;
  path?: string;
}

/** Where it happened: inside the build cache, whose remedy differs (build without it). */
interface Place {
  context: FailureContext;
  inCache: boolean;
}

const jobsNow = ({ workers }: FailureContext) => (workers ? ` (this build ran ${workers} worker process${workers === 1 ? '' : 'es'})` : '');

/** The remedy for a disk that took no more: free space, or write elsewhere. */
const freeSpace = (start: string) => ({ context, inCache }: Place) =>
  `${start}${inCache ? ', or build with --no-cache' : context.out ? ', or choose an --out on another disk' : ''}`;

/** The remedy for a place this user may not write: access, or write elsewhere. */
const access = ({ context, inCache }: Place) =>
  `Give this user access there${inCache ? ', or build with --no-cache' : context.out ? ', or choose another --out' : ''}`;

const tooManyFiles = ({ context }: Place) => `Raise the open-file limit (ulimit -n)${context.workers ? ` or lower --jobs${jobsNow(context)}` : ''}`;

/** The system error codes that are the machine's problem: what happened, and what to do. */
const PROBLEMS: Record<string, { what: string; todo: (place: Place) => string }> = {
  ENOSPC: { what: 'the disk is full', todo: freeSpace('Free some space on that disk') },
  EDQUOT: { what: 'the disk quota is used up', todo: freeSpace('Free some of your space on that disk') },
  EROFS: {
    what: 'the file system is read-only',
    todo: ({ context, inCache }) => (inCache ? 'Build with --no-cache, or keep the cache on a writable disk' : context.out ? 'Choose another --out, on a writable disk' : 'Use a folder on a writable disk'),
  },
  EACCES: { what: 'permission denied', todo: access },
  EPERM: { what: 'operation not permitted', todo: access },
  EMFILE: { what: 'too many open files', todo: tooManyFiles },
  ENFILE: { what: 'too many open files on the system', todo: tooManyFiles },
  // Renaming a mount point (an --out that is a file system of its own) fails so: the bundle is
  // swapped in by renaming the whole output folder aside.
  EBUSY: {
    what: 'the folder is in use or a mount point',
    todo: ({ context }) =>
      context.out ? 'careprint swaps in a whole new output folder, which a mount point cannot be: use a folder inside it as --out' : 'Close what holds it, or use a folder inside it',
  },
};

/** The code and path of a system error, thrown here or handed back by a worker process as a plain object. */
function errnoOf(error: unknown): Errno | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, path: file } = error as { code?: unknown; path?: unknown };
  if (typeof code !== 'string') return undefined;
  return typeof file === 'string' ? { code, path: file } : { code };
}

const isWithin = (folder: string, file: string) => {
  const relative = path.relative(folder, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

/** Why a signal most likely ended a worker process. */
function signalHint(signal: NodeJS.Signals): string {
  if (signal === 'SIGKILL') return 'most often the system\'s out-of-memory killer';
  if (signal === 'SIGABRT') return 'most often because it ran out of memory';
  if (['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'].includes(signal)) return 'something outside careprint stopped it';
  return 'it crashed';
}

/**
 * The failure as the machine's problem, with what to do; undefined for anything else (a careprint
 * bug stays one). Looks through a GuideFailedError to what the guide's task threw.
 */
export function environmentError(error: unknown, context: FailureContext = {}): EnvironmentError | undefined {
  const guide = error instanceof GuideFailedError ? error.slug : undefined;
  const cause = error instanceof GuideFailedError ? error.cause : error;
  const subject = guide ? `guides/${guide} could not be built: ` : context.out ? 'the build stopped: ' : '';
  const unchanged = context.out ? ` Nothing was written to ${context.out}.` : '';
  if (cause instanceof WorkerExitedError) {
    // An exit code of its own: the worker itself gave up (an uncaught error), which is careprint's.
    if (!cause.signal) return undefined;
    const said = guide ? cause.message : cause.message.replace(/^its /, 'a ');
    const todo = `If the machine ran out of memory, lower --jobs${jobsNow(context)} or give the machine more memory; otherwise run the build again.`;
    return new EnvironmentError(`${subject}${said} (${signalHint(cause.signal)}). ${todo}${unchanged}`, cause.signal, error);
  }
  const errno = errnoOf(cause);
  const problem = errno && Object.hasOwn(PROBLEMS, errno.code) ? PROBLEMS[errno.code] : undefined;
  if (!errno || !problem) return undefined;
  // An error from a file descriptor (a write, say) has no path: the files being written are.
  const at = errno.path
    ? ` at ${errno.path}`
    : context.out
      ? ` writing ${guide ? 'its files' : 'the bundle'} into a temporary folder beside ${context.out}`
      : '';
  const inCache = context.cache !== undefined && errno.path !== undefined && isWithin(context.cache, errno.path);
  return new EnvironmentError(`${subject}${problem.what} (${errno.code})${at}. ${problem.todo({ context, inCache })}.${unchanged}`, errno.code, error);
}
