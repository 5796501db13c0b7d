// Membership at run time: a new building joins (spawn, then change the configuration), members
// leave (change the configuration, then stop), the chairman included; learners are promoted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { alive, startCluster, waitFor } from './harness.ts';

test('adding and removing members at run time, removing the chairman included', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  await c.run('kv', { op: 'set', key: 'founded', value: 'yes' });

  const added = (await c.run('member.add', { learner: false })).body as { id: number; name: string };
  assert.equal(added.id, 4);
  assert.match(added.name, /Sunita - Building D/);
  await waitFor(
    'the new member to catch up',
    () => c.member(4).appliedIndex === c.member(c.leader()!).commitIndex,
    3000,
  );
  assert.deepEqual(c.sup.view().voters, [1, 2, 3, 4]);

  const learner = ((await c.run('member.add', { learner: true })).body as { id: number }).id;
  assert.deepEqual(c.sup.view().learners, [learner]);
  assert.equal(c.member(learner).role, 'learner');
  await c.run('member.promote', { id: learner });
  assert.deepEqual(c.sup.view().voters, [1, 2, 3, 4, 5]);

  const follower = c.sup.view().nodes.find((n) => n.id !== c.leader())!;
  await c.run('member.remove', { id: follower.id });
  assert.ok(!c.sup.view().nodes.some((n) => n.id === follower.id), 'gone from the view');
  await waitFor('its process to exit', () => !alive(follower.pid!), 2000);
  assert.ok(!existsSync(join(c.dataDir, `n${follower.id}`)), 'its records are gone');

  const chair = c.leader()!;
  const chairPid = c.member(chair).pid!;
  await c.run('member.remove', { id: chair });
  await waitFor('a new chairman among the rest', () => c.leader() !== null && c.leader() !== chair, 3000);
  await waitFor('the old chairman process to exit', () => !alive(chairPid), 2000);
  assert.equal(c.sup.view().voters.length, 3);
  await c.run('kv', { op: 'set', key: 'after', value: 'removals' });
  assert.deepEqual((await c.run('kv', { op: 'get', key: 'founded' })).body, { value: 'yes' });
  assert.deepEqual(c.sup.violations(), []);
});

test('leadership transfer hands the chair to the chosen member', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  const to = c.sup.view().nodes.find((n) => n.id !== c.leader())!.id;
  await c.run('leader.transfer', { to });
  assert.equal(c.leader(), to);
  await c.run('kv', { op: 'set', key: 'k', value: 'v' });
});
