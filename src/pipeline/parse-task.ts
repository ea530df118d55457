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

/** An SVG figure to draw once as the build will (svgDrawProblem), within the thread's budget too. */
export interface FigureRequest {
  id: number;
  /** Absent: only load the renderer (its loading is not a figure's cost). */
  svg?: string;
}

export interface FigureReply {
  id: number;
  /** Why the renderer cannot draw it; undefined when it can. */
  problem: string | undefined;
}

/** Answer one request of either kind (the renderer is loaded only when a figure is asked for). */
export async function answerRequest(request: ParseRequest | FigureRequest): Promise<ParseReply | FigureReply> {
  if ('text' in request) return parseRequest(request);
  const { svgDrawProblem } = await import('../render/pdf/svg-cache.js');
  return { id: request.id, problem: request.svg === undefined ? undefined : svgDrawProblem(request.svg) };
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
