// What the operating system says about a process: resident memory and CPU time, read from /proc
// (Linux; the benchmarks that need these say so elsewhere).

import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export const procAvailable = process.platform === 'linux';

/** Clock ticks per second of /proc/<pid>/stat's CPU times. */
const clockTicks = procAvailable ? Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) : 100;

/** Resident set size in MiB (VmRSS). */
export function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) / 1024;
}

/** User + system CPU time the process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) / clockTicks) * 1000;
}
