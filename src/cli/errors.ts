import { statSync } from 'node:fs';
import { SourceDateError, sourceDateFromEnv } from '../source-date.js';

/**
 * Exit statuses (DESIGN.md): 0 success (warnings allowed), 1 content errors, 2 bad usage, a
 * problem of the machine (a full disk, a read-only output folder, a killed worker) or an internal
 * fault. The machine's problems share 2 with bad usage: both are the user's to fix, and scripts
 * already treat 2 as "not the content".
 */
export const EXIT = { ok: 0, contentErrors: 1, usage: 2, environment: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad command-line usage: printed with the usage text, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Before a failure message on a terminal: return to the line's start and clear a progress bar drawn there. */
export const clearLine = (stream: NodeJS.WriteStream = process.stderr) => (stream.isTTY ? '\r\u001b[K' : '');

/** SOURCE_DATE_EPOCH checked before any work: a malformed value is a usage error (exit 2), never ignored. */
export function checkSourceDate(): void {
  try {
    sourceDateFromEnv();
  } catch (error) {
    if (error instanceof SourceDateError) throw new UsageError(error.message);
    throw error;
  }
}

/** A folder argument that is missing or is a file is bad usage, said plainly (a file crashed `check` with ENOTDIR). */
export function requireFolder(dir: string): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`no such folder: ${dir}`);
  }
  if (!isFolder) throw new UsageError(`${dir} is a file: give a folder`);
}
