/**
 * Measure `careprint check` on each pathological body (tests/helpers/pathological.ts): wall time
 * of the check and the peak RSS of a fresh process running it, one process per case, killed
 * after a limit so a case that hangs is reported rather than waited on.
 *
 *   npx tsx scripts/pathological.ts [case-name-substring …]
 *     PATHOLOGICAL_LIMIT: seconds before a case is killed (120)
 *     PATHOLOGICAL_BYTES: body size (default just under the 1 MiB limit)
 *
 * With --child <content-dir> … it is the measured process: it checks each folder in turn and
 * prints one JSON line per folder (ChildReport). With --write <case> <dir> [bytes] it only makes the
 * case's content folder (smaller bodies for profiling with node --cpu-prof).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AT_LIMIT_CASES, PATHOLOGICAL_CASES } from '../tests/helpers/pathological.js';

const ALL_CASES = [...PATHOLOGICAL_CASES, ...AT_LIMIT_CASES];
import { BASE_DIR, diagnosticsOf, materialise } from '../tests/helpers/fixtures.js';

const LIMIT_SECONDS = Number(process.env.PATHOLOGICAL_LIMIT ?? 120);
/** Smaller bodies than the default (just under the size limit), to see how a case's time grows. */
const BYTES = process.env.PATHOLOGICAL_BYTES ? Number(process.env.PATHOLOGICAL_BYTES) : undefined;

/** What the measured process prints: one JSON line per content folder, in order. */
export interface ChildReport {
  dir: string;
  /** Wall time of the check alone (not the process's start). */
  ms: number;
  /** Peak resident memory of the whole process so far (the parse thread included). */
  maxRssMb: number;
  /** Every error, as rule, file:line:column and message. */
  errors: Array<{ rule: string; at: string; message: string }>;
}

/** Check each folder in turn, printing a report as each is done (so a hang is pinned to its folder). */
async function child(contentDirs: readonly string[]): Promise<void> {
  const { check } = await import('../src/check.js');
  for (const dir of contentDirs) {
    const started = performance.now();
    const result = await check(dir, { cwd: dir, today: '2026-11-27' });
    const ms = performance.now() - started;
    const errors = diagnosticsOf(result, dir)
      .filter((d) => d.severity === 'error')
      .map((d) => ({ rule: d.rule, at: `${d.file}:${d.line}:${d.column}`, message: d.message }));
    const report: ChildReport = { dir, ms, maxRssMb: process.resourceUsage().maxRSS / 1024, errors };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  }
}

function measure(contentDir: string): Promise<string> {
  return new Promise((resolve) => {
    const started = performance.now();
    const proc = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, 'pathological.ts'), '--child', contentDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), LIMIT_SECONDS * 1000);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      const wall = ((performance.now() - started) / 1000).toFixed(1);
      if (signal) return resolve(`killed after ${wall} s (${signal})`);
      try {
        const r = JSON.parse(out.trim().split('\n').at(-1)!) as ChildReport;
        const rules = [...new Set(r.errors.map((e) => e.rule))];
        resolve(`${(r.ms / 1000).toFixed(2)} s check, ${r.maxRssMb.toFixed(0)} MB peak RSS, errors: ${rules.join(', ') || 'none'}`);
      } catch {
        resolve(`exit ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`);
      }
    });
  });
}

function write(name: string, dir: string, bytes?: number): void {
  const found = ALL_CASES.find((c) => c.name === name);
  if (!found) throw new Error(`no case ${name}`);
  cpSync(BASE_DIR, dir, { recursive: true });
  writeFileSync(path.join(dir, found.path), found.text(bytes));
}

if (process.argv[2] === '--child') {
  await child(process.argv.slice(3));
} else if (process.argv[2] === '--write') {
  write(process.argv[3]!, path.resolve(process.argv[4]!), process.argv[5] ? Number(process.argv[5]) : undefined);
} else {
  const wanted = process.argv.slice(2);
  for (const c of ALL_CASES.filter((c) => wanted.length === 0 || wanted.some((w) => c.name.includes(w)))) {
    const fixture = materialise();
    try {
      const target = path.join(fixture.contentDir, c.path);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, c.text(BYTES));
      process.stdout.write(`${c.name.padEnd(24)} ${await measure(fixture.contentDir)}\n`);
    } finally {
      fixture.cleanup();
    }
  }
}
