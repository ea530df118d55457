import path from 'node:path';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';

export const FORMATS = ['pretty', 'json', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** Paths in reports are relative to the current directory, as editors and CI annotations expect. */
function displayPath(file: VFile, cwd: string): string {
  const abs = path.resolve(file.cwd, file.path);
  return path.relative(cwd, abs).split(path.sep).join('/') || '.';
}

function sortedMessages(file: VFile): VFileMessage[] {
  return [...file.messages].sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || String(a.ruleId).localeCompare(String(b.ruleId)),
  );
}

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number | null;
  endColumn: number | null;
  severity: 'error' | 'warning';
  ruleId: string;
  source: string;
  message: string;
  url: string | null;
}

export function toJson(files: readonly VFile[], cwd: string): JsonDiagnostic[] {
  return files.flatMap((file) =>
    sortedMessages(file).map((m) => ({
      file: displayPath(file, cwd),
      line: m.line ?? 1,
      column: m.column ?? 1,
      endLine: m.place && 'end' in m.place ? m.place.end.line : null,
      endColumn: m.place && 'end' in m.place ? m.place.end.column : null,
      severity: m.fatal ? ('error' as const) : ('warning' as const),
      ruleId: m.ruleId ?? 'unknown',
      source: m.source ?? 'careprint',
      message: m.reason,
      url: m.url ?? null,
    })),
  );
}

// GitHub workflow commands: data escapes %, CR, LF; properties also escape ':' and ','.
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function toGithub(files: readonly VFile[], cwd: string): string {
  return toJson(files, cwd)
    .map((d) => {
      const props = [`file=${escapeProperty(d.file)}`, `line=${d.line}`, `col=${d.column}`];
      if (d.endLine !== null) props.push(`endLine=${d.endLine}`);
      if (d.endColumn !== null && d.endLine === d.line) props.push(`endColumn=${d.endColumn}`);
      props.push(`title=${escapeProperty(d.ruleId)}`);
      return `::${d.severity} ${props.join(',')}::${escapeData(d.message)}`;
    })
    .join('\n');
}

/**
 * A message as one line of the report: a control character quoted from the source (a link's
 * decoded `%0A`) printed as itself broke the row in two; it is shown escaped, as JSON would.
 */
function printable(message: VFileMessage): VFileMessage {
  // eslint-disable-next-line no-control-regex
  const escape = (text: string) => text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f\u007f]/.test(message.reason)) return message;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(message) as object) as VFileMessage, message);
  copy.reason = escape(message.reason);
  copy.message = escape(message.message);
  return copy;
}

/**
 * The human-readable report (vfile-reporter's). Loaded only when there is something to report:
 * vfile-reporter and its terminal helpers took about 60 ms to load, on every clean build and check.
 */
export async function toPretty(files: readonly VFile[], cwd: string, color: boolean): Promise<string> {
  // vfile-reporter prints file.path; show it relative to the working directory.
  const shown = files
    .filter((f) => f.messages.length > 0)
    .map((f) => {
      const copy = Object.assign(Object.create(Object.getPrototypeOf(f) as object) as VFile, f);
      copy.history = [displayPath(f, cwd)];
      copy.messages = sortedMessages(f).map(printable);
      return copy;
    });
  if (shown.length === 0) return '';
  const { reporter } = await import('vfile-reporter');
  return reporter(shown, { color, quiet: true });
}
