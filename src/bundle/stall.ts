/**
 * A build that stops making progress must fail, not wait forever: CI would otherwise sit until
 * its job limit (hours) with no message. Seen once on this machine: a worker's file close never
 * completed, and its guide's task never answered. Any guide finishing resets the clock, so a
 * large library is never cut short, only a build in which nothing finishes for the whole limit.
 */

/** Default seconds without any guide finishing before the build gives up (one guide takes well under one). */
export const DEFAULT_STALL_SECONDS = 120;

/** Nothing finished within the limit: what the build was still waiting for. */
export class BuildStalledError extends Error {
  override name = 'BuildStalledError';
  constructor(
    readonly seconds: number,
    readonly waitingFor: readonly string[],
  ) {
    const shown = waitingFor.slice(0, 3).join(', ');
    const more = waitingFor.length > 3 ? ` and ${waitingFor.length - 3} more` : '';
    super(
      `no guide finished rendering in ${seconds} s (still waiting for ${shown}${more}); a renderer stopped responding. ` +
        `Nothing was written to the output folder. Set CAREPRINT_STALL_TIMEOUT (seconds) if guides this large need longer.`,
    );
  }
}

/**
 * A clock that fails the work it watches when `progress` is not called for `seconds`.
 * `unfinished` names what is still pending at that moment.
 */
export function stallGuard(seconds: number, unfinished: () => string[]): { progress: () => void; watch: <T>(work: Promise<T>) => Promise<T> } {
  let timer: NodeJS.Timeout | undefined;
  let fail: (error: Error) => void = () => undefined;
  const stalled = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const progress = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(new BuildStalledError(seconds, unfinished())), seconds * 1000);
  };
  return {
    progress,
    watch: (work) => {
      progress();
      // Once the race is lost, a late rejection of the work is not news.
      work.catch(() => undefined);
      return Promise.race([work, stalled]).finally(() => clearTimeout(timer));
    },
  };
}
