/**
 * The CLI run as a child process, and the build worker processes it starts, as the system sees
 * them (/proc): the tests count and kill real workers rather than trusting a number careprint
 * reports about itself.
 */
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin/careprint.js');

/** The pids of the build worker processes (tinypool's child_process entry) whose parent is `parent`. */
export function workersOf(parent: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      // Only the pool's workers: tsx may start an esbuild service beside them.
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('tinypool')) found.push(Number(name));
    } catch {
      // The process ended while it was being looked at.
    }
  }
  return found;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI; `watch` is called with its pid every 20 ms while it runs (to count or kill its workers). */
export function careprint(args: string[], cwd: string, watch?: (pid: number) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = watch ? setInterval(() => watch(child.pid!), 20) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The sample content with `copies` more copies of its guide: a library the build spreads over workers. */
export function sampleLibrary(into: string, copies: number): string {
  const content = path.join(into, 'content');
  cpSync(path.join(ROOT, 'content'), content, { recursive: true });
  for (let i = 1; i <= copies; i++) cpSync(path.join(content, 'guides', 'iliopsoas-pain-running'), path.join(content, 'guides', `copy-${i}`), { recursive: true });
  return content;
}
