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

test('a removal lost with its chairman is answered 503 and changes nothing (its index alone is not enough)', async (t) => {
  const c = await startCluster(t, { nodes: 5 });
  await waitFor('a chairman', () => c.leader() !== null, 3000);
  await c.run('kv', { op: 'set', key: 'before', value: 'partition' });
  const old = c.leader()!;
  const others = c.sup
    .view()
    .nodes.map((n) => n.id)
    .filter((id) => id !== old);
  const target = others[0]!;
  // The chairman is cut off, yet accepts the removal into its log: it can never commit it, and
  // the majority's new chairman commits its own entries at that index instead.
  await c.run('partition', { groups: [[old], others] });
  const r = await c.run('member.remove', { id: target }, [503]);
  assert.match((r.body as { error: string }).error, /lost with the chairman that accepted it/);
  await c.run('heal');
  assert.equal(c.member(target).status, 'running');
  await waitFor('the old chairman to rejoin as a follower', () => c.member(old).role === 'follower', 5000);
  assert.ok(c.sup.view().voters.includes(target), 'still a voter');
  assert.deepEqual(c.sup.violations(), []);
});

test('a removal or an addition answered 504 still takes effect when it commits later', async (t) => {
  const c = await startCluster(t, { nodes: 5 });
  await waitFor('a chairman', () => c.leader() !== null, 3000);
  // Without CheckQuorum the chairman keeps its chair while most members are frozen: what it
  // accepts now commits once they thaw.
  await c.run('settings.set', { checkQuorum: false });
  // A new chairman takes configuration changes once an entry of its term is committed.
  await c.run('kv', { op: 'set', key: 'chair', value: 'settled' });
  const chair = c.leader()!;
  const [target, ...rest] = c.sup
    .view()
    .nodes.map((n) => n.id)
    .filter((id) => id !== chair);
  const frozen = rest.slice(0, 2);
  for (const id of [target!, ...frozen]) await c.run('node.pause', { id });
  await c.run('member.remove', { id: target }, [504]);
  for (const id of [target!, ...frozen]) await c.run('node.resume', { id });
  const targetPid = c.member(target!).pid!;
  await waitFor(
    'the removal to commit and its process to stop',
    () => !c.sup.view().nodes.some((n) => n.id === target),
    10_000,
  );
  await waitFor('its process to exit', () => !alive(targetPid), 5000);
  assert.ok(!c.sup.view().voters.includes(target!));

  // The newcomer counts in the new configuration at once: freeze enough that it cannot commit.
  for (const id of rest) await c.run('node.pause', { id });
  await c.run('member.add', { learner: false }, [504]);
  for (const id of rest) await c.run('node.resume', { id });
  const newcomer = Math.max(...c.sup.view().nodes.map((n) => n.id));
  await waitFor('the addition to commit', () => c.sup.view().voters.includes(newcomer), 10_000);
  assert.equal(c.member(newcomer).status, 'running');
  await waitFor(
    'the newcomer to catch up',
    () => c.member(newcomer).appliedIndex === c.member(c.leader()!).commitIndex,
    10_000,
  );
  assert.deepEqual(c.sup.violations(), []);
});
