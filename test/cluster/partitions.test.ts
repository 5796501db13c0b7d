// Faults enforced where a network would enforce them: a partition's minority commits nothing and
// converges after healing; a leader behind a one-way cut or frozen with SIGSTOP steps down and
// never commits or serves a stale read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type TestCluster } from './harness.ts';

const others = (c: TestCluster, ...not: number[]): number[] =>
  c.sup
    .view()
    .nodes.map((n) => n.id)
    .filter((id) => !not.includes(id));

test('the minority side of a partition commits nothing; after healing every log converges', async (t) => {
  const c = await startCluster(t);
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  await c.run('kv', { op: 'set', key: 'x', value: 'before' });
  const old = c.leader()!;
  const minority = [old, others(c, old)[0]!];
  const majority = others(c, ...minority);
  await c.run('partition', { groups: [minority, majority] });
  const cut = c.sup.view().links.filter((l) => l.state === 'cut').length;
  assert.equal(cut, 2 * minority.length * majority.length, 'every link across the partition is cut');
  await waitFor('a chairman on the majority side', () => majority.includes(c.leader() ?? -1), 2000);
  const minorityCommit = minority.map((id) => c.member(id).commitIndex);
  for (let i = 0; i < 5; i++) await c.run('kv', { op: 'set', key: `m${i}`, value: String(i) });
  assert.deepEqual(
    minority.map((id) => c.member(id).commitIndex),
    minorityCommit,
    'the minority committed nothing',
  );
  assert.ok(majority.every((id) => c.member(id).commitIndex > Math.max(...minorityCommit)));
  await c.run('heal');
  await waitFor(
    'every log to converge',
    () => {
      const nodes = c.sup.view().nodes;
      const l = nodes.find((n) => n.id === c.leader());
      return l !== undefined && nodes.every((n) => n.lastIndex === l.lastIndex && n.appliedIndex === l.commitIndex);
    },
    4000,
  );
  assert.deepEqual((await c.run('kv', { op: 'get', key: 'm4' })).body, { value: '4' });
  assert.deepEqual(c.sup.violations(), []);
});

test('a leader that cannot hear its followers (one-way cut) steps down and never commits again', async (t) => {
  const c = await startCluster(t, { checkQuorum: true });
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  const old = c.leader()!;
  const oldTerm = c.member(old).term;
  for (const id of others(c, old)) await c.run('link.set', { from: id, to: old, state: 'cut', oneWay: true });
  await waitFor('the deaf leader to step down (CheckQuorum)', () => c.member(old).role !== 'leader', 1500);
  await waitFor('a new chairman', () => c.leader() !== null && c.leader() !== old, 2000);
  const commitAtStepDown = c.member(old).commitIndex;
  for (let i = 0; i < 3; i++) await c.run('kv', { op: 'set', key: `y${i}`, value: 'new' });
  assert.ok(c.member(c.leader()!).term > oldTerm);
  // Deaf to everyone, it can neither lead again (PreVote: nobody grants while hearing a leader) nor learn commits.
  await new Promise((r) => setTimeout(r, 600));
  assert.notEqual(c.member(old).role, 'leader');
  assert.equal(c.member(old).commitIndex, commitAtStepDown, 'the deaf member committed nothing');
  await c.run('heal');
  await waitFor(
    'the old leader to catch up as a member',
    () => c.member(old).appliedIndex === c.member(c.leader()!).commitIndex,
    3000,
  );
  assert.deepEqual(c.sup.violations(), []);
});

test('a frozen leader (SIGSTOP) is replaced; thawed, it steps down and reads stay fresh', async (t) => {
  const c = await startCluster(t);
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  await c.run('kv', { op: 'set', key: 'z', value: 'old' });
  const old = c.leader()!;
  const pid = c.member(old).pid!;
  await c.run('node.pause', { id: old });
  assert.equal(c.member(old).status, 'paused');
  await waitFor('a new chairman', () => c.sup.view().nodes.some((n) => n.id !== old && n.role === 'leader'), 2000);
  await c.run('kv', { op: 'set', key: 'z', value: 'new' });
  await c.run('node.resume', { id: old });
  assert.equal(c.member(old).pid, pid, 'the same process, thawed');
  await waitFor('the thawed leader to step down', () => c.member(old).role !== 'leader', 1000);
  for (let i = 0; i < 5; i++) assert.deepEqual((await c.run('kv', { op: 'get', key: 'z' })).body, { value: 'new' });
  assert.deepEqual(c.sup.violations(), []);
});

test('an entries-only fault: the follower still hears heartbeats, but its minutes book falls behind', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  await waitFor('a chairman', () => c.leader() !== null, 2000);
  await c.run('kv', { op: 'set', key: 'x', value: 'before' });
  const leader = c.leader()!;
  const term = c.member(leader).term;
  const follower = others(c, leader)[0]!;
  await waitFor('the follower to catch up', () => c.member(follower).lastIndex === c.member(leader).lastIndex, 2000);
  await c.run('link.fault', { from: leader, to: follower, loss: 1, entriesOnly: true, oneWay: true });
  const link = c.sup.view().links.find((l) => l.from === leader && l.to === follower)!;
  assert.deepEqual([link.loss, link.entriesOnly], [1, true]);
  const since = c.sup.events().at(-1)!.seq;
  for (const value of ['1', '2', '3']) await c.run('kv', { op: 'set', key: 'x', value });
  // Three election timeouts: without heartbeats the follower would have stood for election.
  await new Promise((r) => setTimeout(r, 900));
  const f = c.member(follower);
  assert.ok(f.lastIndex < c.member(leader).lastIndex, 'the follower did not get the new entries');
  assert.deepEqual([f.role, f.term, f.leader], ['follower', term, leader], 'and kept hearing its chairman');
  const events = c.sup.events(since);
  const heartbeats = events.filter(
    (e) => e.kind === 'message' && e.phase === 'received' && e.type === 'heartbeat' && e.node === follower,
  );
  assert.ok(heartbeats.length >= 10, `heartbeats got through (${heartbeats.length})`);
  for (const e of heartbeats) assert.ok(e.kind === 'message' && e.memberAt <= e.at, "the member's clock stamp");
  assert.ok(
    events.some((e) => e.kind === 'message' && e.phase === 'dropped' && e.type === 'append' && e.to === follower),
    'appends with entries were lost',
  );
  await c.run('link.fault', { from: leader, to: follower, oneWay: true });
  await waitFor('the follower to catch up', () => c.member(follower).lastIndex === c.member(leader).lastIndex, 2000);
  assert.deepEqual(c.sup.violations(), []);
});
