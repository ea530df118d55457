/**
 * A guide's check or render threw: a careprint bug, or input `check` let through. The build
 * stops (dist/ stays as it was) and says which guide, with the renderer's own message and stack,
 * whether the task ran in a worker process (which hands errors back as plain objects: printed as
 * they were, "[object Object]") or in the build's own process. What was thrown is kept as
 * `cause`: a full disk or a killed worker is the machine's problem, not a bug (environment.ts).
 */
export class GuideFailedError extends Error {
  override name = 'GuideFailedError';
  constructor(
    readonly slug: string,
    cause: unknown,
  ) {
    const { message, stack } = describe(cause);
    super(`guides/${slug} could not be built: ${message}. Nothing was written to the output folder; this is a careprint bug, please report it with this guide.`, { cause });
    this.detail = stack;
  }

  /** The failure's own stack trace, from the process it happened in. */
  readonly detail: string | undefined;
}

/** Message and stack of anything thrown: an Error, a serialised one (`{ message, stack }`), or any value. */
function describe(cause: unknown): { message: string; stack: string | undefined } {
  if (cause instanceof Error) return { message: cause.message, stack: cause.stack };
  if (typeof cause === 'object' && cause !== null) {
    const { message, stack } = cause as { message?: unknown; stack?: unknown };
    if (typeof message === 'string') return { message, stack: typeof stack === 'string' ? stack : undefined };
  }
  return { message: String(cause), stack: undefined };
}
