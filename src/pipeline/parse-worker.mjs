// Entry of the Markdown parse thread (parse-thread.ts). Plain JavaScript, copied to lib/ by the
// compile step: beside compiled JavaScript it imports the task directly, beside the TypeScript
// sources it registers tsx's loader first (as bundle/render-worker.mjs does).
import { existsSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

const compiled = existsSync(new URL('./parse-task.js', import.meta.url));
if (!compiled) (await import('tsx/esm/api')).register();
const { answerRequest } = await import(compiled ? './parse-task.js' : './parse-task.ts');

parentPort.on('message', async (request) => parentPort.postMessage(await answerRequest(request)));
// The parse's deadline starts now: loading the parser is not the text's cost.
parentPort.postMessage({ ready: true });
