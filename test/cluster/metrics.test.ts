// Metrics come from the event stream alone, so a recording gives the same numbers as the live run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsCollector } from '../../main/cluster/metrics.ts';
import type { ClusterEvent } from '../../main/shared/contract.ts';

let seq = 0;
const state = (
  at: number,
  node: number,
  role: 'follower' | 'candidate' | 'leader',
  term: number,
  applied = 0,
  last = 0,
): ClusterEvent => ({
  seq: ++seq,
  at,
  kind: 'state',
  node,
  role,
  term,
  vote: null,
  leader: role === 'leader' ? node : null,
  commit: applied,
  applied,
  first: 1,
  last,
  progress: [],
  memberAt: at,
});

test('an election lasts from the first candidacy to the new leader', () => {
  const m = new MetricsCollector();
  m.add(state(1000, 2, 'candidate', 1));
  m.add(state(1040, 3, 'candidate', 1));
  m.add(state(1180, 2, 'leader', 1, 0, 1));
  m.add({ seq: ++seq, at: 5000, kind: 'member', node: 2, status: 'crashed', pid: null });
  m.add(state(5200, 1, 'candidate', 2));
  m.add(state(5371, 1, 'leader', 2, 1, 2));
  const s = m.snapshot(6000);
  assert.deepEqual(s.elections, [
    { at: 1180, term: 1, durationMs: 180 },
    { at: 5371, term: 2, durationMs: 171 },
  ]);
  assert.deepEqual(
    s.leaderChanges.map((c) => c.leader),
    [2, 1],
  );
});

test('client latency percentiles, throughput over the last five seconds, and replication lag', () => {
  const m = new MetricsCollector();
  m.add(state(0, 1, 'leader', 1, 10, 12));
  m.add(state(0, 2, 'follower', 1, 7, 10));
  for (let i = 1; i <= 100; i++)
    m.add({ seq: ++seq, at: 9000 + i, kind: 'client', op: 'set', status: 200, latencyMs: i });
  m.add({ seq: ++seq, at: 9500, kind: 'client', op: 'set', status: 504, latencyMs: 5000 });
  const s = m.snapshot(10_000);
  assert.equal(s.client.completed, 100);
  assert.equal(s.client.failed, 1);
  assert.deepEqual(s.client.latencyMs, { p50: 51, p99: 100, max: 100 });
  assert.equal(s.client.throughput, 20);
  assert.deepEqual(s.lag, { 1: 2, 2: 5 });
});
