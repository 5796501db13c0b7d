// Slow motion: the time scale stretches every member's ticks, so at 1/10 an election timeout of
// 150-300 ms takes 1.5-3 s and people can watch it happen.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor } from './harness.ts';

test('at time scale 1/10 a failover takes ten times as long, and back at 1 it is quick again', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  await c.run('settings.set', { timeScale: 0.1 });
  assert.equal(c.sup.view().settings.timeScale, 0.1);
  const slow = c.leader()!;
  await c.run('node.crash', { id: slow });
  const slowFailover = await waitFor(
    'a new chairman in slow motion',
    () => c.leader() !== null && c.leader() !== slow,
    8000,
  );
  t.diagnostic(`failover at 1/10: ${slowFailover} ms`);
  // A follower's timer started at the last heartbeat, up to one stretched heartbeat (500 ms) before the crash.
  assert.ok(
    slowFailover >= 1500 - 500 - 100,
    `no earlier than the stretched minimum timeout after the last heartbeat (took ${slowFailover} ms)`,
  );
  await c.run('node.restart', { id: slow });
  await c.run('settings.set', { timeScale: 1 });
  const fast = c.leader()!;
  await c.run('node.crash', { id: fast });
  const fastFailover = await waitFor(
    'a new chairman at real time',
    () => c.leader() !== null && c.leader() !== fast,
    2000,
  );
  t.diagnostic(`failover at 1: ${fastFailover} ms`);
  assert.ok(fastFailover < slowFailover / 3);
});
