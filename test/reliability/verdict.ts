// The end-of-run judgement of a nemesis run, and its report: the client history linearizable (the
// Wing & Gong / Porcupine checker of test/lib, unknown outcomes as such), every member holding the
// same applied state, the live safety monitor silent, no answer that nothing explains. A failing
// run writes everything needed to look into it (history, requests, fault schedule, seed) to a file.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkKvHistory, type CheckResult, type Operation } from '../lib/linearizability.ts';
import type { MemberState } from './api-client.ts';
import type { LoggedRequest, Outcome } from './kv-clients.ts';
import type { Action, ScheduledCall } from './nemesis.ts';
import type { NemesisRunOptions } from './run.ts';

export interface RunFacts {
  /** The options the run was started with (written to the failure file, to run it again). */
  readonly options: NemesisRunOptions;
  readonly durationMs: number;
  readonly history: readonly Operation[];
  readonly requests: readonly LoggedRequest[];
  readonly outcomes: Readonly<Record<Outcome, number>>;
  readonly schedule: readonly ScheduledCall[];
  readonly faults: ReadonlyMap<Action, { done: number; refused: number }>;
  /** Answers to the nemesis that no fault explains. */
  readonly nemesisUnexpected: readonly string[];
  /** After healing: what each member of the configuration applied, or why that could not be read. */
  readonly states: readonly MemberState[];
  readonly convergence: string | null;
  readonly violations: readonly { readonly property: string; readonly message: string }[];
  /** The cluster's recorded events, fetched only for a failure file. */
  readonly events: () => Promise<unknown[]>;
}

export interface RunReport {
  readonly seed: number;
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly checkerMs: number;
  readonly linearizability: CheckResult;
  readonly requests: number;
  readonly outcomes: Readonly<Record<Outcome, number>>;
  readonly faults: ReadonlyMap<Action, { done: number; refused: number }>;
  /** One line: what ran, what was checked, the verdict. */
  readonly line: string;
  readonly failureFile: string | null;
}

/** Judge a run; when it failed and `outDir` is given, write the failure file there. */
export async function judge(f: RunFacts, outDir: string | null): Promise<RunReport> {
  const started = performance.now();
  const linearizability = checkKvHistory(f.history);
  const checkerMs = performance.now() - started;
  const problems: string[] = [];
  const unexpected = f.requests.filter((q) => q.outcome === 'unexpected');
  if (unexpected.length > 0) {
    problems.push(
      `${unexpected.length} client requests got an answer no fault explains, e.g. ${JSON.stringify(unexpected[0]!.request)} -> ${unexpected[0]!.answer}`,
    );
  }
  for (const u of f.nemesisUnexpected) problems.push(`the nemesis got an answer no fault explains: ${u}`);
  if (f.convergence !== null) problems.push(`after healing: ${f.convergence}`);
  const images = new Set(f.states.map((s) => `${s.applied} ${s.digest}`));
  if (images.size > 1) {
    problems.push(
      `members hold different applied states: ${f.states.map((s) => `member ${s.id} applied ${s.applied} digest ${s.digest.slice(0, 12)} (${s.keys} keys, ${s.decisions} decisions)`).join('; ')}`,
    );
  }
  if (!linearizability.ok) {
    problems.push(
      linearizability.failure !== undefined
        ? `not linearizable:\n${linearizability.failure.explanation}`
        : 'the linearizability check ran out of its search budget: no verdict',
    );
  }
  for (const v of f.violations) problems.push(`safety monitor: ${v.property}: ${v.message}`);

  const ok = problems.length === 0;
  const o = f.outcomes;
  const faults = [...f.faults.values()].reduce((sum, c) => sum + c.done, 0);
  const state = f.states[0];
  const line =
    `seed ${f.options.seed}: ${(f.durationMs / 1000).toFixed(1)} s, ${f.requests.length} requests (${o.ok} ok, ${o.unknown} unknown, ` +
    `${o['not applied']} not applied, ${o.unexpected} unexpected), ${faults} faults and recoveries; ` +
    `${linearizability.opsChecked} operations on ${linearizability.keysChecked} keys checked in ${checkerMs.toFixed(0)} ms; ` +
    (state === undefined ? 'no member state read' : `${f.states.length} members at index ${state.applied}`) +
    `: ${ok ? 'OK' : `FAILED (${problems.length} problems)`}`;
  let failureFile: string | null = null;
  if (!ok && outDir !== null) {
    const { seed, seconds, nodes, clients, keys } = f.options;
    failureFile = join(outDir, `nemesis-failure-seed${seed}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const record = {
      seed,
      options: f.options,
      rerun: `npm run nemesis -- --runs 1 --seed ${seed} --seconds ${seconds} --nodes ${nodes} --clients ${clients} --keys ${keys}`,
      problems,
      report: line,
      faults: Object.fromEntries(f.faults),
      schedule: f.schedule,
      states: f.states,
      violations: f.violations,
      requests: f.requests,
      history: f.history,
      events: await f.events(),
    };
    writeFileSync(failureFile, `${JSON.stringify(record, null, 1)}\n`);
  }
  return {
    seed: f.options.seed,
    ok,
    problems,
    checkerMs,
    linearizability,
    requests: f.requests.length,
    outcomes: f.outcomes,
    faults: f.faults,
    line,
    failureFile,
  };
}
