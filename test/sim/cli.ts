// npm run sim -- --seeds N [--seed S] [--nodes K] [--seconds T] [--model M] [--forget-vote] [--workers W]
// Runs N seeded schedules (seeds S..S+N-1), prints one summary line, and for the first failing seed
// replays it with tracing and prints the end of the trace. Exits 1 on any violation. Seeds are
// independent, so W worker threads (default: one per core) share them; results do not depend on W.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { optionReader } from '../lib/cli-options.ts';
import { faultModels, type FaultModel } from './nemesis.ts';
import { runSchedule } from './schedule.ts';
import type { Batch, BatchResult } from './sim-worker.ts';

const { parse, fail, int } = optionReader(
  'npm run sim',
  'usage: npm run sim -- --seeds N [--seed S] [--nodes K] [--seconds T] [--model M] [--forget-vote] [--trace-lines L] [--workers W]',
);

const { values } = parse({
  seeds: { type: 'string', default: '100' },
  seed: { type: 'string', default: '1' },
  nodes: { type: 'string', default: '5' },
  seconds: { type: 'string', default: '30' },
  model: { type: 'string' },
  'forget-vote': { type: 'boolean', default: false },
  'trace-lines': { type: 'string', default: '60' },
  workers: { type: 'string', default: String(availableParallelism()) },
});

const seeds = int('seeds', values.seeds, 1, 10_000_000);
const first = int('seed', values.seed, 0, 2 ** 31 - 1);
const nodes = int('nodes', values.nodes, 1, 15);
const seconds = int('seconds', values.seconds, 1, 3600);
const traceLines = int('trace-lines', values['trace-lines'], 0, 100_000);
const workers = Math.min(int('workers', values.workers, 1, 64), seeds);
const model = values.model as FaultModel | undefined;
if (model !== undefined && !faultModels.includes(model)) fail(`--model must be one of ${faultModels.join(', ')}`);

/** Run seeds [from, to) on a worker thread. */
function runBatch(batch: Batch): Promise<BatchResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./sim-worker.ts', import.meta.url), { workerData: batch });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

const started = performance.now();
const per = Math.ceil(seeds / workers);
const batches = Array.from({ length: workers }, (_, i) => ({
  from: first + i * per,
  to: Math.min(first + (i + 1) * per, first + seeds),
  nodes,
  seconds,
  forgetVote: values['forget-vote'],
  ...(model ? { model } : {}),
}));
const results = await Promise.all(batches.map(runBatch));
let violations = 0;
let operations = 0;
let elections = 0;
const byModel = new Map<string, number>();
for (const r of results) {
  operations += r.operations;
  elections += r.elections;
  for (const [m, c] of r.models) byModel.set(m, (byModel.get(m) ?? 0) + c);
  for (const f of r.failures) {
    violations++;
    console.log(`seed ${f.seed} (${f.settings}): ${f.failure}`);
  }
}
const firstFailure = results.flatMap((r) => r.failures)[0] ?? null;
const elapsed = (performance.now() - started) / 1000;
console.log(
  `sim: ${seeds} schedules, ${violations} violations (${(seeds / elapsed).toFixed(1)} schedules/s, ${elapsed.toFixed(1)} s; ` +
    `${workers} worker${workers > 1 ? 's' : ''}; ${nodes} nodes, ${seconds} simulated s each; ${operations} client operations checked, ${elections} elections; ` +
    `models ${[...byModel].map(([m, c]) => `${m}:${c}`).join(' ')})`,
);
if (firstFailure !== null) {
  const replay = runSchedule({
    seed: firstFailure.seed,
    nodes,
    seconds,
    model: firstFailure.model,
    forgetVote: values['forget-vote'],
    trace: true,
  });
  console.log(
    `\nfirst failing seed ${firstFailure.seed} (${replay.settings}); the last ${traceLines} events before the failure:`,
  );
  console.log(replay.trace.slice(-traceLines).join('\n'));
  console.log(
    `\nreplay: npm run sim -- --seeds 1 --seed ${firstFailure.seed} --nodes ${nodes} --seconds ${seconds} --model ${firstFailure.model}${values['forget-vote'] ? ' --forget-vote' : ''} --trace-lines 100000`,
  );
  process.exit(1);
}
