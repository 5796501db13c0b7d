// How long each fuzz property runs, and from which seed. In `npm test` every property runs a fixed
// number of times from a fixed seed, so all of test/fuzz stays within its budget and a failure
// is reproducible; a campaign (`npm run fuzz -- --runs N --seed S`, see campaign.ts) passes
// FUZZ_RUNS and FUZZ_SEED to every property instead. A failure says how to run it again.

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';

/** The seed of `npm test`. */
const CI_SEED = 20_261_123;

function fromEnv(name: string, fallback: number | null, min: number): number | null {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d{1,15}$/.test(raw) || Number(raw) < min)
    throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
  return Number(raw);
}

export const baseSeed = fromEnv('FUZZ_SEED', CI_SEED, Number.MIN_SAFE_INTEGER)!;
/** Runs per property in a campaign; null in `npm test`, where each property has its own budget. */
const campaignRuns = fromEnv('FUZZ_RUNS', null, 1);

/** Each property gets its own seed from the base seed and its label, so adding one changes no other. */
function seedFor(label: string): number {
  let h = baseSeed | 0;
  for (const c of label) h = Math.imul(h ^ c.codePointAt(0)!, 0x01000193);
  return h | 0;
}

export interface Budget {
  /** Runs in `npm test` (a campaign overrides it). */
  readonly runs: number;
  /** Longest one asynchronous run may take before it counts as a hang, in ms. */
  readonly timeoutMs?: number;
}

/**
 * Check `property` within its budget. On failure the error starts with the line that reruns it:
 * fast-check adds the property's own seed, the path of the shrunk case, and the counterexample.
 */
export async function fuzz<Ts>(label: string, property: fc.IRawProperty<Ts>, budget: Budget): Promise<void> {
  const seed = seedFor(label);
  try {
    await fc.assert(property, {
      seed,
      numRuns: campaignRuns ?? budget.runs,
      ...(budget.timeoutMs === undefined ? {} : { timeout: budget.timeoutMs }),
    });
  } catch (e) {
    const rerun = `fuzz "${label}" failed: rerun with FUZZ_SEED=${baseSeed}${campaignRuns === null ? '' : ` FUZZ_RUNS=${campaignRuns}`}`;
    throw new Error(`${rerun}\n${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Fail a synchronous parse that takes longer than this: a hang or a quadratic blow-up, not load. */
export const SLOW_PARSE_MS = 2000;

/**
 * Where fuzzers write files: a memory file system where there is one (Linux's /dev/shm), so the
 * many fsyncs of thousands of runs cost nothing. They test what is read back, not the disk.
 */
export function scratchDir(prefix: string): string {
  const memory = '/dev/shm';
  return mkdtempSync(join(existsSync(memory) ? memory : tmpdir(), prefix));
}
