// The shape of a benchmark run's results (results.json) and the machine it ran on. The report
// and the charts are generated from this alone, so an old results file regenerates its document.

import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import type { FailoverResult } from './failover.ts';
import type { FootprintResult, StartupResult } from './footprint.ts';
import type { ProfileResult } from './profile.ts';
import type { ScaleResult } from './scale.ts';
import type { ThroughputResult } from './throughput.ts';
import type { UiResult } from './ui.ts';
import { round } from './stats.ts';

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1, 5 and 15 minute load averages. */
  readonly loadAtStart: readonly number[];
  readonly loadAtEnd: readonly number[];
}

/** A benchmark that could not run says why instead of giving numbers. */
export interface Skipped {
  readonly skipped: string;
}

export type Mode = 'quick' | 'full' | 'custom';

export interface BenchResults {
  readonly version: 1;
  readonly mode: Mode;
  readonly startedAt: string;
  readonly wallSeconds: number;
  readonly machine: Machine;
  readonly failover: FailoverResult | Skipped | null;
  readonly throughput: ThroughputResult | Skipped | null;
  readonly footprint: FootprintResult | Skipped | null;
  readonly startup: StartupResult | Skipped | null;
  readonly scale: ScaleResult | Skipped | null;
  readonly ui: UiResult | Skipped | null;
  readonly profile: ProfileResult | Skipped | null;
}

export function loadNow(): number[] {
  return loadavg().map((l) => round(l));
}

export function machineAtStart(): Omit<Machine, 'loadAtEnd'> {
  let os = `${process.platform} ${process.arch}`;
  try {
    os = execFileSync('uname', ['-srvm'], { encoding: 'utf8' }).trim();
  } catch {
    /* not a Unix: platform and arch say enough */
  }
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    os,
    node: process.version,
    loadAtStart: loadNow(),
  };
}

/** JSON with every object or array that fits in `width` characters on one line: one trial per line. */
export function compactJson(value: unknown, indent = '', width = 160): string {
  const flat = JSON.stringify(value);
  if (flat.length + indent.length <= width || value === null || typeof value !== 'object') return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value))
    return `[\n${value.map((v) => inner + compactJson(v, inner, width)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner, width)}`).join(',\n')}\n${indent}}`;
}
