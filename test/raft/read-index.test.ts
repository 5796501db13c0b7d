// Linearizable reads without writing to the log: ReadIndex (Raft paper §8, dissertation §6.4).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, voters } from './harness.ts';

test('a leader releases a read only after a heartbeat round confirms a majority still follows it', () => {
  // Dissertation §6.4 step 3: "the leader sends a new round of heartbeats and waits for their acknowledgments from a majority".
  const c = new Cluster();
  c.elect(1);
  const commit = c.propose(1, 'x');
  assert.deepEqual(c.node(1).readIndex('r1'), { ok: true, index: commit, term: 1 });
  c.handleReady(1);
  assert.deepEqual(c.member(1).readStates, [], "not on the leader's word alone");
  const heartbeats = c.queue.filter((m) => m.type === 'heartbeat' && m.readContext > 0);
  assert.deepEqual(
    heartbeats.map((m) => m.to),
    [2, 3],
  );

  c.deliver((m) => m.type === 'heartbeat');
  c.readyAll();
  c.handleReady(1);
  assert.deepEqual(c.member(1).readStates, [], 'the heartbeats went out; no answer has come back yet');
  c.deliver((m) => m.type === 'heartbeatResp' && m.from === 2);
  c.handleReady(1);
  assert.deepEqual(c.member(1).readStates, [{ requestId: 'r1', index: commit }], 'leader + node 2 are a majority');
});

test('a partitioned leader never releases a read; the read is dropped when it learns it was deposed', () => {
  // Dissertation §6.4: the heartbeat round is what stops a deposed leader from serving stale data.
  const c = new Cluster();
  c.elect(1);
  c.isolate(1);
  assert.ok(c.node(1).readIndex('r1').ok);
  c.tick(30); // 2 and 3 elect a new leader; 1 keeps sending heartbeats into the void
  assert.equal(c.leader(), 2);
  assert.equal(c.status(1).role, 'leader', 'node 1 does not know yet');
  assert.deepEqual(c.member(1).readStates, []);
  c.heal();
  c.tick(3);
  assert.equal(c.status(1).role, 'follower');
  assert.deepEqual(c.member(1).readStates, []);
  assert.deepEqual(c.member(1).droppedReads, ['r1'], 'the read fails, so the client retries elsewhere');
});

test('a leader that steps down by CheckQuorum drops its pending reads', () => {
  // Dissertation §6.2 / §6.4.
  const c = new Cluster({ config: { checkQuorum: true } });
  c.elect(1);
  c.isolate(1);
  c.node(1).readIndex('r1');
  c.tick(20, [1]);
  assert.equal(c.status(1).role, 'follower');
  assert.deepEqual([c.member(1).readStates, c.member(1).droppedReads], [[], ['r1']]);
});

test('a new leader defers reads until it has committed an entry of its own term', () => {
  // Paper §8 / dissertation §6.4 step 1: a new leader does not know the commit index until its no-op commits.
  const c = new Cluster();
  c.node(1).campaign();
  c.handleReady(1);
  c.deliver();
  c.readyAll();
  c.deliver((m) => m.type === 'voteResp');
  assert.equal(c.status(1).role, 'leader');
  assert.equal(c.status(1).commitIndex, 0, 'its no-op (entry 1) is not committed yet');
  assert.ok(c.node(1).readIndex('r1').ok);
  c.handleReady(1);
  assert.ok(!c.queue.some((m) => m.type === 'heartbeat'), 'no confirmation round yet');
  assert.deepEqual(c.member(1).readStates, []);
  c.stabilize();
  assert.deepEqual(
    c.member(1).readStates,
    [{ requestId: 'r1', index: 1 }],
    'served at the no-op, not at the stale index 0',
  );
});

test('a leader that is the only voter serves reads at once', () => {
  // Dissertation §6.4: a majority of one needs no heartbeat round.
  const c = new Cluster({ membership: voters(1) });
  c.elect(1);
  c.node(1).readIndex('solo');
  c.handleReady(1);
  assert.deepEqual(c.member(1).readStates, [{ requestId: 'solo', index: 1 }]);
});

test('a follower refuses a read and names the leader', () => {
  // Dissertation §6.4: reads go through the leader (followers forward, clients retry).
  const c = new Cluster();
  c.elect(1);
  assert.deepEqual(c.node(2).readIndex('r'), { ok: false, reason: 'notLeader', leader: 1 });
});
