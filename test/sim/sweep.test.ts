// The fixed set of schedules every `npm test` runs: each fault model, both PreVote/CheckQuorum
// settings, timeouts wide and narrow, each ending with convergence and linearizability checks.
// `npm run sim -- --seeds 10000` runs the long campaign.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faultModels } from './nemesis.ts';
import { runSchedule } from './schedule.ts';

const SEEDS = 270;

test(`${SEEDS} seeded schedules across ${faultModels.length} fault models keep every safety property`, () => {
  const failures: string[] = [];
  const models = new Map<string, number>();
  let operations = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = runSchedule({ seed });
    models.set(r.model, (models.get(r.model) ?? 0) + 1);
    operations += r.operations;
    if (r.failure !== null) failures.push(`seed ${seed} (${r.settings}): ${r.failure}`);
  }
  assert.deepEqual(failures, []);
  assert.equal(models.size, faultModels.length, 'every fault model ran');
  assert.ok(operations > SEEDS * 100, `clients completed ${operations} operations`);
});

test('a 3-node and a 7-node cluster survive the mixed fault model', () => {
  for (const nodes of [3, 7]) {
    for (let seed = 1; seed <= 10; seed++) {
      const r = runSchedule({ seed, nodes, model: 'mixed' });
      assert.equal(r.failure, null, `seed ${seed}, ${nodes} nodes: ${r.failure}`);
    }
  }
});
