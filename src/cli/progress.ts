/**
 * Build progress on stderr: a bar that redraws in place on a terminal; plain lines in CI (CI set)
 * or when stderr is not a terminal, so logs stay readable.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env) {
  const interactive = Boolean(stream.isTTY) && !env.CI;
  return {
    update({ done, total, slug, cached }: { done: number; total: number; slug: string; cached: boolean }): void {
      if (interactive) {
        const width = 24;
        const filled = total === 0 ? width : Math.round((done / total) * width);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${slug}${cached ? ' (cached)' : ''}\u001b[K`);
        if (done === total) stream.write('\n');
      } else {
        stream.write(`[${done}/${total}] ${slug} ${cached ? 'reused from cache' : 'rendered'}\n`);
      }
    },
  };
}
