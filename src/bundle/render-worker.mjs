// Worker entry for the build pool (tinypool, child processes). Plain JavaScript, copied to lib/
// by the compile step: beside compiled JavaScript it imports the task directly, beside the
// TypeScript sources it registers tsx's loader first. Either way it runs the main process's code.
import { existsSync } from 'node:fs';

// A worker must not outlive its build: if the build is killed, stop too, rather than keep
// writing into a temporary folder the next build is about to clean.
if (typeof process.send === 'function') process.on('disconnect', () => process.exit(1));

const compiled = existsSync(new URL('./guide-task.js', import.meta.url));
if (!compiled) (await import('tsx/esm/api')).register();
const { runGuideTask, warmUp } = await import(compiled ? './guide-task.js' : './guide-task.ts');
warmUp();

export default function run(task) {
  return runGuideTask(task);
}
