/**
 * SOURCE_DATE_EPOCH (reproducible-builds.org): the one date a reproducible build may print.
 * Unset or empty means "not given". A value that is not whole seconds since 1970 is refused, never
 * ignored: the specification asks builds to fail on a malformed value rather than fall back to
 * another date, which would quietly break reproducibility.
 */

/**
 * The last second every output can hold: the release zip's writer (fflate) stores DOS dates up to
 * 2099 (the field itself ends in 2107; PDF dates in 9999).
 */
const LATEST = Date.UTC(2099, 11, 31, 23, 59, 58) / 1000;

export class SourceDateError extends Error {
  override name = 'SourceDateError';
}

export function sourceDateFromEnv(env: NodeJS.ProcessEnv = process.env): Date | undefined {
  const value = env.SOURCE_DATE_EPOCH;
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || Number(value) > LATEST) {
    throw new SourceDateError(`SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, up to ${LATEST} (the end of 2099); got "${value}"`);
  }
  return new Date(Number(value) * 1000);
}
