// Worker entry for the build pool (tinypool, child processes). Plain JavaScript: it registers
// tsx's loader in the worker, then runs the same TypeScript task the main process would.
import { register } from 'tsx/esm/api';

// A worker must not outlive its build: if the build is killed, stop too, rather than keep
// writing into a temporary folder the next build is about to clean.
if (typeof process.send === 'function') process.on('disconnect', () => process.exit(1));

register();
const { runGuideTask } = await import('./guide-task.ts');

export default function run(task) {
  return runGuideTask(task);
}
