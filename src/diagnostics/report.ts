import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import { RULE_SOURCE, rules, ruleUrl, type RuleId } from './catalogue.js';

/** A position-only place: what every careprint diagnostic carries. */
export interface Place {
  start: { line: number; column: number; offset?: number | undefined };
  end?: { line: number; column: number; offset?: number | undefined } | undefined;
}

export interface ReportOptions {
  /** Override the catalogue severity (used by --strict for review-overdue). */
  severity?: 'error' | 'warning' | undefined;
  note?: string | undefined;
}

/**
 * Record one diagnostic on a file. Errors are values: nothing is thrown, so every later stage
 * still runs and reports.
 */
export function report(file: VFile, ruleId: RuleId, reason: string, place: Place | undefined, options: ReportOptions = {}): VFileMessage {
  const severity = options.severity ?? rules[ruleId].severity;
  const message = file.message(reason, {
    place: place ? (place.end ? { start: place.start, end: place.end } : place.start) : { line: 1, column: 1 },
    ruleId,
    source: RULE_SOURCE,
  });
  message.fatal = severity === 'error' ? true : false;
  message.url = ruleUrl(ruleId);
  if (options.note) message.note = options.note;
  return message;
}

export function isError(message: VFileMessage): boolean {
  return message.fatal === true;
}

export function countErrors(files: readonly VFile[]): number {
  return files.reduce((n, f) => n + f.messages.filter(isError).length, 0);
}
