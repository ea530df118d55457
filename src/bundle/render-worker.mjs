// Worker entry for the build pool (tinypool, child processes). Plain JavaScript, copied to lib/
// by the compile step: beside compiled JavaScript it imports the task directly, beside the
// TypeScript sources it registers tsx's loader first. Either way it runs the main process's code.
import { existsSync } from 'node:fs';

// A worker must not outlive its build: when the build is killed, the IPC channel closes and the
// worker exits at its next pause; until then, every write first checks the build is alive
// (startWorker), so nothing lands in a temporary folder the next build has cleaned.
if (typeof process.send === 'function') process.on('disconnect', () => process.exit(1));

const compiled = existsSync(new URL('./guide-task.js', import.meta.url));
if (!compiled) (await import('tsx/esm/api')).register();
const { runGuideTask, startWorker } = await import(compiled ? './guide-task.js' : './guide-task.ts');
startWorker(process.ppid);

// Each step goes to the build as it starts (tinypool hands messages that are not its own to the
// task's channel): a stalled build names the file its guide was on.
const tell = (slug) => (step) => process.send?.({ careprintStep: { slug, step } });

export default function run(task) {
  return runGuideTask(task, undefined, tell(task.slug));
}
