// npm run sim -- --seeds N [--seed S] [--nodes K] [--seconds T] [--model M] [--forget-vote]
// Runs N seeded schedules (seeds S..S+N-1), prints one summary line, and for the first failing seed
// replays it with tracing and prints the end of the trace. Exits 1 on any violation.

import { parseArgs } from 'node:util';
import { faultModels, type FaultModel } from './nemesis.ts';
import { runSchedule } from './schedule.ts';

function fail(message: string): never {
  console.error(`sim: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    nodes: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '30' },
    model: { type: 'string' },
    'forget-vote': { type: 'boolean', default: false },
    'trace-lines': { type: 'string', default: '60' },
  },
  strict: true,
});

const int = (name: string, v: string, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be a whole number from ${min} to ${max}, got "${v}"`);
  return n;
};
const seeds = int('seeds', values.seeds, 1, 10_000_000);
const first = int('seed', values.seed, 0, 2 ** 31 - 1);
const nodes = int('nodes', values.nodes, 1, 15);
const seconds = int('seconds', values.seconds, 1, 3600);
const traceLines = int('trace-lines', values['trace-lines'], 0, 100_000);
const model = values.model as FaultModel | undefined;
if (model !== undefined && !faultModels.includes(model)) fail(`--model must be one of ${faultModels.join(', ')}`);

const started = performance.now();
let violations = 0;
let operations = 0;
let elections = 0;
let firstFailure: { seed: number; model: FaultModel } | null = null;
const byModel = new Map<string, number>();
for (let seed = first; seed < first + seeds; seed++) {
  const r = runSchedule({ seed, nodes, seconds, forgetVote: values['forget-vote'], ...(model ? { model } : {}) });
  operations += r.operations;
  elections += r.elections;
  byModel.set(r.model, (byModel.get(r.model) ?? 0) + 1);
  if (r.failure !== null) {
    violations++;
    console.log(`seed ${seed} (${r.settings}): ${r.failure}`);
    firstFailure ??= { seed, model: r.model };
  }
}
const elapsed = (performance.now() - started) / 1000;
console.log(
  `sim: ${seeds} schedules, ${violations} violations (${(seeds / elapsed).toFixed(1)} schedules/s, ${elapsed.toFixed(1)} s; ` +
    `${nodes} nodes, ${seconds} simulated s each; ${operations} client operations checked, ${elections} elections; ` +
    `models ${[...byModel].map(([m, c]) => `${m}:${c}`).join(' ')})`,
);
if (firstFailure !== null) {
  const replay = runSchedule({ seed: firstFailure.seed, nodes, seconds, model: firstFailure.model, forgetVote: values['forget-vote'], trace: true });
  console.log(`\nfirst failing seed ${firstFailure.seed} (${replay.settings}); the last ${traceLines} events before the failure:`);
  console.log(replay.trace.slice(-traceLines).join('\n'));
  console.log(
    `\nreplay: npm run sim -- --seeds 1 --seed ${firstFailure.seed} --nodes ${nodes} --seconds ${seconds} --model ${firstFailure.model}${values['forget-vote'] ? ' --forget-vote' : ''} --trace-lines 100000`,
  );
  process.exit(1);
}
