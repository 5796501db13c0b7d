// Issue "real local cluster", done means: 5 member processes elect a chairman within a second and
// commit writes; a crashed leader is replaced within twice the maximum election timeout. Timing
// tests run on their own (not beside other test files) so that they measure the cluster, not the
// load of the test run on a 2-core machine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor } from '../cluster/harness.ts';

test('5 member processes start, elect a chairman within a second, and commit writes', async (t) => {
  const started = Date.now();
  const c = await startCluster(t);
  await waitFor('a chairman', () => c.leader() !== null, 1000 - (Date.now() - started));
  t.diagnostic(`chairman elected ${Date.now() - started} ms after spawning 5 processes`);
  const pids = c.sup.view().nodes.map((n) => n.pid);
  assert.equal(new Set(pids).size, 5, 'five distinct OS processes');
  const set = await c.run('kv', { op: 'set', key: 'painting', value: 'Rs 2 lakhs' });
  assert.ok((set.body as { index: number }).index > 0);
  assert.deepEqual((await c.run('kv', { op: 'get', key: 'painting' })).body, { value: 'Rs 2 lakhs' });
  const d = (await c.run('decide', { text: 'Approve painting contract for Rs 2 lakhs' })).body as {
    number: number;
    index: number;
  };
  assert.equal(d.number, 1);
  const cas = await c.run('kv', { op: 'cas', key: 'painting', expected: 'Rs 3 lakhs', value: 'x' }, [409]);
  assert.deepEqual(cas.body, { ok: false, value: 'Rs 2 lakhs' });
  await waitFor(
    'every minutes book to hold the decision',
    () => c.sup.view().nodes.every((n) => n.appliedIndex >= d.index),
    2000,
  );
  assert.deepEqual(c.sup.violations(), []);
});

test('the chairman crashes: a new one within twice the maximum election timeout, and writes continue', async (t) => {
  const c = await startCluster(t);
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  await c.run('kv', { op: 'set', key: 'before', value: '1' });
  const old = c.leader()!;
  const oldTerm = c.member(old).term;
  await c.run('node.crash', { id: old });
  const took = await waitFor('a new chairman', () => c.leader() !== null && c.leader() !== old, 600);
  t.diagnostic(`failover took ${took} ms (limit 600 ms = 2 x 300 ms)`);
  assert.ok(c.member(c.leader()!).term > oldTerm);
  await c.run('kv', { op: 'set', key: 'after', value: '2' });
  assert.deepEqual((await c.run('kv', { op: 'get', key: 'before' })).body, { value: '1' });
  await c.run('node.restart', { id: old });
  await waitFor(
    'the old chairman to catch up as a member',
    () => {
      const m = c.member(old);
      return m.role === 'follower' && m.appliedIndex === c.member(c.leader()!).commitIndex;
    },
    3000,
  );
  assert.deepEqual(c.sup.violations(), []);
});
