// Large values on real processes: a member that was down while 64 writes of 60 KiB committed
// (3.8 MB of log) catches up, and every member ends with the same state. (The byte bound on one
// append is proven by the engine test; here, pipelined large appends also trip node-ipc's
// pending-write limit, which closes and reopens the connection: the cluster must ride that out.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor } from './harness.ts';

test('a member that missed 64 writes of 60 KiB catches up', async (t) => {
  const c = await startCluster(t, { nodes: 3, messageTelemetry: false });
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  const late = c.sup.view().nodes.find((n) => n.id !== c.leader())!.id;
  await c.run('node.crash', { id: late });
  const big = (i: number): string => `${i}:`.padEnd(60 * 1024, 'minutes ');
  const results = await Promise.all(
    Array.from({ length: 64 }, (_, i) => c.sup.execute('kv', { op: 'set', key: `big${i}`, value: big(i) })),
  );
  assert.deepEqual(
    results.map((r) => r.status),
    Array<number>(64).fill(200),
  );
  await c.run('node.restart', { id: late });
  const leader = c.leader()!;
  await waitFor(
    'every member to apply it all',
    () => c.sup.view().nodes.every((n) => n.appliedIndex === c.member(leader).commitIndex),
    5000,
  );
  assert.deepEqual((await c.run('kv', { op: 'get', key: 'big63' })).body, { value: big(63) });
  assert.deepEqual(c.sup.violations(), []);
});

test('a member that needs a snapshot larger than a frame (3 MB of state) gets it in pieces', async (t) => {
  const c = await startCluster(t, { nodes: 3, messageTelemetry: false, snapshotThreshold: 8 });
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  const late = c.sup.view().nodes.find((n) => n.id !== c.leader())!.id;
  await c.run('node.crash', { id: late });
  const big = (i: number): string => `${i}:`.padEnd(60 * 1024, 'minutes ');
  for (let i = 0; i < 50; i++) await c.run('kv', { op: 'set', key: `big${i}`, value: big(i) });
  await c.run('node.restart', { id: late });
  await waitFor(
    'the late member to install the snapshot and catch up',
    () => {
      // The chair may change, or be unknown for a moment, while the late member catches up.
      const leader = c.leader();
      if (leader === null) return false;
      return c.sup.view().nodes.every((n) => n.status === 'running' && n.appliedIndex === c.member(leader).commitIndex);
    },
    10_000,
  );
  const installed = c.sup.events().filter((e) => e.kind === 'snapshot' && e.node === late && e.how === 'installed');
  assert.ok(installed.length > 0, 'it caught up from a snapshot');
  const crashes = c.sup.events().filter((e) => e.kind === 'member' && e.status === 'crashed' && e.node !== late);
  assert.deepEqual(crashes, [], 'no member crashed sending it');
  assert.deepEqual((await c.run('kv', { op: 'get', key: 'big49' })).body, { value: big(49) });
  assert.deepEqual(c.sup.violations(), []);
});
