import { VFile } from 'vfile';
import type { Options as MessageOptions } from 'vfile-message';
import type { Point, Position } from 'unist';

/**
 * Diagnostics as plain data, so they can cross from a build worker to the main process and be
 * kept in the build cache, then become vfile messages again for the reporters. Only files with
 * messages travel: a file without any prints nothing.
 */
export interface WireMessage {
  reason: string;
  ruleId: string | undefined;
  source: string | undefined;
  fatal: boolean | null | undefined;
  url: string | undefined;
  note: string | undefined;
  place: Point | Position | undefined;
}

export interface WireFile {
  path: string;
  cwd: string;
  messages: WireMessage[];
}

export function toWire(files: readonly VFile[]): WireFile[] {
  return files
    .filter((file) => file.messages.length > 0)
    .map((file) => ({
      path: file.path,
      cwd: file.cwd,
      messages: file.messages.map((m) => ({
        reason: m.reason,
        ruleId: m.ruleId,
        source: m.source,
        fatal: m.fatal,
        url: m.url,
        note: m.note,
        place: m.place as WireMessage['place'],
      })),
    }));
}

export function fromWire(files: readonly WireFile[]): VFile[] {
  return files.map((wire) => {
    const file = new VFile({ path: wire.path, cwd: wire.cwd });
    for (const m of wire.messages) {
      const options: MessageOptions = {};
      if (m.place) options.place = m.place;
      if (m.ruleId) options.ruleId = m.ruleId;
      if (m.source) options.source = m.source;
      const message = file.message(m.reason, options);
      message.fatal = m.fatal;
      if (m.url !== undefined) message.url = m.url;
      if (m.note !== undefined) message.note = m.note;
    }
    return file;
  });
}

export const wireErrors = (files: readonly WireFile[]) => files.reduce((n, f) => n + f.messages.filter((m) => m.fatal === true).length, 0);
export const wireWarnings = (files: readonly WireFile[]) => files.reduce((n, f) => n + f.messages.filter((m) => m.fatal !== true).length, 0);
