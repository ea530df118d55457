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

/** A guide's source file name: guide.md, or guide.<lang>.md for a translation. */
export const GUIDE_FILE = /^guide(?:\.([a-z]{2,3}(?:-[A-Za-z0-9]+)*))?\.md$/;

/** Where `absolute` lies inside the guides/ folder `guidesRoot`: the guide folder's slug and the path within it, or undefined. */
export function guideFolderTarget(guidesRoot: string, absolute: string): { slug: string; rest: string[] } | undefined {
  const relative = path.relative(guidesRoot, absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const [slug, ...rest] = relative.split(path.sep);
  return slug ? { slug, rest } : undefined;
}

/**
 * Whether the web site has what a guide's link to the file `absolute` (the path as written,
 * resolved from the guide folder `guideDir`) points at: a guide folder or a guide's source (its
 * page), or a file in the linking guide's own images/ folder (published beside its page).
 */
export function isPublishedTarget(guidesRoot: string, guideDir: string, absolute: string): boolean {
  const target = guideFolderTarget(guidesRoot, absolute);
  if (!target) return false;
  if (target.rest.length === 0) return true;
  if (target.rest.length === 1 && GUIDE_FILE.test(target.rest[0]!)) return true;
  return target.slug === path.basename(guideDir) && target.rest[0] === 'images' && target.rest.length > 1;
}
