import { realpath } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * Containment checks for content paths. `startsWith(root)` is not one (`/content-evil` starts
 * with `/content`, and symlinks escape), so compare with a trailing separator, after resolving
 * symlinks with realpath.
 */
export function isInside(rootReal: string, candidate: string): boolean {
  const relative = path.relative(rootReal, candidate);
  return relative === '' || (!relative.startsWith('..' + path.sep) && relative !== '..' && !path.isAbsolute(relative));
}

export type Resolution =
  | { kind: 'inside'; absolute: string }
  | { kind: 'outside' }
  | { kind: 'missing'; absolute: string };

/**
 * Resolve a path written in content against a folder. Nothing outside the content root is ever
 * opened: the lexical check runs first, and realpath (which only reads link targets inside the
 * root) catches symlinks that point out.
 */
export function resolveContentPath(root: string, rootReal: string, fromDir: string, written: string): Resolution {
  if (path.isAbsolute(written) || /^[a-zA-Z]:[\\/]/.test(written)) return { kind: 'outside' };
  const absolute = path.resolve(fromDir, written);
  if (!isInside(root, absolute)) return { kind: 'outside' };
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    return { kind: 'missing', absolute };
  }
  return isInside(rootReal, real) ? { kind: 'inside', absolute: real } : { kind: 'outside' };
}

export async function realContentRoot(root: string): Promise<string> {
  return realpath(root);
}

/** A relative link's file part (decoded) and its #fragment. */
export function splitTarget(url: string): { file: string; fragment: string | undefined } {
  const hash = url.indexOf('#');
  const withoutQuery = (hash >= 0 ? url.slice(0, hash) : url).replace(/\?.*$/, '');
  let file = withoutQuery;
  try {
    file = decodeURIComponent(withoutQuery);
  } catch {
    // A malformed escape is checked as written.
  }
  return { file, fragment: hash >= 0 ? url.slice(hash + 1) : undefined };
}
