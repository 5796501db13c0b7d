// A worker thread of `npm run sim`: runs a range of seeds and posts a summary back.

import { parentPort, workerData } from 'node:worker_threads';
import type { FaultModel } from './nemesis.ts';
import { runSchedule } from './schedule.ts';

export interface Batch {
  readonly from: number;
  readonly to: number;
  readonly nodes: number;
  readonly seconds: number;
  readonly forgetVote: boolean;
  readonly model?: FaultModel;
}

export interface BatchResult {
  readonly operations: number;
  readonly elections: number;
  readonly models: [string, number][];
  readonly failures: { seed: number; model: FaultModel; settings: string; failure: string }[];
}

if (parentPort !== null) {
  const b = workerData as Batch;
  const failures: BatchResult['failures'] = [];
  const models = new Map<string, number>();
  let operations = 0;
  let elections = 0;
  for (let seed = b.from; seed < b.to; seed++) {
    const r = runSchedule({
      seed,
      nodes: b.nodes,
      seconds: b.seconds,
      forgetVote: b.forgetVote,
      ...(b.model ? { model: b.model } : {}),
    });
    operations += r.operations;
    elections += r.elections;
    models.set(r.model, (models.get(r.model) ?? 0) + 1);
    if (r.failure !== null) failures.push({ seed, model: r.model, settings: r.settings, failure: r.failure });
  }
  const result: BatchResult = { operations, elections, models: [...models], failures };
  parentPort.postMessage(result);
}
