/**
 * A large or costly guide's Markdown is parsed in a worker thread with a deadline and a heap
 * limit. The budget counted before parsing (content/budget.ts) covers every shape found to be
 * slow; this covers those nobody found yet: a parse past its time or memory is stopped (the
 * thread is terminated, the next parse starts a new one) and reported as file-too-complex, never
 * a hang or a crash. It also keeps the calling thread's event loop free while such a parse runs,
 * so a one-guide build (which checks in the build's own process) still notices a stall.
 *
 * A guide of at most 64 KiB that uses at most a quarter of every counted budget is parsed where it
 * is asked for: the costliest such file measured (several budgets at 24% at once) parses in
 * 0.6 s, and a thread would cost every check and one-guide build about 0.15 s and 30 MB to start
 * (the parser loaded a second time). The sample guide is 9.5 KB, a 5,800-word guide 31 KB, both
 * under 4% of every budget.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { markdownCost, MARKDOWN_LIMITS, reportTooComplex } from '../content/budget.js';
import type { RuleId } from '../diagnostics/catalogue.js';
import { report } from '../diagnostics/report.js';
import { CODE_DIR, COMPILED } from '../package-root.js';
import type { FigureReply, FigureRequest, ParseReply, ParseRequest } from './parse-task.js';
import { parseMarkdown } from './processor.js';

export interface ParseLimits {
  /** Seconds one file's parse may take. */
  seconds: number;
  /** The thread's heap (V8's old generation), in MB. */
  memoryMb: number;
}

/**
 * Within the counted budget the slowest file measured, several budgets used to 90% at once
 * (tests/helpers/pathological.ts, limit-combined), parses in about 4 s, and a whole check of it
 * peaks at 600 MB: both limits leave room for a slower or busier machine.
 */
export const PARSE_LIMITS: ParseLimits = { seconds: 10, memoryMb: 640 };

/** Seconds the thread may take to start (load the parser) before careprint parses in its own thread instead. */
const STARTUP_SECONDS = 60;

/** Beside the compiled bundle's files, or in src/pipeline/ beside the task it imports. */
const ENTRY = pathToFileURL(path.join(CODE_DIR, COMPILED ? '' : 'pipeline', 'parse-worker.mjs'));

type Outcome<Reply> = { reply: Reply } | { overrun: 'time' | 'memory' } | { failed: Error };

export class ParseThread {
  /** The started thread, or undefined when it could not start (parses then run in this thread). */
  private worker: Promise<Worker | undefined> | undefined;
  /** One parse at a time: each one's deadline must measure its own work, not a queue. */
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  /** Threads that have loaded the renderer for figure trials. */
  private readonly rendererIn = new WeakSet<Worker>();

  constructor(readonly limits: ParseLimits = PARSE_LIMITS) {}

  /** Parse as `parseMarkdown` does, with its diagnostics on `file`, within the limits. */
  parse(file: VFile, text: string): Promise<Root | undefined> {
    const run = this.queue.then(() => this.parseNow(file, text));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stop the thread (it is unreferenced while idle: a process does not wait for it to exit). */
  async close(): Promise<void> {
    const worker = await this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private async parseNow(file: VFile, text: string): Promise<Root | undefined> {
    this.worker ??= this.start();
    const worker = await this.worker;
    // No thread to be had: the counted budget still holds.
    if (!worker) return parseMarkdown(file, text);
    const outcome = await this.exchange<ParseReply>(worker, { id: this.nextId++, path: file.path, text });
    if ('failed' in outcome) throw outcome.failed;
    if ('overrun' in outcome) {
      reportTooComplex(
        file,
        outcome.overrun === 'time'
          ? `Reading this Markdown took longer than ${this.limits.seconds} s, careprint's limit for one file: look for something repeated thousands of times and write it another way, or split the guide`
          : `Reading this Markdown needed more than ${this.limits.memoryMb} MB of memory, careprint's limit for one file: look for something repeated thousands of times and write it another way, or split the guide`,
        undefined,
      );
      return undefined;
    }
    const { reply } = outcome;
    if ('error' in reply) {
      const error = new Error(reply.error.message);
      if (reply.error.stack) error.stack = reply.error.stack;
      throw error;
    }
    for (const message of reply.messages) report(file, message.ruleId as RuleId, message.reason, message.place);
    return reply.tree;
  }

  /**
   * Draw an SVG figure as the build will (svgDrawProblem) within the same limits: why it cannot
   * be drawn, or undefined. An allowlist bounds what a figure holds, not every slow path of
   * svg-to-pdfkit; a figure past the deadline or the heap is refused, never a hung check.
   */
  drawFigure(svg: string): Promise<string | undefined> {
    const run = this.queue.then(() => this.drawNow(svg));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async drawNow(svg: string): Promise<string | undefined> {
    this.worker ??= this.start();
    const worker = await this.worker;
    if (!worker) {
      const { svgDrawProblem } = await import('../render/pdf/svg-cache.js');
      return svgDrawProblem(svg);
    }
    // The renderer loads once per thread, on its own (start-up) deadline.
    if (!this.rendererIn.has(worker)) {
      const loaded = await this.exchange<FigureReply>(worker, { id: this.nextId++ }, STARTUP_SECONDS);
      if ('failed' in loaded) throw loaded.failed;
      if ('overrun' in loaded) return `the renderer could not be loaded within ${STARTUP_SECONDS} s`;
      this.rendererIn.add(worker);
    }
    const outcome = await this.exchange<FigureReply>(worker, { id: this.nextId++, svg });
    if ('failed' in outcome) throw outcome.failed;
    if ('overrun' in outcome) {
      return outcome.overrun === 'time' ? `drawing it took longer than ${this.limits.seconds} s` : `drawing it needed more than ${this.limits.memoryMb} MB of memory`;
    }
    return outcome.reply.problem;
  }

  private start(): Promise<Worker | undefined> {
    const started = new Promise<Worker | undefined>((resolve) => {
      let worker: Worker;
      try {
        worker = new Worker(ENTRY, { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb } });
      } catch {
        resolve(undefined);
        return;
      }
      const fail = () => {
        clearTimeout(timer);
        worker.terminate().catch(() => undefined);
        resolve(undefined);
      };
      const timer = setTimeout(fail, STARTUP_SECONDS * 1000);
      worker.once('error', fail);
      worker.once('exit', fail);
      worker.once('message', () => {
        clearTimeout(timer);
        worker.off('error', fail);
        worker.off('exit', fail);
        // A thread that fails or ends while idle is replaced at the next parse (and an 'error'
        // with no listener would throw in this thread).
        worker.on('error', () => undefined);
        worker.once('exit', () => {
          if (this.worker === started) this.worker = undefined;
        });
        worker.unref();
        resolve(worker);
      });
    });
    return started;
  }

  /** Send one request; the reply, or what stopped the thread first. */
  private exchange<Reply extends ParseReply | FigureReply>(worker: Worker, request: ParseRequest | FigureRequest, seconds = this.limits.seconds): Promise<Outcome<Reply>> {
    return new Promise((resolve) => {
      const done = (outcome: Outcome<Reply>, stopped: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (stopped) this.worker = undefined;
        else worker.unref();
        resolve(outcome);
      };
      const onMessage = (reply: Reply) => {
        if (reply.id === request.id) done({ reply }, false);
      };
      const onError = (error: Error & { code?: string }) => done(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { overrun: 'memory' } : { failed: error }, true);
      const onExit = (code: number) => done({ failed: new Error(`the Markdown parse thread exited (code ${code})`) }, true);
      const timer = setTimeout(() => {
        void worker.terminate();
        done({ overrun: 'time' }, true);
      }, seconds * 1000);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      // Held while a parse runs: the caller is waiting for it.
      worker.ref();
      worker.postMessage(request);
    });
  }
}

const INLINE_BYTES = 64 * 1024;
const INLINE_SHARE = 0.25;

/** Small and cheap by every count: parsed in the calling thread (see above). */
function parsesInline(text: string): boolean {
  if (text.length > INLINE_BYTES) return false;
  const cost = markdownCost(text);
  return (Object.keys(cost) as Array<keyof typeof cost>).every((limit) => cost[limit] <= INLINE_SHARE * MARKDOWN_LIMITS[limit]);
}

let shared: ParseThread | undefined;

/** The process's one budget thread (Markdown parses and figure trials share it). */
export function budgetThread(): ParseThread {
  shared ??= new ParseThread();
  return shared;
}

/** Parse a guide's Markdown: in the process's one parse thread, within PARSE_LIMITS, unless it is small and cheap. */
export async function parseGuideMarkdown(file: VFile, text: string): Promise<Root | undefined> {
  if (parsesInline(text)) return parseMarkdown(file, text);
  return budgetThread().parse(file, text);
}
