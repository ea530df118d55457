import type { Content } from './content/model.js';
import { loadContent } from './content/load.js';
import { countErrors } from './diagnostics/report.js';
import { figureTrial } from './pipeline/figure-trial.js';
import { RULES } from './pipeline/rules/index.js';

export interface CheckOptions {
  strict?: boolean;
  /** YYYY-MM-DD; defaults to CAREPRINT_TODAY or the current UTC date. */
  today?: string;
  cwd?: string;
}

export interface CheckResult {
  content: Content;
  errors: number;
  warnings: number;
}

export function todayUtc(): string {
  const fixed = process.env.CAREPRINT_TODAY;
  if (fixed && /^\d{4}-\d{2}-\d{2}$/.test(fixed)) return fixed;
  return new Date().toISOString().slice(0, 10);
}

/** Load and validate a content folder; diagnostics are on `content.files`. */
export async function check(dir: string, options: CheckOptions = {}): Promise<CheckResult> {
  const content = await loadContent(dir, { cwd: options.cwd });
  const deferred: Array<() => Promise<void>> = [];
  const context = { content, strict: options.strict ?? false, today: options.today ?? todayUtc(), figureTrial: await figureTrial(content), deferred };
  for (const rule of RULES) rule(context);
  for (const task of deferred) await task();
  const errors = countErrors(content.files);
  const warnings = content.files.reduce((n, f) => n + f.messages.length, 0) - errors;
  return { content, errors, warnings };
}
