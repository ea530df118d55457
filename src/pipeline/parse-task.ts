/**
 * The Markdown parse as the parse thread runs it (parse-worker.mjs, parse-thread.ts): plain data
 * in, plain data out, since only what structured clone copies crosses between threads.
 */
import type { Root } from 'mdast';
import { VFile } from 'vfile';
import type { Place } from '../diagnostics/report.js';
import { parseMarkdown } from './processor.js';

export interface ParseRequest {
  id: number;
  path: string;
  text: string;
}

/** A diagnostic the parse reported, to be reported again on the caller's file. */
export interface ParseMessage {
  ruleId: string;
  reason: string;
  place: Place | undefined;
}

export type ParseReply =
  | { id: number; tree: Root | undefined; messages: ParseMessage[] }
  /** The parse threw: a careprint bug, rethrown in the caller's thread. */
  | { id: number; error: { message: string; stack: string | undefined } };

function placeOf(place: VFile['messages'][number]['place']): Place | undefined {
  if (!place) return undefined;
  return 'start' in place ? { start: place.start, end: place.end } : { start: place };
}

export function parseRequest({ id, path, text }: ParseRequest): ParseReply {
  try {
    const file = new VFile({ path, value: text });
    const tree = parseMarkdown(file, text);
    const messages = file.messages.map((message) => ({ ruleId: String(message.ruleId), reason: message.reason, place: placeOf(message.place) }));
    return { id, tree, messages };
  } catch (error) {
    return { id, error: { message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined } };
  }
}
